/**
 * A sweep axis is settable from the command line (issue 21): `--set sweep.KEY=[...]` replaces
 * an axis of the file's sweep block (in its place) or adds one, so a config with no sweep block
 * can be swept too; errors in the values point at the --set. Through the CLI (main(), in-process).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const lines = (s: string) => s.trim().split("\n").map((l) => JSON.parse(l));

test("--set 'sweep.skills.frequencies.zipf=[1.4]' replaces that axis in place; the other axis stays", async () => {
  const r = await cliIn(["sweep", "configs/sweep-resource-N0.yaml", "--set", "sweep.skills.frequencies.zipf=[1.4]", "--dry-run"]);
  assert.equal(r.code, 0, r.stderr);
  const runs = lines(r.stdout);
  assert.deepEqual(runs.map((x) => x.overrides), [1e-4, 1e-3, 1e-2, 1e-1, 1].map((N0) => ({ N0, "skills.frequencies.zipf": 1.4 })));
});

test("an axis added to a config without a sweep block runs, and each run is the config with the value set", async () => {
  const dir = tempDir();
  const out = join(dir, "n0.jsonl");
  const r = await cliIn(["sweep", "configs/resource-default.yaml", "--set", "sweep.N0=[0.1, 0.2]", "--set", "steps=50", "--out", out, "-q", "-j", "1"]);
  assert.equal(r.code, 0, r.stderr);
  const runs = lines(readFileSync(out, "utf8"));
  assert.deepEqual(runs.map((x) => x.overrides), [{ N0: 0.1 }, { N0: 0.2 }]);
  // each run is the config with the value set (the Resource map has no randomness, so the seed does not matter)
  const one = await cliIn(["run", "configs/resource-default.yaml", "--set", "N0=0.2", "--set", "steps=50", "--json"]);
  assert.equal(one.code, 0, one.stderr);
  const doc = JSON.parse(one.stdout);
  assert.equal(runs[1].final.loss, doc.final.loss);
  assert.deepEqual(runs[1].skills, doc.skills);
  assert.notEqual(runs[0].final.loss, runs[1].final.loss);
});

test("bad axis values point at the --set; a scalar or the whole block is refused", async () => {
  const bad = await cliIn(["sweep", "configs/resource-default.yaml", "--set", "sweep.N0=[-1, 0.2]", "--dry-run"]);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, "skillsim: config error: --set sweep.N0=[-1, 0.2]: sweep.N0: must be >= 0, got -1 (value 1 of 2)\n");
  const scalar = await cliIn(["sweep", "configs/resource-default.yaml", "--set", "sweep.N0=0.2", "--dry-run"]);
  assert.equal(scalar.code, 2);
  assert.equal(scalar.stderr, "skillsim: config error: --set sweep.N0=0.2: sweep.N0: a sweep axis takes a non-empty list of values, e.g. --set 'sweep.N0=[1, 2, 4]'\n");
  const whole = await cliIn(["sweep", "configs/resource-default.yaml", "--set", "sweep={N0: [1]}", "--dry-run"]);
  assert.equal(whole.code, 2);
  assert.match(whole.stderr, /--set cannot replace the whole sweep block; set one axis/);
});
