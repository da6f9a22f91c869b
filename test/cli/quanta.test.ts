/** `model: quanta` through the real CLI: init, run, validate, sweep and fit, like any other model. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { cli, tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

test("quanta: init's template runs; the built-in example; bad keys are config errors", async () => {
  const init = await cliIn(["init", "quanta"]);
  assert.equal(init.code, 0, init.stderr);
  const r = cli(["run", "-", "--json"], { input: init.stdout });
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.model, "quanta");
  // quantum 1 (p = 0.3831) is seen once by step 3; N = 1000 allows 1000 quanta; D = 1000 samples allow 52
  assert.equal(j.skills[0].learned, 3);
  assert.equal(j.summary.quanta_learned, 52);
  assert.equal(j.summary.limited_by, "data");
  const ex = await cliIn(["run", "--set", "model=quanta"]);
  assert.equal(ex.code, 0, ex.stderr);
  assert.match(ex.stdout, /quanta model · 10 skills, zipf 1\.5 · 1000000 quanta/);
  const bad = await cliIn(["run", "--set", "model=quanta", "--set", "tua=2"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /tua: unknown key; did you mean "tau"\?/);
  const worse = cli(["validate", "-"], { input: "model: quanta\nquanta: 5\nskills: {count: 6}\n" });
  assert.equal(worse.code, 2);
  assert.match(worse.stderr, /<stdin>:3:\d+: skills\.count: 6 tracked quanta but there are only quanta = 5/);
});

test("quanta: a sweep over N fits alpha_N of the reference grid with `fit`", async () => {
  const dir = tempDir();
  const cfg = join(dir, "q.yaml");
  // a smaller n_q keeps the test quick; the exponent is the slope over the same N grid
  writeFileSync(cfg, "model: quanta\nquanta: 100000\nsteps: 1000000000000\nrecord: {points: 2}\nsweep:\n  params: [100, 263, 695, 1832, 4832, 10000]\n");
  const sw = await cliIn(["sweep", cfg, "--out", join(dir, "q.jsonl"), "--quiet"]);
  assert.equal(sw.code, 0, sw.stderr);
  const fit = await cliIn(["fit", join(dir, "q.jsonl"), "--x", "params", "--final", "--fix-E", "0", "--loss", "mse", "--json"]);
  assert.equal(fit.code, 0, fit.stderr);
  const alpha = JSON.parse(fit.stdout).params.alpha;
  // finite n_q steepens the slope above alpha = 0.5, more so for a smaller n_q
  assert.ok(alpha > 0.5 && alpha < 0.6, `alpha ${alpha}`);
});
