/**
 * Helpers for the docs tests (issue 21: every number the docs show that a command prints is
 * produced by that command in a test): fenced blocks of a page, shown lines in order, and the
 * numbers of a JSON example compared with a command's JSON to the digits the page writes; the CSV
 * files docs/data/ keeps, and the Fig 10 estimators (median, two-point slope) their tests share.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { csvRecords } from "../../src/results/csv.js";

/** The fenced block of `lang` that follows the first occurrence of `after` in `page`. */
export function fencedAfter(page: string, after: string, lang: string): string[] {
  const at = page.indexOf(after);
  assert.ok(at >= 0, `"${after}" is not in the page`);
  const open = page.indexOf("```" + lang + "\n", at);
  const close = page.indexOf("\n```", open + 1);
  return page.slice(open + lang.length + 4, close).split("\n");
}

/** Each shown line (but "  ..." for rows left out) is an output line, in order. */
export function shownInOrder(shown: string[], output: string[], what: string): void {
  let k = 0;
  for (const want of shown) {
    if (want.trim() === "..." || want.trim() === "") continue;
    while (k < output.length && output[k].trimEnd() !== want.trimEnd()) k++;
    assert.ok(k < output.length, `${what}: the command no longer prints\n  ${want}\n--- output:\n${output.join("\n")}`);
    k++;
  }
}

/** Shell words: spaces separate, single or double quotes group. */
export function words(s: string): string[] {
  return [...s.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

/** Significant digits as written ("0.0189737" -> 6, "5.4e-20" -> 2, "-74" -> 2, "0" -> 1). */
function digits(written: string): number {
  const mantissa = written.replace(/^-/, "").split(/e/i)[0].replace(".", "").replace(/^0+/, "");
  return Math.max(1, mantissa.length);
}

/** The numbers of a JSON text as written, in document order (strings blanked first). */
function writtenNumbers(text: string): string[] {
  return text.replace(/"(?:[^"\\]|\\.)*"/g, '""').match(/-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g) ?? [];
}

/** The numeric leaves of a parsed JSON value with their paths, in document order. */
function leaves(v: unknown, path = ""): [string, number][] {
  if (typeof v === "number") return [[path, v]];
  if (Array.isArray(v)) return v.flatMap((x, i) => leaves(x, `${path}[${i}]`));
  if (v && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => leaves(x, path ? `${path}.${k}` : k));
  return [];
}

function at(doc: unknown, path: string): unknown {
  return path.match(/[^.[\]]+/g)!.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], doc);
}

/** Every number of a JSON example equals the run's, to the digits it shows (the provenance's are placeholders). */
export function sameNumbers(shown: string, run: unknown, page: string): void {
  const nums = writtenNumbers(shown);
  const paths = leaves(JSON.parse(shown));
  assert.equal(nums.length, paths.length);
  paths.forEach(([path, value], k) => {
    if (path.startsWith("provenance.")) return;
    const got = at(run, path);
    assert.equal(typeof got, "number", `${page}'s JSON example ${path}: the run JSON has ${JSON.stringify(got)}`);
    assert.equal(Number((got as number).toPrecision(digits(nums[k]))), value, `${page}'s JSON example ${path}: ${nums[k]}, the run gives ${got}`);
  });
}

/** A CSV file that docs/data/ keeps, as records keyed by its header (read by skillsim's own CSV reader). */
export function csvTable(path: string): Record<string, string>[] {
  const [head, ...rows] = csvRecords(readFileSync(path, "utf8"), path).map((r) => r.cells);
  return rows.map((cells) => Object.fromEntries(cells.map((v, j) => [head[j], v])));
}

/** The median (the mean of the two middle values for an even count). */
export function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
}

/** The authors' estimator of alpha_N (Fig 10): the slope of log median final loss between N = 40 and 220. */
export function twoPointSlope(at40: number[], at220: number[]): number {
  return -Math.log(median(at220) / median(at40)) / Math.log(220 / 40);
}
