import { test } from "node:test";
import assert from "node:assert/strict";
import { runResource } from "../../src/models/resource/model.js";
import type { ResourceConfig } from "../../src/config/schema.js";
import { cfgFrom } from "../helpers.js";

const base = `model: resource
skills: {count: 10, frequencies: {zipf: 2}}
lr: 3.0e-4
params: 1000
N0: 0.003
steps: 1000
`;
const resource = (extra = "", sets: string[] = []) => cfgFrom(base + extra, sets) as ResourceConfig;

test("map reproduces the spec's reference numbers exactly", () => {
  const out = runResource(resource());
  assert.equal(Number((out.extra.eta_eff as number).toPrecision(6)), 0.0189737);
  assert.deepEqual(out.crossings.half, [46, 117, 178, 233, 283, 326, 365, 399, 428, 454]);
});

test("ODE keeps the closed-form invariant u_i^(1/p_i) equal across skills to 1e-8 relative", () => {
  // u^(1/p) amplifies u's relative error by 1/p_10 = 155, so this needs rtol ~1e-11 (at the
  // default 1e-8 the invariant holds to ~1e-7).
  const out = runResource(resource("integrator: rk45\nrtol: 1.0e-11\nrecord: {points: 60, spacing: linear}\n"));
  const p = out.frequencies;
  let checked = 0;
  for (let k = 1; k < out.trace.t.length; k++) {
    const u = out.trace.level.map((l) => 1 - l[k]);
    if (Math.min(...u) < 1e-3) continue; // 1 - s loses digits once u is tiny
    const w = u.map((ui, i) => Math.log(ui) / p[i]); // log of u_i^(1/p_i)
    for (const wi of w) assert.ok(Math.abs(Math.exp(wi - w[0]) - 1) < 1e-8, `t=${out.trace.t[k]}: ${wi} vs ${w[0]}`);
    checked++;
  }
  assert.ok(checked >= 5, `only ${checked} points checked`);
});

test("ODE and map agree closely for small rates", () => {
  const sets = ["rate=2.0e-4", "steps=60000"];
  const map = runResource(resource("", sets));
  const ode = runResource(resource("integrator: rk45\n", sets));
  for (let i = 0; i < 10; i++) {
    const a = map.crossings.half[i]!, b = ode.crossings.half[i]!;
    assert.ok(Math.abs(a - b) <= 1 + 2e-3 * b, `skill ${i + 1}: map ${a} ode ${b}`);
  }
});

test("ODE crossing times are interpolated, not snapped to steps", () => {
  const ode = runResource(resource("integrator: rk45\n"));
  const half = ode.crossings.half.map((x) => x!);
  assert.ok(half.some((x) => !Number.isInteger(x)));
  // and they sit within a step of the map's first-step-above convention
  const map = [46, 117, 178, 233, 283, 326, 365, 399, 428, 454];
  half.forEach((x, i) => assert.ok(x < map[i] + 0.5 && x > map[i] - 3, `${x} vs ${map[i]}`));
});

test("N0 = 0: the total learning speed is exactly eta_eff per step (serial limit)", () => {
  const out = runResource(resource("record: every\n", ["N0=0", "steps=200"]));
  const rate = out.extra.eta_eff as number;
  for (const t of [1, 10, 50, 200]) {
    const sumU = out.trace.level.reduce((acc, l) => acc + (1 - l[t]), 0);
    assert.ok(Math.abs(sumU - (10 - rate * t)) < 1e-10, `t=${t}: ${sumU}`);
  }
});

test("N0 -> infinity: independent exponential learning, u_i(t) = (1 - rate p_i / N0)^t", () => {
  const N0 = 1e7;
  const out = runResource(resource("record: every\n", [`N0=${N0}`, `rate=${N0 * 0.01}`, "steps=300"]));
  const p = out.frequencies;
  for (const t of [10, 100, 300]) {
    for (let i = 0; i < 10; i++) {
      const expected = Math.pow(1 - 0.01 * p[i], t);
      const u = 1 - out.trace.level[i][t];
      assert.ok(Math.abs(u - expected) < 1e-6, `skill ${i + 1} t=${t}: ${u} vs ${expected}`);
    }
  }
});

test("an explicit identity correlation matrix gives the same run as `identity`", () => {
  const I = Array.from({ length: 10 }, (_, i) => Array.from({ length: 10 }, (_, j) => (i === j ? 1 : 0)));
  const a = runResource(resource());
  const b = runResource(resource("", [`skills.correlation=${JSON.stringify(I)}`]));
  assert.deepEqual(a.trace, b.trace);
});

test("ce variant: levels start at 1/2, loss at ln 2 (normalised p), Domino order kept", () => {
  const out = runResource(resource("loss: ce\n", ["steps=3000"]));
  assert.deepEqual(out.initialLevel, new Array(10).fill(0.5));
  assert.ok(Math.abs(out.trace.loss[0] - Math.LN2) < 1e-12);
  const half = out.crossings.half.map((x) => x!);
  for (let i = 1; i < 10; i++) assert.ok(half[i] > half[i - 1]);
});

test("dependencies: a chain gates each skill until its parent is learned", () => {
  const chain = cfgFrom(`model: resource
skills:
  count: 3
  frequencies: [0.3, 1, 3]
  dependencies:
    - {skill: 2, requires: [1], sharpness: 1.0e-4}
    - {skill: 3, requires: [2], sharpness: 1.0e-4}
rate: 1.0e-3
N0: 1.0e-3
steps: 5000
`) as ResourceConfig;
  const out = runResource(chain);
  const { onset, learned } = out.crossings;
  assert.ok(onset[1]! > learned[0]!, "skill 2 starts after skill 1 is learned");
  assert.ok(onset[2]! > learned[1]!, "skill 3 starts after skill 2 is learned");
  // without the dependencies, the most frequent skill (3) goes first
  const free = runResource({ ...chain, skills: { ...chain.skills, dependencies: [] } });
  assert.ok(free.crossings.onset[2]! < free.crossings.onset[0]!);
});

test("dependencies: OR opens with either parent, AND needs both", () => {
  const cfg = cfgFrom(`model: resource
skills:
  count: 4
  frequencies: [1, 0.1, 1, 1]
  dependencies:
    - {skill: 3, requires: [1, 2], gate: or, sharpness: 1.0e-4}
    - {skill: 4, requires: [1, 2], gate: and, sharpness: 1.0e-4}
rate: 1.0e-3
N0: 1.0e-3
steps: 12000
`) as ResourceConfig;
  const { onset, learned } = runResource(cfg).crossings;
  assert.ok(onset[2]! < onset[3]!, "OR starts before AND");
  assert.ok(onset[3]! > learned[1]!, "AND waits for the rare parent");
});
