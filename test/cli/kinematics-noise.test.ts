/**
 * kinematics on noisy and on finished runs (issue 21), through the CLI (main(), in-process): a noisy every-step
 * run is flagged noise-dominated and --smooth K averages the velocities (stated in the output);
 * a serial Domino run, whose loss reaches exactly 0, stops at the point before instead of failing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const dir = tempDir();

async function record(name: string, config: string, sets: string[]): Promise<string> {
  const out = join(dir, `${name}.json`);
  const r = await cliIn(["run", config, ...sets.flatMap((s) => ["--set", s]), "--json", "--out", out, "-q"]);
  assert.equal(r.code, 0, r.stderr);
  return out;
}

test("a noisy every-step run: about half 'accelerating' is flagged noise-dominated; --smooth is stated and changes the answer", async () => {
  const run = await record("noisy", "configs/geometry-minimal.yaml", ["record=every", "batch=16", "noise=0.01", "steps=600"]);
  const raw = await cliIn(["kinematics", run, "--json", "-q"]);
  assert.equal(raw.code, 0, raw.stderr);
  const k = JSON.parse(raw.stdout);
  assert.equal(k.smooth, 1);
  assert.ok(k.skills.every((s: { noise_dominated: boolean }) => s.noise_dominated), JSON.stringify(k.skills.map((s: { alternation: number }) => s.alternation)));
  for (const s of k.skills) assert.ok(Math.abs(s.accelerating_fraction - 0.5) < 0.06 && s.alternation > 0.55, `skill ${s.index}: ${s.accelerating_fraction}, ${s.alternation}`);
  const text = await cliIn(["kinematics", run]);
  assert.match(text.stderr, /note: noise-dominated: for the aggregate and every skill the velocity's changes alternate in sign at more than 50% of consecutive intervals \(2\/3 for pure noise; /);
  assert.match(text.stdout, /^  1 .* noise-dominated$/m);
  // smoothed: the window is stated, the common skill's velocity is now mostly falling
  const sm = await cliIn(["kinematics", run, "--smooth", "201"]);
  assert.equal(sm.code, 0, sm.stderr);
  assert.match(sm.stdout.split("\n")[0], / · velocities smoothed over 201 intervals \(centred moving average\)$/);
  const j = JSON.parse((await cliIn(["kinematics", run, "--smooth", "201", "--json", "-q"])).stdout);
  assert.equal(j.smooth, 201);
  assert.equal(j.skills[0].noise_dominated, false);
  assert.ok(j.skills[0].accelerating_fraction < 0.4, String(j.skills[0].accelerating_fraction));
  assert.deepEqual(j.skills[0].velocity, k.skills[0].velocity, "the unsmoothed velocities are kept");
  // a smooth (full-batch, noiseless) run is not flagged
  const clean = JSON.parse((await cliIn(["kinematics", await record("clean", "configs/geometry-minimal.yaml", ["record=every", "steps=300"]), "--json", "-q"])).stdout);
  assert.ok(!clean.aggregate.noise_dominated);
  const bad = await cliIn(["kinematics", run, "--smooth", "4"]);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, "skillsim: --smooth 4: expected an odd whole number of intervals, e.g. --smooth 25 (a centred window needs an odd width; 1: none)\n");
});

test("a serial Domino run whose loss reaches exactly 0: kinematics stop at the point before, with a note", async () => {
  const run = await record("domino", "configs/domino-serial.yaml", ["record=every"]);
  const r = await cliIn(["kinematics", run, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const k = JSON.parse(r.stdout);
  assert.ok(k.zero_loss_at !== null && k.zero_loss_at > 0);
  assert.equal(k.points, k.zero_loss_at, "points t = 0 .. zero_loss_at - 1 (record: every)");
  assert.match(r.stderr, new RegExp(`note: the loss reaches exactly 0 at t = ${k.zero_loss_at} \\(nothing left to learn; ln 0 has no velocity\\): the kinematics stop at the last point before it, t = ${k.zero_loss_at - 1}`));
  assert.equal(k.per_step, true);
  // least times read the whole trace: the smallest delta is reached, at the latest at the zero
  const last = Object.values(k.least_time).at(-1) as number;
  assert.ok(last !== null && last <= k.zero_loss_at);
  const text = await cliIn(["kinematics", run, "-q"]);
  assert.match(text.stdout, /^the loss reaches exactly 0 at t = \d+: the kinematics stop at the point before it$/m);
});

test("a --smooth window wider than the run is refused (it would flatten every velocity: 0% rising, the peak at the start)", async () => {
  const run = await record("short", "configs/geometry-minimal.yaml", ["record=every", "batch=16", "steps=100"]);
  const wide = await cliIn(["kinematics", run, "--smooth", "101"]);
  assert.equal(wide.code, 2);
  assert.equal(wide.stderr, "skillsim: --smooth 101: wider than the 100 recorded intervals, it would flatten every velocity to its mean; use an odd window of at most 99 (a few percent of the run, e.g. 5)\n");
  assert.equal((await cliIn(["kinematics", run, "--smooth", "99", "-q"])).code, 0);
});

test("a run without gradient noise (the minimal example: full batch, sign descent) that alternates is not blamed on noise alone: the note names overshooting steps", async () => {
  const run = await record("minimal", "configs/geometry-minimal.yaml", ["record=every"]);
  const r = await cliIn(["kinematics", run]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /note: noise-dominated: for every skill .*without gradient noise, steps that overshoot alternate too, as sign descent's fixed-size steps do near a skill's target\), so the accelerating and decelerating fractions measure that step-to-step jitter, not the learning/);
});
