/**
 * The config errors and the small helpers their messages use (the closest valid word for a
 * misspelling, a value as a message shows it). Kept apart from ./load.ts (which re-exports
 * them) because this module imports nothing: the CLI classifies errors and suggests names
 * without loading yaml or zod.
 */
import { InputError } from "../errors.js";

export class ConfigError extends InputError {
  constructor(
    message: string,
    where = "", // "file:line:col" or "--set key=value" or "file"
    key = "",
  ) {
    super(message, where, key);
  }
  override line(): string {
    return `config error: ${this.format()}`;
  }
  /** One line: `where: key: message` (control characters escaped, a huge key shortened). */
  format(): string {
    const key = this.key.length > 80 ? `${this.key.slice(0, 77)}...` : this.key;
    return [this.where, key, this.message]
      .filter((s) => s !== "")
      .join(": ")
      .replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => JSON.stringify(c).slice(1, -1));
  }
}

/**
 * A value as a message shows it: compact JSON, except that numbers JSON cannot say stay
 * Infinity, -Infinity and NaN (JSON.stringify would print null), at most 60 characters.
 */
export function describeValue(value: unknown): string {
  const seen = new Set<unknown>();
  const go = (v: unknown, depth: number): string => {
    if (typeof v === "number") return String(v); // NaN, Infinity, -Infinity as themselves
    if (typeof v === "bigint") return String(v);
    if (v === undefined) return "nothing";
    if (v === null) return "null";
    if (v instanceof Date) return v.toISOString();
    if (ArrayBuffer.isView(v)) return "<binary>";
    if (typeof v !== "object") return JSON.stringify(v) ?? String(v);
    if (seen.has(v) || depth > 4) return "...";
    seen.add(v);
    if (Array.isArray(v)) return `[${v.slice(0, 20).map((x) => go(x, depth + 1)).join(",")}${v.length > 20 ? ",..." : ""}]`;
    return `{${Object.entries(v as Record<string, unknown>).slice(0, 20).map(([k, x]) => `${JSON.stringify(k)}:${go(x, depth + 1)}`).join(",")}}`;
  };
  return shorten(go(value, 0));
}

/** A value quoted in a message: at most 60 characters, so the message stays one short line. */
export function shorten(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** `; did you mean "x"?` for the closest candidate within a small edit distance, else "". */
export function suggest(word: string, candidates: readonly string[]): string {
  let best = "";
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  const limit = Math.max(1, Math.floor(Math.max(word.length, best.length) / 3));
  return best && bestD <= limit ? `; did you mean "${best}"?` : "";
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
function editDistance(a: string, b: string): number {
  const m = a.length, n = b.length;
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => Array.from({ length: n + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[m][n];
}
