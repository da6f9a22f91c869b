/**
 * `precision: float32` for the Geometry model (src/models/geometry/float32.ts, asm/geometry32.ts):
 * the JavaScript fallback rounds like float32 hardware, the f32x4 WebAssembly kernels give the
 * same bits, float64 stays as it was, and the exact timeline still equals the every-step
 * reference.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { GeometryConfig } from "../../../src/config/schema.js";
import { axpyRow32, dotRow32, geometry32WasmAvailable } from "../../../src/models/geometry/float32.js";
import { runGeometry } from "../../../src/models/geometry/model.js";
import { Rng } from "../../../src/engine/rng.js";
import { useKernels, lastKernels } from "../../../src/engine/kernels.js";

function config(rest: Omit<Partial<GeometryConfig>, "skills"> & { skills?: Partial<GeometryConfig["skills"]> }): GeometryConfig {
  const { skills, ...others } = rest;
  return {
    model: "geometry",
    seed: 3,
    params: 40,
    lr: 0.01,
    steps: 200,
    record: { points: 12, spacing: "log" },
    loss: "ce",
    batch: 32,
    noise: 0,
    optimizer: { name: "adam" },
    diagnostics: false,
    timeline: { onset: 0.1, half: 0.5, learned: 0.9, on: "progress" },
    precision: "float32",
    ...others,
    skills: { count: 50, frequencies: { zipf: 1 }, vectors: "random", ...skills },
  };
}

test("dotRow32: float32 products and sums, within the float32 error bound of the exact dot; exact on small integers", () => {
  const rng = new Rng(1);
  for (const N of [1, 7, 8, 9, 37, 220]) {
    const T = new Float32Array(N), x = new Float32Array(N);
    for (let j = 0; j < N; j++) {
      T[j] = rng.normal();
      x[j] = rng.normal();
    }
    const got = dotRow32(T, 0, x, N);
    assert.equal(got, Math.fround(got), "a float32 value");
    let exact = 0, abs = 0;
    for (let j = 0; j < N; j++) {
      exact += T[j] * x[j]; // float64: exact to ~1e-16 relative here
      abs += Math.abs(T[j] * x[j]);
    }
    const u = 2 ** -24;
    assert.ok(Math.abs(got - exact) <= (N + 1) * u * abs * 1.01, `N=${N}: ${got} vs ${exact}`);
    // and not float64 arithmetic in disguise: some N gives a different answer from float64
    const I = Float32Array.from({ length: N }, (_, j) => (j % 5) - 2), J = Float32Array.from({ length: N }, (_, j) => (j % 3) + 1);
    let e = 0;
    for (let j = 0; j < N; j++) e += I[j] * J[j];
    assert.equal(dotRow32(I, 0, J, N), e);
  }
  // 2^24 + 1 is not a float32: a0 = 2^24, the tail adds 1 (rounds back to 2^24), a0 + a1 again;
  // float64 arithmetic would give 2^24 + 2
  const big = Float32Array.of(2 ** 24, 1, 0, 0, 0, 0, 0, 0, 1);
  const ones = new Float32Array(9).fill(1);
  assert.equal(dotRow32(big, 0, ones, 9), 2 ** 24);
});

test("axpyRow32: y_j + w t_j rounded to float32 at each operation", () => {
  const y = Float32Array.of(1, 2 ** 24, -3);
  axpyRow32(y, 0.5, Float32Array.of(0.1, 1, 3), 0, 3);
  assert.equal(y[0], Math.fround(1 + Math.fround(0.5 * Math.fround(0.1))));
  assert.equal(y[1], 2 ** 24); // 2^24 + 0.5 rounds back to 2^24 in float32
  assert.equal(y[2], -1.5);
});

test("float32: WebAssembly (f32x4) and JavaScript kernels give identical output", (t) => {
  if (!geometry32WasmAvailable()) {
    t.skip("dist/asm/geometry32.wasm not built");
    return;
  }
  const configs: GeometryConfig[] = [
    // N not a multiple of 8 or 4, distinct draws not a multiple of 4, diagnostics
    config({ params: 37, steps: 150, batch: 61, skills: { count: 97 }, diagnostics: true }),
    config({ params: 18, steps: 100, batch: "full", optimizer: { name: "rmsprop" }, skills: { count: 13 }, noise: 0.001 }),
    config({ params: 41, steps: 100, batch: 5, loss: "mse", optimizer: { name: "lion" }, lr: 0.003, skills: { count: 30, vectors: "modular" } }),
    config({ params: 64, steps: 120, batch: 16, loss: "mse", optimizer: { name: "sgd" }, lr: 0.05, skills: { count: 20, vectors: "orthogonal" }, record: "every" }),
    config({ params: 220, steps: 100, batch: 1024, skills: { count: 1000 } }),
  ];
  try {
    for (const c of configs) {
      useKernels("geometry", "js");
      const js = JSON.stringify(runGeometry(c));
      assert.equal(lastKernels("geometry"), "js");
      useKernels("geometry", "wasm");
      const wasm = JSON.stringify(runGeometry(c));
      assert.equal(lastKernels("geometry"), "wasm");
      assert.equal(wasm, js, `params ${c.params}`);
    }
  } finally {
    useKernels("geometry", "auto");
  }
});

test("float32 is float32: the same draws as float64, levels close to float64's but not equal", () => {
  const c = config({ steps: 300 });
  const f32 = runGeometry(c);
  const f64 = runGeometry({ ...c, precision: undefined });
  const f64b = runGeometry({ ...c, precision: "float64" });
  assert.deepEqual(f64b, f64, "precision: float64 is the default");
  assert.notEqual(f32.final.loss, f64.final.loss);
  assert.ok(Math.abs(f32.final.loss - f64.final.loss) < 1e-4 * f64.final.loss, `${f32.final.loss} vs ${f64.final.loss}`);
  for (let i = 0; i < 50; i++) assert.ok(Math.abs(f32.final.level[i] - f64.final.level[i]) < 1e-4);
});

test("float32: exact timelines equal the every-step reference", () => {
  const cases: GeometryConfig[] = [
    config({ params: 40, steps: 400, batch: 64, lr: 0.02, skills: { count: 150 }, record: { points: 9, spacing: "log" } }),
    config({ params: 40, steps: 400, batch: 16, loss: "mse", lr: 0.05, optimizer: { name: "sgd" }, skills: { count: 120, frequencies: { zipf: 1.2 } } }),
    config({ params: 50, steps: 300, batch: 8, loss: "mse", lr: 3e-3, optimizer: { name: "signgd" }, skills: { count: 40, vectors: "modular" }, timeline: { onset: 0.3, half: 0.6, learned: 0.95, on: "level" } }),
    config({ params: 220, steps: 300, batch: 1024, skills: { count: 1000 }, record: { points: 20, spacing: "log" } }),
  ];
  for (const c of cases) {
    const ref = runGeometry(c, {}, "every-step");
    const out = runGeometry(c);
    assert.deepEqual(out.crossings, ref.crossings, `${c.optimizer.name} ${c.loss} ${c.skills.vectors}`);
    assert.deepEqual(out.trace, ref.trace);
    assert.ok(out.crossings.half.some((x) => x !== null));
  }
});
