/**
 * `skillsim study` runs each run once: the sweep keeps every run's whole result beside its line
 * (results-<config>.jsonl), and the curves figures, --long and calibrate read it instead of
 * running the runs again. Lines without a kept result (a sweep that kept none, a stale result)
 * are still re-run in-process, and the tables and figures are the same either way.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";
import { readKeptRuns } from "../../src/results/index.js";
import { ResultsError } from "../../src/results/errors.js";

const CURVES = `model: resource
skills: {count: 3, frequencies: {zipf: 1}}
steps: 400
record: {points: 11, spacing: linear}
sweep:
  N0: [0.01, 0.1]
  seed: [0, 1]
study:
  calibrate: {model: resource}
  figures:
    - {name: lev, data: curves, x: step, y: level, color: skill, column: N0}
`;

const OUTPUTS = ["runs.csv", "groups.csv", "calibration.csv", "curves.csv", "lev.vl.json", "lev.svg"];

function outputs(out: string): string[] {
  return OUTPUTS.map((f) => readFileSync(join(out, f), "utf8"));
}

test("study: each run runs once; its kept result gives the curves, calibration and --long; re-run only when none is kept, same output", async () => {
  const dir = tempDir();
  const file = join(dir, "k.yaml");
  writeFileSync(file, CURVES);
  const out = join(dir, "out");
  const r = await cliIn(["study", file, "--out", out, "--jobs", "1", "--long"]);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /re-run/);
  const lines = readFileSync(join(out, "runs-k.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const kept = readKeptRuns(join(out, "results-k.jsonl"));
  assert.equal(kept.size, 4);
  for (const l of lines) {
    const k = kept.get(l.id)!;
    assert.equal(k.config_hash, l.config_hash);
    assert.equal((k.result as unknown as { final: { loss: number } }).final.loss, l.final.loss);
    assert.deepEqual(k.result.trace.t, l.trace.t);
    assert.equal(k.result.trace.level.length, 3);
    assert.deepEqual(k.result.trace.level.map((s) => s[s.length - 1]), l.skills.map((s: { final: number }) => s.final));
  }
  const first = outputs(out);

  // A folder whose lines came from a sweep that kept nothing: every run re-run, once, then kept.
  const old = join(dir, "old");
  cpSync(out, old, { recursive: true });
  rmSync(join(old, "results-k.jsonl"));
  const r2 = await cliIn(["study", file, "--out", old, "--jobs", "1", "--long"]);
  assert.equal(r2.code, 0, r2.stderr);
  assert.match(r2.stderr, /4 runs re-run in-process for their curves/);
  assert.deepEqual(outputs(old), first);
  assert.equal(readKeptRuns(join(old, "results-k.jsonl")).size, 4);
  const r3 = await cliIn(["study", file, "--out", old, "--jobs", "1", "--long"]);
  assert.equal(r3.code, 0, r3.stderr);
  assert.doesNotMatch(r3.stderr, /re-run/);
  assert.deepEqual(outputs(old), first);

  // A kept result that does not match its line (another version's numbers): that run is re-run.
  const stale = join(dir, "stale");
  cpSync(out, stale, { recursive: true });
  const kf = join(stale, "results-k.jsonl");
  const kl = readFileSync(kf, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const two = kl.find((k) => k.id === 2);
  two.result.final.loss += 1;
  two.result.trace.level[0][3] = 0.5;
  writeFileSync(kf, kl.map((k) => JSON.stringify(k)).join("\n") + "\n");
  const r4 = await cliIn(["study", file, "--out", stale, "--jobs", "1", "--long"]);
  assert.equal(r4.code, 0, r4.stderr);
  assert.match(r4.stderr, /1 run re-run in-process/);
  assert.deepEqual(outputs(stale), first);

  // An interrupted study (two runs finished, the kept file cut mid-line): resumed, the other
  // two runs run once, kept, nothing re-run, the same output.
  const cut = join(dir, "cut");
  cpSync(out, cut, { recursive: true });
  const runsFile = join(cut, "runs-k.jsonl"), keptFile = join(cut, "results-k.jsonl");
  writeFileSync(runsFile, readFileSync(runsFile, "utf8").split("\n").slice(0, 2).join("\n") + "\n");
  const keptLines = readFileSync(keptFile, "utf8").split("\n");
  writeFileSync(keptFile, keptLines.slice(0, 2).join("\n") + "\n" + keptLines[2].slice(0, 50));
  const r6 = await cliIn(["study", file, "--out", cut, "--jobs", "1", "--long"]);
  assert.equal(r6.code, 0, r6.stderr);
  assert.match(r6.stderr, /k: 2 runs in [\d.]+ s \(2 were there\)/);
  assert.doesNotMatch(r6.stderr, /re-run/);
  assert.equal(readKeptRuns(keptFile).size, 4);
  assert.deepEqual(outputs(cut), first);

  // A study that needs no curves keeps nothing.
  const plain = join(dir, "plain.yaml");
  writeFileSync(plain, CURVES.replace(/  calibrate:.*\n/, "").replace(/  figures:\n.*\n/, "  derive: {r: \"skills[2].learned / skills[1].learned\"}\n"));
  const r5 = await cliIn(["study", plain, "--out", join(dir, "p"), "--jobs", "1", "-q"]);
  assert.equal(r5.code, 0, r5.stderr);
  assert.equal(existsSync(join(dir, "p", "results-plain.jsonl")), false);
});

test("kept results: a cut-short last line is left out, a bad line is one error naming file:line", () => {
  const dir = tempDir();
  const f = join(dir, "results-x.jsonl");
  const result = { model: "resource", config: {}, trace: { t: [0, 1], loss: [1, 0.5], level: [[0, 0.5]] } };
  writeFileSync(f, JSON.stringify({ id: 0, config_hash: "a", result }) + "\n" + JSON.stringify({ id: 0, config_hash: "b", result }) + "\n{\"id\": 1, \"con");
  const m = readKeptRuns(f);
  assert.deepEqual([...m.keys()], [0]);
  assert.equal(m.get(0)!.config_hash, "b"); // the last line for an id
  assert.equal(readKeptRuns(join(dir, "none.jsonl")).size, 0);
  writeFileSync(f, JSON.stringify({ id: 0, config_hash: "a", result }) + "\n" + JSON.stringify({ id: 1, config_hash: "a", result: { model: "resource", config: {}, trace: { t: [0], loss: [1, 2], level: [] } } }) + "\n");
  assert.throws(() => readKeptRuns(f), (e: Error) => e instanceof ResultsError && /results-x\.jsonl:2: run 1: trace\.t and trace\.loss must be number lists of the same length/.test(e.message));
  writeFileSync(f, "not json\n");
  assert.throws(() => readKeptRuns(f), /results-x\.jsonl:1: not a JSON line/);
});
