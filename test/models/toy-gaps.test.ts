/**
 * The toy-model additions of issue 12: explicit and gaussian skill vectors, init, averaged
 * diagnostics (Geometry); state-dependent frequencies, clip: false and the correlation of the
 * Geometry model's own vectors (Resource). Closed forms and the spec's reference numbers.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { runGeometry } from "../../src/models/geometry/model.js";
import { geometryWasmAvailable } from "../../src/models/geometry/workspace.js";
import { skillVectors } from "../../src/models/geometry/vectors.js";
import { runResource } from "../../src/models/resource/model.js";
import { Rng } from "../../src/engine/rng.js";
import type { GeometryConfig, ResourceConfig } from "../../src/config/schema.js";
import { cfgFrom } from "../helpers.js";
import { useKernels } from "../../src/engine/kernels.js";

const geometry = (yaml: string, sets: string[] = []) => cfgFrom(yaml, sets) as GeometryConfig;
const resource = (yaml: string, sets: string[] = []) => cfgFrom(yaml, sets) as ResourceConfig;

test("explicit vectors e1, e2, p = [0.9, 0.1], full batch, sgd 0.1, mse: s_i(t) = 1 - (1 - 0.1 p_i)^t", () => {
  const out = runGeometry(
    geometry(`model: geometry
params: 2
skills: {frequencies: [0.9, 0.1], vectors: [[1, 0], [0, 1]]}
batch: full
optimizer: sgd
lr: 0.1
steps: 300
record: every
`),
  );
  const p = [0.9, 0.1];
  for (let i = 0; i < 2; i++)
    out.trace.t.forEach((t, k) => {
      const exact = 1 - (1 - 0.1 * p[i]) ** t;
      assert.ok(Math.abs(out.trace.level[i][k] - exact) <= 1e-14, `skill ${i + 1} at t=${t}: ${out.trace.level[i][k]} vs ${exact}`);
    });
  // learned (s > 0.9): first t with (1 - 0.1 p)^t < 0.1
  const learned = p.map((q) => Math.floor(Math.log(0.1) / Math.log(1 - 0.1 * q)) + 1);
  assert.deepEqual(out.crossings.learned, learned);
});

test("rows need not be unit length: z_i = t_i . theta, so sgd on a row of length 2 contracts 1 - s by (1 - 0.1 p |t|^2)", () => {
  const out = runGeometry(
    geometry(`model: geometry
params: 2
skills: {frequencies: [1], vectors: [[2, 0]]}
batch: full
optimizer: sgd
lr: 0.1
steps: 20
record: every
`),
  );
  out.trace.t.forEach((t, k) => assert.ok(Math.abs(out.trace.level[0][k] - (1 - 0.6 ** t)) < 1e-14));
});

test("init sets theta(0); progress is measured from the level at theta(0)", () => {
  const out = runGeometry(
    geometry(`model: geometry
params: 2
skills: {frequencies: [0.5, 0.5], vectors: [[1, 0], [0, 1]]}
init: [0.5, 0]
batch: full
optimizer: sgd
lr: 0.2
steps: 100
record: every
`),
  );
  assert.deepEqual(out.initialLevel, [0.5, 0]);
  // 1 - s_i(t) = (1 - s_i(0)) 0.9^t; progress (s - s0)/(1 - s0) = 1 - 0.9^t for both skills
  out.trace.t.forEach((t, k) => {
    assert.ok(Math.abs(out.trace.level[0][k] - (1 - 0.5 * 0.9 ** t)) < 1e-14);
    assert.ok(Math.abs(out.trace.level[1][k] - (1 - 0.9 ** t)) < 1e-14);
  });
  assert.equal(out.crossings.learned[0], out.crossings.learned[1]);
});

test("gaussian vectors are the random vectors' Gaussian rows divided by sqrt(N), not normalised", () => {
  const n = 7, N = 12;
  const G = skillVectors("gaussian", n, N, new Rng(3));
  const R = skillVectors("random", n, N, new Rng(3));
  const normal = new Float64Array(N);
  new Rng(3).fillNormal(normal);
  for (let j = 0; j < N; j++) assert.equal(G[j], normal[j] / Math.sqrt(N));
  for (let i = 0; i < n; i++) {
    let sq = 0;
    for (let j = 0; j < N; j++) sq += G[i * N + j] ** 2;
    for (let j = 0; j < N; j++) assert.ok(Math.abs(R[i * N + j] - G[i * N + j] / Math.sqrt(sq)) < 1e-15);
    assert.ok(Math.abs(Math.sqrt(sq) - 1) > 1e-6, "rows are not unit length");
  }
});

test("diagnostics: average over each recorded interval equals the mean of the per-step diagnostics", () => {
  const yaml = `model: geometry
params: 30
skills: {count: 5, vectors: random}
batch: 16
noise: 0.05
optimizer: adam
lr: 0.01
steps: 60
`;
  const every = runGeometry(geometry(yaml, ["record=every", "diagnostics=true"]));
  const avg = runGeometry(geometry(yaml, ["record={points: 7, spacing: linear}", "diagnostics=average"]));
  const ea = every.trace.extra!.aligned as number[][];
  const es = every.trace.extra!.stepLength as number[];
  const aa = avg.trace.extra!.aligned as number[][];
  const as = avg.trace.extra!.stepLength as number[];
  const tv = avg.trace.t;
  assert.equal(tv[0], 0);
  for (let k = 1; k < tv.length; k++) {
    const steps = every.trace.t.map((t, u) => [t, u]).filter(([t]) => t > tv[k - 1] && t <= tv[k]).map(([, u]) => u);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    for (let i = 0; i < 5; i++) assert.ok(Math.abs(aa[i][k] - mean(steps.map((u) => ea[i][u]))) < 1e-12);
    assert.ok(Math.abs(as[k] - mean(steps.map((u) => es[u]))) < 1e-12);
  }
  // the trajectory itself does not depend on the diagnostics
  assert.deepEqual(avg.final.level, every.final.level);
});

const fig16 = `model: resource
skills:
  frequencies: [0.3333333333333333, 0.3333333333333333, 0.0045]
  switches: [{skill: 3, at_level: 0.5, frequency: 0.08}]
rate: 0.009354143466934854
N0: 0.1
steps: 3000
`;

test("switches, map: the spec's Fig 16 reference (skills 1, 2 learned at 270, skill 3 near 2000; 0.68 without the switch)", () => {
  assert.equal(0.01 * Math.sqrt(350 / 400), 0.009354143466934854);
  const out = runResource(resource(fig16));
  assert.deepEqual(out.crossings.learned.slice(0, 2), [270, 270]);
  const l3 = out.crossings.learned[2]!;
  assert.ok(l3 > 1800 && l3 < 2300, `skill 3 learned at ${l3}`);
  const sw = out.extra.switches as { on: number[] }[];
  assert.equal(sw[0].on.length, 1);
  const without = runResource(resource(fig16, ["skills.switches=[]"]));
  assert.equal(without.crossings.learned[2], null);
  assert.ok(Math.abs(without.final.level[2] - 0.68) < 0.01, `final ${without.final.level[2]}`);
});

test("switches, map: the frequency of update t comes from the state before it", () => {
  // one skill, C = I: u <- u - rate p u / (p u + N0). s(1) = rate p / (p + N0) = 0.05 / 0.6 = 0.0833 >= 0.08,
  // so update 2 uses the new frequency 0.9 (and update 1 the old 0.5).
  const out = runResource(
    resource(`model: resource
skills: {frequencies: [0.5], switches: [{skill: 1, at_level: 0.08, frequency: 0.9}]}
rate: 0.1
N0: 0.1
steps: 3
record: every
`),
  );
  let u = 1;
  const step = (p: number) => (u = u - (0.1 * p * u) / (p * u + 0.1));
  const expected = [0, 1 - step(0.5), 1 - step(0.9), 1 - step(0.9)];
  out.trace.level[0].forEach((s, k) => assert.ok(Math.abs(s - expected[k]) < 1e-15, `t=${k}: ${s} vs ${expected[k]}`));
  assert.deepEqual((out.extra.switches as { on: number[] }[])[0].on, [1]);
});

test("switches, ODE: the event is located where the level crosses at_level, and the ODE agrees with a fine map", () => {
  const ode = runResource(resource(fig16, ["integrator=rk45", "rtol=1e-10", "atol=1e-13"]));
  const tSwitch = (ode.extra.switches as { on: number[] }[])[0].on[0];
  // the half-learned time of skill 3 (its own root finder on the dense output) is the switch time
  assert.ok(Math.abs(ode.crossings.half[2]! - tSwitch) < 1e-6, `${ode.crossings.half[2]} vs ${tSwitch}`);
  // the map with rate/20 and 20x the steps is an Euler discretisation of the same ODE
  const fine = runResource(resource(fig16, ["rate=0.0004677071733467427", "steps=60000"]));
  for (const key of ["half", "learned"] as const)
    for (let i = 0; i < 3; i++) {
      const a = ode.crossings[key][i]!, b = fine.crossings[key][i]! / 20;
      assert.ok(Math.abs(a - b) / a < 0.01, `${key} skill ${i + 1}: ode ${a}, fine map ${b}`);
    }
});

test("clip: false never clips u (the map runs on with u < 0, level 1 - u)", () => {
  // one skill, N0 = 0: r = 1 whatever u is, so u(t) = 1 - 1.5 t
  const yaml = `model: resource
skills: {frequencies: [1]}
rate: 1.5
N0: 0
steps: 3
record: every
`;
  const free = runResource(resource(yaml, ["clip=false"]));
  assert.deepEqual(free.trace.level[0], [0, 1.5, 3, 4.5]);
  // levels beyond [0, 1] however far are the warnings route, not a divergence; no timeline
  assert.match(free.warnings![0], /^skill 1's level left the model's range \[0, 1\] at step 1 \(reaching 4\.5\)/);
  assert.equal(free.crossings.learned[0], null);
  const clipped = runResource(resource(yaml));
  assert.deepEqual(clipped.trace.level[0], [0, 1, 1, 1]);
});

test("correlation {from: geometry} is T T^T of exactly the vectors a Geometry config with those settings draws", () => {
  const n = 6, N = 4;
  const T = skillVectors("random", n, N, new Rng(7));
  const C: number[][] = [];
  for (let i = 0; i < n; i++) {
    C.push([]);
    for (let j = 0; j < n; j++) {
      let d = 0;
      for (let k = 0; k < N; k++) d += T[i * N + k] * T[j * N + k];
      C[i].push(d);
    }
  }
  const yaml = `model: resource
skills: {count: ${n}, frequencies: {zipf: 2}}
rate: 0.05
N0: 0.01
steps: 400
clip: false
`;
  const from = runResource(resource(yaml, [`skills.correlation={from: geometry, params: ${N}, vectors: random, seed: 7}`]));
  const explicit = runResource(resource(yaml, [`skills.correlation=${JSON.stringify(C)}`]));
  assert.deepEqual(from.trace.level, explicit.trace.level);
  // and those are the vectors the Geometry run with seed 7 uses (its first draws)
  const g = geometry(`model: geometry\nseed: 7\nparams: ${N}\nskills: {count: ${n}, vectors: random}\nsteps: 1\n`);
  assert.equal(g.skills.vectors, "random");
  for (let i = 0; i < n; i++) assert.ok(Math.abs(C[i][i] - 1) < 1e-15);
});

test("gaussian and explicit vectors, init and averaged diagnostics: the JS and WebAssembly kernels agree bit for bit", (t) => {
  if (!geometryWasmAvailable()) return t.skip("dist/asm/geometry.wasm not built");
  const yaml = `model: geometry
params: 13
skills: {count: 6, vectors: gaussian}
init: [0.1, -0.2, 0.3, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, -0.5]
batch: 8
noise: 0.01
optimizer: ademamix
lr: 0.01
steps: 200
diagnostics: average
record: {points: 11, spacing: linear}
`;
  const runWith = (k: "js" | "wasm", sets: string[] = []) => {
    useKernels("geometry", k);
    try {
      return runGeometry(geometry(yaml, sets));
    } finally {
      useKernels("geometry", "auto");
    }
  };
  for (const sets of [[], ["skills.vectors=[[1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3], [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]]"]]) {
    const js = runWith("js", sets), wasm = runWith("wasm", sets);
    assert.deepEqual(wasm.trace, js.trace);
    assert.deepEqual(wasm.crossings, js.crossings);
  }
});
