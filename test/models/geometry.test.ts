import { test } from "node:test";
import assert from "node:assert/strict";
import type { GeometryConfig } from "../../src/config/schema.js";
import { geometryMemoryBytes, runGeometry } from "../../src/models/geometry/model.js";
import { fullBatchGradient, totalLoss } from "../../src/models/geometry/step.js";
import { geometryWasmAvailable } from "../../src/models/geometry/workspace.js";
import { skillVectors } from "../../src/models/geometry/vectors.js";
import { DivergenceError, type ModelOutput } from "../../src/models/types.js";
import { dominoStats } from "../../src/models/timeline.js";
import { Rng } from "../../src/engine/rng.js";
import { AliasSampler } from "../../src/engine/sampling.js";
import { useKernels, lastKernels } from "../../src/engine/kernels.js";

type Over = Omit<Partial<GeometryConfig>, "skills" | "timeline"> & {
  skills?: Partial<GeometryConfig["skills"]>;
  timeline?: Partial<GeometryConfig["timeline"]>;
};

/** A complete, validated-looking GeometryConfig (the paper's minimal example by default). */
function config(over: Over = {}): GeometryConfig {
  const { skills, timeline, ...rest } = over;
  return {
    model: "geometry",
    seed: 0,
    params: 1000,
    lr: 3e-4,
    steps: 1000,
    record: { points: 200, spacing: "log" },
    loss: "mse",
    batch: "full",
    noise: 0,
    optimizer: { name: "signgd", eps: 1e-8 },
    diagnostics: false,
    ...rest,
    skills: { count: 10, frequencies: { zipf: 2 }, vectors: "orthogonal", ...skills },
    timeline: { onset: 0.1, half: 0.5, learned: 0.9, on: "progress", ...timeline },
  };
}

function zipfP(n: number, a: number): number[] {
  const w = Array.from({ length: n }, (_, i) => (i + 1) ** -a);
  const z = w.reduce((s, x) => s + x, 0);
  return w.map((x) => x / z);
}

// ---------------------------------------------------------------------------------------

test("orthogonal vectors are orthonormal to 1e-12 (also n = N); random rows unit length; modular = basis", () => {
  for (const [n, N] of [[10, 1000], [40, 41], [120, 120]]) {
    const T = skillVectors("orthogonal", n, N, new Rng(n));
    for (let a = 0; a < n; a++) {
      for (let b = 0; b <= a; b++) {
        let d = 0;
        for (let j = 0; j < N; j++) d += T[a * N + j] * T[b * N + j];
        assert.ok(Math.abs(d - (a === b ? 1 : 0)) < 1e-12, `n=${n} N=${N} <t_${a}, t_${b}> = ${d}`);
      }
    }
  }
  const n = 50, N = 20; // n > N is allowed for random vectors
  const R = skillVectors("random", n, N, new Rng(1));
  for (let i = 0; i < n; i++) {
    let d = 0;
    for (let j = 0; j < N; j++) d += R[i * N + j] ** 2;
    assert.ok(Math.abs(d - 1) < 1e-14);
  }
  const M = skillVectors("modular", 6, 4, new Rng(1));
  for (let i = 0; i < 6; i++) for (let j = 0; j < 4; j++) assert.equal(M[i * 4 + j], i === j ? 1 : 0);
  assert.throws(() => skillVectors("orthogonal", 5, 4, new Rng(0)), /count <= params/);
});

test("the gradient estimate matches central finite differences of L (ce: dL/dtheta; mse: (1/2) dL/dtheta)", () => {
  const cases: [number, number][] = [[5, 7], [9, 7]]; // n < N and n > N (interfering skills)
  for (const [n, N] of cases) {
    const rng = new Rng(n * 31 + N);
    const T = skillVectors("random", n, N, rng);
    const p = zipfP(n, 1);
    const theta = Float64Array.from({ length: N }, () => 0.7 * rng.normal());
    for (const ce of [true, false]) {
      const g = new Float64Array(N);
      fullBatchGradient(T, p, theta, ce, g);
      const h = 1e-6;
      for (let j = 0; j < N; j++) {
        const tp = Float64Array.from(theta), tm = Float64Array.from(theta);
        tp[j] += h;
        tm[j] -= h;
        const dL = (totalLoss(T, p, tp, ce) - totalLoss(T, p, tm, ce)) / (2 * h);
        const expected = ce ? dL : dL / 2;
        assert.ok(Math.abs(g[j] - expected) < 1e-8, `${ce ? "ce" : "mse"} n=${n} N=${N} j=${j}: ${g[j]} vs ${expected}`);
      }
    }
  }
});

test("a run's first update is -lr g, with vectors then batch drawn from new Rng(seed) in the documented order", () => {
  const n = 12, N = 9, lr = 0.1, B = 20;
  const p = zipfP(n, 1);
  for (const batch of ["full", B] as const) {
    const out = runGeometry(
      config({ seed: 7, params: N, lr, steps: 1, batch, loss: "ce", record: "every", optimizer: { name: "sgd" }, skills: { count: n, vectors: "random", frequencies: { zipf: 1 } } }),
    );
    const rng = new Rng(7);
    const T = skillVectors("random", n, N, rng);
    const g = new Float64Array(N);
    if (batch === "full") fullBatchGradient(T, p, new Float64Array(N), true, g);
    else {
      const counts = new Int32Array(n);
      new AliasSampler(p, rng).sampleCounts(B, counts, new Int32Array(n + 1));
      // g = -(1/B) sum_b t_{i_b} (1 - s_{i_b}), s = 1/2 at theta = 0
      for (let i = 0; i < n; i++) for (let j = 0; j < N; j++) g[j] -= (counts[i] / B) * 0.5 * T[i * N + j];
    }
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let j = 0; j < N; j++) z += T[i * N + j] * -lr * g[j];
      assert.ok(Math.abs(out.trace.level[i][1] - 1 / (1 + Math.exp(-z))) < 1e-15, `batch ${batch}, skill ${i + 1}`);
    }
  }
});

test("initial loss: ln 2 for ce, sum p_i = 1 for mse; initial levels 1/2 and 0", () => {
  const ce = runGeometry(config({ loss: "ce", steps: 3, params: 50, skills: { count: 100, vectors: "random", frequencies: { zipf: 1 } }, batch: 16 }));
  assert.ok(Math.abs(ce.trace.loss[0] - Math.LN2) < 1e-15);
  assert.deepEqual(ce.initialLevel, new Array(100).fill(0.5));
  assert.equal(ce.trace.level[7][0], 0.5);
  const mse = runGeometry(config({ steps: 3, params: 50 }));
  assert.ok(Math.abs(mse.trace.loss[0] - 1) < 1e-15);
  assert.deepEqual(mse.initialLevel, new Array(10).fill(0));
});

test("full-batch sgd on orthogonal mse skills follows z_i(t) = 1 - (1 - eta p_i)^t", () => {
  const eta = 0.5, n = 5, steps = 40;
  const out = runGeometry(
    config({ params: 23, lr: eta, steps, record: "every", optimizer: { name: "sgd" }, skills: { count: n, frequencies: { zipf: 1 } } }),
  );
  const p = zipfP(n, 1);
  for (let k = 0; k <= steps; k++) {
    assert.equal(out.trace.t[k], k);
    let L = 0;
    for (let i = 0; i < n; i++) {
      const u = (1 - eta * p[i]) ** k;
      assert.ok(Math.abs(out.trace.level[i][k] - (1 - u)) < 1e-12, `skill ${i + 1}, t=${k}`);
      L += p[i] * u * u;
    }
    assert.ok(Math.abs(out.trace.loss[k] - L) < 1e-12);
  }
  // first t with 1 - (1 - eta p_i)^t > 0.9
  for (let i = 0; i < n; i++) {
    const expected = Math.floor(Math.log(0.1) / Math.log(1 - eta * p[i])) + 1;
    assert.equal(out.crossings.learned[i], expected <= steps ? expected : null);
  }
  assert.equal(out.final.time, steps);
  assert.deepEqual(out.final.level, out.trace.level.map((l) => l[steps]));
});

test("minimal example (N 1000, 10 skills, zipf 2, full batch, signgd 3e-4, 1000 steps): skills learned in frequency order", () => {
  const out = runGeometry(config());
  const learned = out.crossings.learned;
  assert.ok(learned.every((t) => t !== null), `learned: ${learned}`);
  for (let i = 1; i < 10; i++) assert.ok(learned[i]! > learned[i - 1]!, `learned: ${learned}`);
  const half = out.crossings.half;
  for (let i = 1; i < 10; i++) assert.ok(half[i]! > half[i - 1]!, `half: ${half}`);
  assert.ok(out.final.loss < 1e-3);
});

test("Domino experiment (N 1000, two orthogonal skills, p = [0.95, 0.05], batch 128, 3000 steps)", () => {
  const ratio = (name: "sgd" | "signgd" | "adam", lr: number, seed: number): number => {
    const out = runGeometry(
      config({ seed, lr, steps: 3000, batch: 128, optimizer: { name }, skills: { count: 2, frequencies: [0.95, 0.05] } }),
    );
    const r = dominoStats(out.frequencies, out.crossings).ratio21;
    assert.ok(r !== null, `${name} seed ${seed}: ${JSON.stringify(out.crossings)}`);
    return r;
  };
  for (const seed of [0, 1, 2]) {
    const sgd = ratio("sgd", 3e-2, seed);
    const sign = ratio("signgd", 3e-4, seed);
    const adam = ratio("adam", 3e-4, seed);
    // sgd: skill 2 learned about p1/p2 = 19 times later; signgd: only about 2 times later
    assert.ok(Math.abs(sgd / 19 - 1) < 0.2, `sgd seed ${seed}: ratio ${sgd}`);
    assert.ok(sign > 1.5 && sign < 2.6, `signgd seed ${seed}: ratio ${sign}`);
    assert.ok(adam > sign && adam < sgd, `adam seed ${seed}: ratio ${adam} (signgd ${sign}, sgd ${sgd})`);
  }
});

test("divergence: sgd with a huge learning rate on mse throws DivergenceError quickly, naming the step", () => {
  let err: unknown;
  try {
    runGeometry(config({ params: 20, lr: 1e6, steps: 10000, optimizer: { name: "sgd" }, skills: { count: 5 } }));
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof DivergenceError, String(err));
  assert.ok(err.step >= 1 && err.step < 100, `step ${err.step}`);
  assert.match(err.quantity, /^(theta|skill \d+'s level|the loss)$/);
  assert.match(err.message, /learning rate too large for sgd \(lr=1000000\)/);
  assert.match(err.message, new RegExp(`step ${err.step}`));
});

test("same config and seed: identical output; another seed: different output (batch mode, with noise)", () => {
  const c = config({ params: 64, steps: 300, batch: 32, loss: "ce", optimizer: { name: "adam" }, lr: 0.01, skills: { count: 200, vectors: "random", frequencies: { zipf: 1 } } });
  const a = JSON.stringify(runGeometry(c));
  const b = JSON.stringify(runGeometry(c));
  assert.equal(a, b);
  assert.notEqual(JSON.stringify(runGeometry({ ...c, seed: 1 })), a);
  const noisy = { ...c, noise: 0.01 };
  const n1 = JSON.stringify(runGeometry(noisy));
  assert.equal(JSON.stringify(runGeometry(noisy)), n1);
  assert.notEqual(n1, a);
});

test("the trajectory and the timeline do not depend on the record settings or the timeline mode", () => {
  const base = config({ params: 30, steps: 200, batch: 8, loss: "ce", lr: 0.05, optimizer: { name: "adam" }, skills: { count: 12, vectors: "random", frequencies: { zipf: 1 } } });
  const every = runGeometry({ ...base, record: "every" }, {}, "every-step");
  const exact = runGeometry({ ...base, record: "every" });
  assert.deepEqual(exact.trace, every.trace);
  assert.deepEqual(exact.crossings, every.crossings);
  const sparse = runGeometry({ ...base, record: { points: 20, spacing: "log" } });
  sparse.trace.t.forEach((t, k) => {
    assert.equal(sparse.trace.loss[k], every.trace.loss[t]);
    for (let i = 0; i < 12; i++) assert.equal(sparse.trace.level[i][k], every.trace.level[i][t]);
  });
  assert.deepEqual(sparse.crossings, every.crossings); // exact, whatever is recorded
  // the coarse mode (tests and bench only) rounds up to the recorded steps
  const coarse = runGeometry({ ...base, record: { points: 20, spacing: "log" } }, {}, "recorded-only");
  coarse.crossings.half.forEach((t, i) => {
    const e = every.crossings.half[i];
    if (e === null) assert.equal(t, null);
    else assert.equal(t, coarse.trace.t.find((r) => r >= e) ?? null);
  });
  assert.equal(sparse.final.loss, every.final.loss);
});

test("exact timelines equal the every-step reference (batch and full, mse and ce, independent and interfering skills)", () => {
  const cases: GeometryConfig[] = [
    config({ params: 40, steps: 400, batch: 64, loss: "ce", lr: 0.02, optimizer: { name: "adam" }, skills: { count: 150, vectors: "random", frequencies: { zipf: 1 } }, record: { points: 9, spacing: "log" } }),
    config({ params: 40, steps: 400, batch: 16, loss: "mse", lr: 0.05, optimizer: { name: "sgd" }, skills: { count: 120, vectors: "random", frequencies: { zipf: 1.2 } }, record: { points: 5, spacing: "linear" } }),
    config({ params: 64, steps: 300, batch: 32, lr: 0.01, optimizer: { name: "momentum" }, skills: { count: 50, frequencies: { zipf: 1 } }, noise: 0.002, record: { points: 6, spacing: "log" } }),
    config({ params: 50, steps: 300, batch: 8, lr: 3e-3, optimizer: { name: "signgd" }, skills: { count: 40, vectors: "modular" }, timeline: { onset: 0.3, half: 0.6, learned: 0.95, on: "level" } }),
    config({ params: 30, steps: 150, batch: "full", loss: "ce", lr: 0.05, optimizer: { name: "lion" }, skills: { count: 60, vectors: "random" }, record: { points: 4, spacing: "log" } }),
  ];
  for (const c of cases) {
    const ref = runGeometry(c, {}, "every-step");
    const out = runGeometry(c);
    assert.deepEqual(out.crossings, ref.crossings, `${c.optimizer.name} ${c.loss} ${c.skills.vectors}`);
    assert.deepEqual(out.trace, ref.trace);
    assert.ok(out.crossings.half.some((x) => x !== null));
  }
});

test("a level leaving the range is caught at the same step as by the every-step reference", () => {
  const errs: string[] = [];
  for (const [name, lr] of [["sgd", 2.9], ["sgd", 3.0], ["momentum", 2]] as const) {
    const c = config({ params: 40, steps: 400, batch: 16, lr, optimizer: { name }, skills: { count: 20 }, record: { points: 5, spacing: "log" } });
    const msg = (mode: "exact" | "every-step") => {
      try {
        runGeometry(c, {}, mode);
        return "finished";
      } catch (e) {
        assert.ok(e instanceof DivergenceError, String(e));
        return e.message;
      }
    };
    const a = msg("exact");
    assert.equal(a, msg("every-step"));
    errs.push(a);
  }
  assert.ok(errs.some((m) => /diverged at step ([2-9]|\d\d+): skill \d+'s level/.test(m)), errs.join("\n"));
});

test("WebAssembly and JavaScript kernels give identical output", (t) => {
  if (!geometryWasmAvailable()) {
    t.skip("dist/asm/geometry.wasm not built");
    return;
  }
  const configs: GeometryConfig[] = [
    // N not a multiple of 4, distinct draws not a multiple of 4, ce, random, interference
    config({ params: 37, steps: 150, batch: 61, loss: "ce", lr: 0.02, optimizer: { name: "adam" }, skills: { count: 97, vectors: "random", frequencies: { zipf: 1 } }, diagnostics: true }),
    config({ params: 18, steps: 100, batch: "full", optimizer: { name: "rmsprop" }, lr: 0.01, skills: { count: 13, vectors: "random" }, noise: 0.001 }),
    config({ params: 41, steps: 100, batch: 5, optimizer: { name: "lion" }, lr: 0.003, skills: { count: 30, vectors: "modular" } }),
    config({ params: 1000, steps: 200, batch: 128, optimizer: { name: "sgd" }, lr: 3e-2, skills: { count: 2, frequencies: [0.95, 0.05] } }),
    config({ params: 61, steps: 50, batch: 16, optimizer: { name: "momentum" }, lr: 0.01, skills: { count: 60 }, record: "every" }),
  ];
  try {
    for (const c of configs) {
      useKernels("geometry", "js");
      const js = JSON.stringify(runGeometry(c));
      assert.equal(lastKernels("geometry"), "js");
      useKernels("geometry", "wasm");
      const wasm = JSON.stringify(runGeometry(c));
      assert.equal(lastKernels("geometry"), "wasm");
      assert.equal(wasm, js);
    }
  } finally {
    useKernels("geometry", "auto");
  }
});

test("diagnostics: aligned dimensions and step length match the closed form (modular, sgd, full batch)", () => {
  const eta = 0.5, N = 4, n = 6, steps = 8;
  const out = runGeometry(
    config({ params: N, lr: eta, steps, record: "every", diagnostics: true, optimizer: { name: "sgd" }, skills: { count: n, vectors: "modular", frequencies: { zipf: 1 } } }),
  );
  const p = zipfP(n, 1);
  const aligned = out.trace.extra!.aligned as number[][];
  const stepLength = out.trace.extra!.stepLength as number[];
  assert.equal(stepLength[0], 0);
  for (let k = 1; k <= steps; k++) {
    // g = -sum_{i<N} p_i (1 - z_i(t-1)) e_i, z_i(t-1) = 1 - (1 - eta p_i)^(t-1)
    let g2 = 0;
    for (let i = 0; i < N; i++) g2 += (p[i] * (1 - eta * p[i]) ** (k - 1)) ** 2;
    assert.ok(Math.abs(stepLength[k] - eta * Math.sqrt(g2)) < 1e-14);
    for (let i = 0; i < n; i++) assert.equal(aligned[i][k], i < N ? 1 : 0);
  }
  for (let i = 0; i < n; i++) assert.equal(aligned[i][0], 0);
  // skills beyond N have t_i = 0 and are never learned
  assert.equal(out.crossings.onset[4], null);
  assert.equal(out.final.level[5], 0);
});

test("progress is reported at most ~200 times and ends at (steps, steps); outputs are JSON-safe", () => {
  const calls: [number, number][] = [];
  const out: ModelOutput = runGeometry(config({ params: 16, steps: 5000, batch: 4, skills: { count: 3 }, lr: 1e-3 }), {
    onProgress: (d, tot) => calls.push([d, tot]),
  });
  assert.ok(calls.length >= 100 && calls.length <= 201, `${calls.length} calls`);
  assert.deepEqual(calls[calls.length - 1], [5000, 5000]);
  assert.equal(JSON.stringify(JSON.parse(JSON.stringify(out))), JSON.stringify(out));
});

test("explicit frequencies are reported as given; the run samples from the normalised list", () => {
  const out = runGeometry(config({ params: 20, steps: 10, batch: 4, skills: { count: 3, frequencies: [0.3, 1, 3] } }));
  assert.deepEqual(out.frequencies, [0.3, 1, 3]);
  const q = out.extra.normalisedFrequencies as number[];
  assert.ok(Math.abs(q[2] - 3 / 4.3) < 1e-15);
  assert.ok(Math.abs(out.trace.loss[0] - 1) < 1e-15); // L uses the normalised p
});

test("every optimizer learns the minimal example without diverging", () => {
  const lrs = { sgd: 0.5, momentum: 0.05, signgd: 3e-4, adam: 3e-4, rmsprop: 3e-4, lion: 3e-4 } as const;
  for (const [name, lr] of Object.entries(lrs) as [keyof typeof lrs, number][]) {
    const out = runGeometry(config({ params: 200, lr, steps: 600, optimizer: { name }}));
    assert.ok(out.final.loss < 0.2 * out.trace.loss[0], `${name}: final loss ${out.final.loss}`);
    assert.ok(out.crossings.learned[0] !== null, `${name}: skill 1 not learned`);
  }
});

test("geometryMemoryBytes: grows with n N and with the recorded trace", () => {
  const small = geometryMemoryBytes(config({ params: 100, skills: { count: 10 } }));
  const big = geometryMemoryBytes(config({ params: 1000, skills: { count: 1000, vectors: "random" } }));
  assert.ok(big >= 8 * 1000 * 1000);
  assert.ok(small < big);
  const everyRec = geometryMemoryBytes(config({ steps: 100000, record: "every", skills: { count: 1000, vectors: "random" } }));
  assert.ok(everyRec > 8 * 1000 * 100000);
});
