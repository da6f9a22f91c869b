/** The run guard (src/models/guard.ts) through the real CLI: blow-ups stop with exit 1 naming
 * the step, the quantity and the likely cause; levels that legitimately leave the range are
 * warnings (text, JSON, sweep lines, check) and those skills are not reported as learned. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const CASES: [string, string[], RegExp][] = [
  ["geometry lr 1e10", ["configs/geometry-minimal.yaml", "--set", "lr=1e10"], /diverged at step 1: skill \d+'s level is .*outside the model's range \[0, 1\].*Likely cause: learning rate too large for signgd/],
  ["geometry sgd noise 1e6", ["configs/geometry-minimal.yaml", "--set", "optimizer=sgd", "--set", "noise=1e6"], /diverged at step 1: skill \d+'s level .*outside.*gradient noise too large \(noise=1000000\)/],
  ["geometry ce lr 1e10", ["configs/geometry-ce-overparam.yaml", "--set", "lr=1e10"], /diverged at step 1: the loss grew to .*more than 1000 times its initial value 0\.693147.*learning rate too large for adam/],
  ["resource correlation [[1,-5],[-5,1]]", ["--set", "skills.count=2", "--set", "skills.correlation=[[1,-5],[-5,1]]"], /diverged at step 16: skill 2's level is -1\.04.*outside the model's range \[0, 1\].*skills\.correlation/],
  ["resource ode, the same correlation", ["configs/resource-ode.yaml", "--set", "skills.count=2", "--set", "skills.correlation=[[1,-5],[-5,1]]"], /diverged at t = 16\.4\d*: skill 2's level .*outside.*skills\.correlation/],
];

for (const [name, args, msg] of CASES) {
  test(`blow-up stops with exit 1: ${name}`, async () => {
    for (const fmt of [[], ["--json"]]) {
      const r = await cliIn(["run", "-q", ...args, ...fmt]);
      assert.equal(r.code, 1, r.stdout.slice(0, 500));
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /^skillsim: run failed: /);
      assert.match(r.stderr, msg);
      assert.equal(r.stderr.trim().split("\n").length, 1);
    }
  });
}

const SOFT = ["--set", "skills.count=2", "--set", "skills.correlation=[[1,-0.5],[-0.5,1]]"];

test("a level that leaves the range within the tolerance: a warning, and the skill is not reported as learned", async () => {
  const j = await cliIn(["run", "--json", ...SOFT]);
  assert.equal(j.code, 0, j.stderr);
  const r = JSON.parse(j.stdout);
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0], /^skill 2's level left the model's range \[0, 1\] at step 1 \(reaching -0\.08\d*\), driven there by the negative entries of skills\.correlation; its timeline is not reported$/);
  assert.deepEqual([r.skills[1].onset, r.skills[1].half, r.skills[1].learned], [null, null, null]);
  assert.notEqual(r.skills[0].learned, null);
  assert.ok(Math.min(...r.trace.level[1]) < 0, "the trace keeps the level as computed");
  assert.match(j.stderr, /skillsim: warning: skill 2's level left/);
  const t = await cliIn(["run", "-q", ...SOFT]);
  assert.equal(t.code, 0);
  assert.match(t.stdout, /\nwarning: skill 2's level left the model's range/);
  assert.equal(t.stderr, "");
});

test("a clean run carries an empty warnings list", async () => {
  for (const args of [[], ["configs/geometry-minimal.yaml"], ["configs/domino-serial.yaml"], ["configs/resource-ode.yaml"]]) {
    const r = await cliIn(["run", "--json", "-q", ...args]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).warnings, []);
  }
});

test("sweep lines carry warnings and errors; check compares warnings like any field", async () => {
  const dir = tempDir();
  const cfg = join(dir, "s.yaml");
  writeFileSync(cfg, "model: resource\nskills: {count: 2}\nsteps: 300\nsweep:\n  skills.correlation: [[[1, -0.5], [-0.5, 1]], [[1, -5], [-5, 1]], identity]\n");
  const out = join(dir, "s.jsonl");
  const s = await cliIn(["sweep", cfg, "--out", out, "--jobs", "1", "-q"]);
  assert.equal(s.code, 1, s.stderr);
  const lines = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(lines.length, 3);
  assert.match(lines[0].warnings[0], /skill 2's level left/);
  assert.equal(lines[0].skills[1].learned, null);
  assert.match(lines[1].error, /diverged at step \d+: skill 2's level/);
  assert.deepEqual(lines[2].warnings, []);

  const a = join(dir, "a.json"), b = join(dir, "b.json");
  assert.equal((await cliIn(["run", "--json", "-q", "--out", a, ...SOFT])).code, 0);
  const base = JSON.parse(readFileSync(a, "utf8"));
  base.warnings = [];
  writeFileSync(b, JSON.stringify(base));
  const c = await cliIn(["check", a, "--baseline", b]);
  assert.equal(c.code, 1, c.stdout + c.stderr);
  assert.match(c.stdout, /warnings/);
});
