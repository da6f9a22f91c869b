/** What docs/output.md (the output contract the README links) says about output fields is what the CLI writes. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";
import { fencedAfter, sameNumbers, shownInOrder, words } from "./shown.js";

test("docs/output.md documents the Geometry diagnostics fields the run JSON carries", async () => {
  const readme = readFileSync(join(ROOT, "docs", "output.md"), "utf8");
  assert.ok(readFileSync(join(ROOT, "README.md"), "utf8").includes("(docs/output.md)"), "the README links docs/output.md");
  for (const field of ["trace.extra.aligned[i][k]", "trace.extra.stepLength[k]", "summary.diagnosticsNote", "diagnostics: average"]) {
    assert.ok(readme.includes(field), `docs/output.md mentions ${field}`);
  }
  for (const mode of ["true", "average"]) {
    const r = await cliIn(["run", "configs/geometry-minimal.yaml", "--set", `diagnostics=${mode}`, "--set", "steps=30", "--json", "--quiet"]);
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

const OUTPUT = readFileSync(join(ROOT, "docs", "output.md"), "utf8");
const blockAfter = (after: string, lang: string, page = README) => fencedAfter(page, after, lang);


test("README (and docs/output.md's run JSON): the text report, run JSON, CSV and error examples are what the commands print, to the digits shown", async () => {
  // the text report: `skillsim run` (abridged with "...")
  const text = await cliIn(["run"]);
  assert.equal(text.code, 0, text.stderr);
  shownInOrder(blockAfter("The text report (`skillsim run`", "text"), text.stdout.split("\n"), "README, the text report");
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
