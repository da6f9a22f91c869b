/**
 * Canonical JSON: keys sorted at every level, so key order never makes two documents differ.
 * The one writer of it: config hashes (report/result.ts), config comparison (./config-diff.ts),
 * and the values `fit --where` and `--by` compare.
 */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]])) : x,
  ) ?? "null";
}
