import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { kinematics, parseDeltas, KinematicsInputError } from "../../src/analysis/kinematics.js";
import { cli, tempDir } from "../helpers.js";

test("hand-computed velocities, fractions and least times on a small trace", () => {
  // L: 1, e^-1, e^-3, e^-4, e^-4.5 at t = 0, 1, 2, 4, 5 -> v = 1, 2, 0.5, 0.5
  const t = [0, 1, 2, 4, 5];
  const loss = [1, Math.exp(-1), Math.exp(-3), Math.exp(-4), Math.exp(-4.5)];
  const level = [[0, 0.1, 0.3, 0.9, 1.0]];
  const k = kinematics({ t, loss, level, baseline: [0], deltas: [0.3, 0.05, 1e-3], steps: 5 });
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);
  [1, 2, 0.5, 0.5].forEach((v, i) => close(k.aggregate.velocity[i], v));
  assert.deepEqual(k.t_mid, [0.5, 1.5, 3, 4.5]);
  // accelerations between midpoints: (2-1)/1, (0.5-2)/1.5, (0.5-0.5)/1.5
  [1, -1, 0].forEach((a, i) => close(k.aggregate.acceleration[i], a));
  // pairs: rise, fall, equal -> decelerating 1/3, accelerating 1/3
  assert.equal(k.aggregate.decelerating_fraction, 1 / 3);
  assert.equal(k.aggregate.accelerating_fraction, 1 / 3);
  close(k.aggregate.mean_velocity, 4.5 / 5);
  // skill: w = 0.1, 0.2, 0.3, 0.1: rises, rises, falls -> 2/3; peak at midpoint 3
  const s = k.skills[0];
  [0.1, 0.2, 0.3, 0.1].forEach((w, i) => close(s.velocity[i], w));
  assert.equal(s.accelerating_fraction, 2 / 3);
  assert.equal(s.peak_velocity_time, 3);
  // ramp pairs need 0 < pi < 1 at all three points: only (k=1: t 1,2,4) -> rise -> 1
  assert.equal(s.accelerating_fraction_learning, 1);
  assert.deepEqual(k.least_time, { "0.3": 2, "0.05": 2, "0.001": null });
  assert.equal(k.per_step, false); // t = 2 -> 4 skips a step
});

test("progress uses the baseline: a ce skill starting at 1/2", () => {
  const k = kinematics({ t: [0, 1, 2], loss: [1, 0.5, 0.25], level: [[0.5, 0.75, 1]], baseline: [0.5], deltas: [], steps: 2 });
  assert.deepEqual(k.skills[0].velocity, [0.5, 0.5]);
  assert.equal(k.per_step, true);
  const l = kinematics({ t: [0, 1, 2], loss: [1, 0.5, 0.25], level: [[0.5, 0.75, 1]], baseline: null, deltas: [], steps: 2 });
  assert.deepEqual(l.skills[0].velocity, [0.25, 0.25]);
});

test("bad traces and deltas are input errors", () => {
  assert.throws(() => kinematics({ t: [0], loss: [1], level: [[0]], baseline: [0], deltas: [], steps: 1 }), KinematicsInputError);
  assert.throws(() => kinematics({ t: [0, 1], loss: [1, 0], level: [[0, 1]], baseline: [0], deltas: [], steps: 1 }), /reaches exactly 0 at t = 1, leaving 1 recorded point/);
  assert.throws(() => kinematics({ t: [0, 1, 2], loss: [1, 0.5, -1], level: [[0, 0.5, 1]], baseline: [0], deltas: [], steps: 2 }), /positive/);
  assert.throws(() => parseDeltas("0.1,x"), /not a positive number/);
  assert.throws(() => parseDeltas("-1"), /not a positive number/);
  assert.deepEqual(parseDeltas("0.1, 1e-2"), [0.1, 0.01]);
});

test("Domino serial through the CLI: constant progress velocity 1/t0 inside each ramp, no acceleration there", () => {
  const dir = tempDir();
  const run = join(dir, "domino.json");
  const r = cli(["run", "configs/domino-serial.yaml", "--set", "record=every", "--set", "steps=500", "--json", "--out", run, "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  const k = cli(["kinematics", run, "--json"]);
  assert.equal(k.code, 0, k.stderr);
  const j = JSON.parse(k.stdout);
  assert.equal(j.per_step, true);
  const t0 = 52.7046; // spec: eta 3e-4, N 1000
  for (const s of j.skills) {
    assert.equal(s.accelerating_fraction_learning, 0, `skill ${s.index}`);
    assert.ok(Math.abs(s.peak_velocity - 1 / t0) < 1e-6, `skill ${s.index}: ${s.peak_velocity}`);
  }
  // skills peak in frequency order, one t0 apart
  const peaks = j.skills.map((s: { peak_velocity_time: number }) => s.peak_velocity_time);
  for (let i = 1; i < peaks.length - 1; i++) assert.ok(peaks[i] > peaks[i - 1]);
  assert.ok(j.least_time["0.5"] !== undefined); // default deltas are L(0) x 0.5, ...
  const txt = cli(["kinematics", run]);
  assert.equal(txt.code, 0);
  assert.match(txt.stdout, /decelerating fraction/);
  assert.match(txt.stdout, /every step: exact/);
});

test("a sparse trace is flagged; --plot writes a figure; bad input exits 2 with one line", () => {
  const dir = tempDir();
  const run = join(dir, "run.json");
  assert.equal(cli(["run", "--json", "--out", run, "--quiet"]).code, 0);
  const k = cli(["kinematics", run, "--delta", "0.1,0.01", "--plot", join(dir, "k.svg")]);
  assert.equal(k.code, 0, k.stderr);
  assert.match(k.stderr, /interval/);
  assert.match(k.stdout, /0\.01/);
  const bad = cli(["kinematics", run, "--delta", "0.1,abc"]);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr.trim().split("\n").length, 1);
  const one = join(dir, "one.json");
  const j = JSON.parse(cli(["run", "--json", "--quiet"]).stdout);
  j.trace = { t: [0], loss: [1], level: j.trace.level.map(() => [0]) };
  writeFileSync(one, JSON.stringify(j));
  const r1 = cli(["kinematics", one]);
  assert.equal(r1.code, 2);
  assert.match(r1.stderr, /at least 2/);
  j.trace = { t: [0, 1], loss: [1, -1], level: j.trace.level.map(() => [0, 0]) };
  writeFileSync(one, JSON.stringify(j));
  const r2 = cli(["kinematics", one]);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /positive/);
  writeFileSync(one, "{\"not\": 1}");
  assert.equal(cli(["kinematics", one]).code, 2);
});
