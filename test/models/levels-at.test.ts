/**
 * The forward models calibration runs: levels at given times only. They must agree with the
 * models' own runs (the same map, ODE and closed form) at whole steps, and interpolate
 * linearly between whole steps of the map.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { dominoLevelsAt, runDomino } from "../../src/models/domino/model.js";
import { resourceLevelsAt, runResource } from "../../src/models/resource/model.js";
import type { DominoConfig, ResourceConfig } from "../../src/config/schema.js";
import { cfgFrom } from "../helpers.js";

function at(out: Float64Array, K: number, i: number, k: number): number {
  return out[i * K + k];
}

test("resourceLevelsAt equals runResource's trace (map, every step; ce too) bit for bit", () => {
  for (const loss of ["mse", "ce"]) {
    const cfg = cfgFrom(`model: resource\nskills: {count: 6}\nloss: ${loss}\nN0: 0.02\nsteps: 300\nrecord: every\n`) as ResourceConfig;
    const run = runResource(cfg);
    const times = Float64Array.from(run.trace.t);
    const out = new Float64Array(6 * times.length);
    assert.ok(resourceLevelsAt(cfg, times, out));
    for (let i = 0; i < 6; i++) for (let k = 0; k < times.length; k++) assert.equal(at(out, times.length, i, k), run.trace.level[i][k]);
  }
});

test("resourceLevelsAt: s(1) is the state after one update; fractional times interpolate between whole steps", () => {
  const cfg = cfgFrom("model: resource\nskills: {count: 3}\nN0: 0.1\nrate: 0.05\nsteps: 10\nrecord: every\n") as ResourceConfig;
  const run = runResource(cfg);
  const times = Float64Array.from([0, 0.25, 1, 2.5, 7, 9.75]);
  const out = new Float64Array(3 * times.length);
  assert.ok(resourceLevelsAt(cfg, times, out));
  const K = times.length;
  const lin = (i: number, t: number) => {
    const a = Math.floor(t), b = Math.ceil(t), L = run.trace.level[i];
    return a === b ? L[a] : L[a] + (t - a) * (L[b] - L[a]);
  };
  for (let i = 0; i < 3; i++) {
    assert.equal(at(out, K, i, 0), 0);
    // one update from u = 1: u_1 = 1 - rate p_1 / (sum p + N0)
    for (let k = 0; k < K; k++) assert.ok(Math.abs(at(out, K, i, k) - lin(i, times[k])) < 1e-15, `skill ${i + 1} t ${times[k]}`);
  }
  const p1 = 1 / (1 + 1 / 4 + 1 / 9);
  assert.ok(Math.abs(at(out, K, 0, 2) - 0.05 * p1 / (1 + 0.1)) < 1e-15, "s_1(1) after one update");
});

test("resourceLevelsAt with rk45 agrees with runResource's ODE trace", () => {
  const cfg = cfgFrom("model: resource\nskills: {count: 5}\nintegrator: rk45\nN0: 0.05\nsteps: 500\nrecord: {points: 40}\n") as ResourceConfig;
  const run = runResource(cfg);
  const times = Float64Array.from(run.trace.t);
  const out = new Float64Array(5 * times.length);
  assert.ok(resourceLevelsAt(cfg, times, out));
  for (let i = 0; i < 5; i++) for (let k = 0; k < times.length; k++) assert.ok(Math.abs(at(out, times.length, i, k) - run.trace.level[i][k]) < 1e-12);
});

test("dominoLevelsAt equals runDomino's trace and the closed form (serial, modules, parallel)", () => {
  for (const extra of ["", "modules: 2\n", "variant: parallel\ntau: 40\n"]) {
    const cfg = cfgFrom(`model: domino\nskills: {count: 4, frequencies: [0.1, 0.4, 0.2, 0.3]}\nsteps: 300\nrecord: every\n${extra}`) as DominoConfig;
    const run = runDomino(cfg);
    const times = Float64Array.from(run.trace.t);
    const out = new Float64Array(4 * times.length);
    dominoLevelsAt(cfg, times, out);
    for (let i = 0; i < 4; i++) for (let k = 0; k < times.length; k++) assert.equal(at(out, times.length, i, k), run.trace.level[i][k]);
  }
  // serial: the skill of rank r learns over [(r-1) t0, r t0]
  const cfg = cfgFrom("model: domino\nskills: {count: 2, frequencies: [0.3, 0.7]}\nrate: 0.01\nsteps: 300\n") as DominoConfig;
  const out = new Float64Array(2 * 3);
  dominoLevelsAt(cfg, Float64Array.from([50, 150, 250]), out);
  assert.deepEqual(Array.from(out), [0, 0.5, 1, 0.5, 1, 1]);
});

test("resourceLevelsAt follows frequency switches and clip: false as runResource does (map and rk45)", () => {
  const sw = "skills: {frequencies: [0.3333333333333333, 0.3333333333333333, 0.0045], switches: [{skill: 3, at_level: 0.5, frequency: 0.08}]}\nrate: 0.009354143466934854\nN0: 0.1\n";
  const cases = [
    `model: resource\n${sw}steps: 3000\nrecord: every\n`,
    "model: resource\nskills: {count: 2}\nclip: false\nrate: 3\nN0: 1\nsteps: 100\nrecord: every\n",
    `model: resource\n${sw}integrator: rk45\nsteps: 3000\nrecord: {points: 50}\n`,
  ];
  for (const yaml of cases) {
    const cfg = cfgFrom(yaml) as ResourceConfig;
    const run = runResource(cfg);
    const times = Float64Array.from(run.trace.t);
    const n = cfg.skills.count;
    const out = new Float64Array(n * times.length);
    assert.ok(resourceLevelsAt(cfg, times, out), yaml);
    for (let i = 0; i < n; i++) for (let k = 0; k < times.length; k++) assert.equal(at(out, times.length, i, k), run.trace.level[i][k], `${yaml}: skill ${i + 1} at ${times[k]}`);
    if (/clip/.test(yaml)) assert.ok(run.trace.level.some((l) => l.some((x) => x > 1)), "clip: false lets levels pass 1");
  }
});
