/** What docs/output.md (the output contract the README links) says about output fields is what the CLI writes. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, ROOT, tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

test("docs/output.md documents the Geometry diagnostics fields the run JSON carries", () => {
  const readme = readFileSync(join(ROOT, "docs", "output.md"), "utf8");
  assert.ok(readFileSync(join(ROOT, "README.md"), "utf8").includes("(docs/output.md)"), "the README links docs/output.md");
  for (const field of ["trace.extra.aligned[i][k]", "trace.extra.stepLength[k]", "summary.diagnosticsNote", "diagnostics: average"]) {
    assert.ok(readme.includes(field), `docs/output.md mentions ${field}`);
  }
  for (const mode of ["true", "average"]) {
    const r = cli(["run", "configs/geometry-minimal.yaml", "--set", `diagnostics=${mode}`, "--set", "steps=30", "--json", "--quiet"]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(j.trace.extra).sort(), ["aligned", "stepLength"]);
    assert.equal(j.trace.extra.aligned.length, j.skills.length, "one row per skill");
    assert.equal(j.trace.extra.aligned[0].length, j.trace.t.length, "one entry per recorded step");
    assert.equal(j.trace.extra.stepLength.length, j.trace.t.length);
    assert.equal(j.trace.extra.aligned[0][0], 0, "0 at t = 0");
    assert.equal(j.trace.extra.stepLength[0], 0, "0 at t = 0");
    assert.ok(j.trace.extra.stepLength[1] > 0);
    assert.equal(typeof j.summary.diagnosticsNote, "string");
  }
});

// ---- The README's example outputs are what the commands print (issue 21: the docs' numbers produced by tests) ----

const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** The fenced block of `lang` that follows the first occurrence of `after` in `page` (the README unless given). */
function blockAfter(after: string, lang: string, page = README): string[] {
  const at = page.indexOf(after);
  assert.ok(at >= 0, `"${after}" is not in the page`);
  const open = page.indexOf("```" + lang + "\n", at);
  const close = page.indexOf("\n```", open + 1);
  return page.slice(open + lang.length + 4, close).split("\n");
}

/** Each shown line (but "  ..." for rows left out) is an output line, in order. */
function shownInOrder(shown: string[], output: string[], what: string): void {
  let k = 0;
  for (const want of shown) {
    if (want.trim() === "..." || want.trim() === "") continue;
    while (k < output.length && output[k].trimEnd() !== want.trimEnd()) k++;
    assert.ok(k < output.length, `README, ${what}: the command no longer prints\n  ${want}\n--- output:\n${output.join("\n")}`);
    k++;
  }
}

/** Shell words: spaces separate, single or double quotes group. */
function words(s: string): string[] {
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

const OUTPUT = readFileSync(join(ROOT, "docs", "output.md"), "utf8");

/** Every number of a JSON example equals the run's, to the digits it shows (the provenance's are placeholders). */
function sameNumbers(shown: string, run: unknown, page: string): void {
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

test("README (and docs/output.md's run JSON): the text report, run JSON, CSV and error examples are what the commands print, to the digits shown", async () => {
  // the text report: `skillsim run` (abridged with "...")
  const text = await cliIn(["run"]);
  assert.equal(text.code, 0, text.stderr);
  shownInOrder(blockAfter("The text report (`skillsim run`", "text"), text.stdout.split("\n"), "the text report");
  // the run JSON: every number it shows, to its written digits, but the provenance's (versions, seed placeholders)
  const run = JSON.parse((await cliIn(["run", "--json", "-q"])).stdout);
  sameNumbers(blockAfter("The run JSON (`--json`", "json").join("\n"), run, "README");
  sameNumbers(blockAfter("## The run JSON", "json", OUTPUT).join("\n"), run, "docs/output.md");
  // the CSV: the command the README names, its output exactly
  const cmd = /\(`skillsim (run --csv [^`]*)`\)/.exec(README)!;
  const csv = await cliIn(words(cmd[1]));
  assert.equal(csv.code, 0, csv.stderr);
  assert.deepEqual(blockAfter(cmd[0], "text"), csv.stdout.trimEnd().split("\n"));
  // the error line: a config whose line 4, column 3 is the misspelt key
  const bad = blockAfter("A bad input is one line", "text");
  assert.equal(bad[0], "$ skillsim run bad.yaml");
  const dir = tempDir();
  writeFileSync(join(dir, "bad.yaml"), "model: resource\nskills:\n  count: 3\n  frequncies: {zipf: 2}\n");
  const r = await cliIn(["run", "bad.yaml"], { cwd: dir });
  assert.equal(r.code, 2);
  assert.equal(r.stderr, bad[1] + "\n");
});

test("docs/output.md: the blow-up example is the line the command prints", async () => {
  const b = blockAfter("## Blow-ups and warnings", "text", OUTPUT);
  assert.ok(b[0].startsWith("$ skillsim run "));
  const r = await cliIn(words(b[0].slice("$ skillsim ".length)));
  assert.equal(r.code, 1);
  assert.equal(r.stderr, b[1] + "\n");
});
