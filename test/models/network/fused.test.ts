/**
 * The fused Fig 2 pass (Mlp.parityPass, engine/dense.ts parityStep and its WebAssembly kernel
 * parity_step): the same bits as the layered path it replaces (Mlp.forward, Objective.evaluate,
 * Objective.lossGrad, Mlp.backward), in both back-ends, on odd sizes (the kernel's chunks of
 * 32 rows, groups of 4 rows, pairs of outputs), with and without a mask, with and without the
 * gradient, weights with exact zeros of both signs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { arenaInts, DenseArena, denseWasmAvailable, gatherPairs, parityIndex, parityIndexDoubles, scatterPairs } from "../../../src/engine/dense.js";
import { Rng } from "../../../src/engine/rng.js";
import { useKernels } from "../../../src/engine/kernels.js";
import { Mlp, Objective } from "../../../src/models/network/model.js";
import type { TaskData } from "../../../src/models/network/tasks.js";

function bits(a: ArrayLike<number>): string[] {
  return Array.from(new BigUint64Array(Float64Array.from(a).buffer), (b) => b.toString(16));
}

test("parityPass: the bits of forward + evaluate + lossGrad + backward, JavaScript and WebAssembly", () => {
  const kinds: ("js" | "wasm")[] = denseWasmAvailable() ? ["js", "wasm"] : ["js"];
  let cases = 0;
  for (const kind of kinds) {
    useKernels("dense", kind);
    try {
      for (const [M, K, Hn, N] of [[1, 1, 1, 1], [7, 5, 3, 2], [37, 32, 50, 2], [70, 9, 17, 3], [33, 33, 16, 1], [64, 6, 2, 4], [101, 12, 33, 5], [45, 8, 35, 2], [40, 10, 19, 3], [9, 11, 66, 2]]) {
        for (const masked of [false, true]) {
          const rng = new Rng(M * 7919 + K * 31 + Hn * 7 + N + (masked ? 1 : 0));
          const spec = { widths: [K, Hn, N], activation: "relu" as const, modules: 1, embedding: null, maxRows: M, binaryInput: true };
          assert.ok(Mlp.fusesParity(spec));
          const plan = Mlp.plan(spec);
          const P = plan.nParams;
          const arena = new DenseArena(plan.sizes.reduce((a, b) => a + b + 2, 0) + 4 * P + M * K + 2 * M * N + 4 * N + M * N + parityIndexDoubles(M, K) + 64);
          assert.equal(arena.kind, kind);
          const theta = arena.alloc(P), g1 = arena.alloc(P), g2 = arena.alloc(P), X = arena.alloc(M * K), Y = arena.alloc(M * N);
          const p = arena.alloc(N), stat = arena.alloc(N), dOutRow = arena.alloc(N);
          const u = masked ? arena.alloc(M * N) : null;
          const mask = masked ? new Uint8Array(M * N) : null;
          const mlp = new Mlp(spec, arena);
          mlp.init(theta, rng);
          // Exact zeros of both signs among the weights.
          for (let q = 0; q < P; q++) {
            const u = rng.nextDouble();
            if (u < 0.05) theta[q] = 0;
            else if (u < 0.1) theta[q] = -0;
          }
          for (let q = 0; q < M * K; q++) X[q] = rng.nextDouble() < 0.5 ? 0 : 1;
          for (let q = 0; q < M * N; q++) Y[q] = rng.nextDouble() < 0.5 ? 0 : 1;
          for (let j = 0; j < N; j++) p[j] = j === 0 ? 1 : rng.nextDouble();
          // The mask as runNetwork's drawMask makes it from the step's uniforms.
          if (u && mask) for (let q = 0; q < M * N; q++) mask[q] = (u[q] = rng.nextDouble()) < p[q % N] ? 1 : 0;
          const index = parityIndex(M, K, Hn, X, arena);
          const data = { kind: "sparse-parity", rows: M, nTrain: M, nIn: K, nOut: N, skills: N, X, tokens: null, Y, label: null, taskOf: null, trainPerTask: null } as TaskData;
          const obj = new Objective(data, "mse", p, dOutRow);
          // The layered path.
          const ref = new Float64Array(N);
          mlp.forward(theta, X, 0, M);
          const L1 = obj.evaluate(mlp.out, M, 0, ref);
          obj.lossGrad(mlp.out, M, null, 0, mlp.dOut, mask);
          mlp.backward(theta, g1, X, 0, M);
          // The fused pass, gradient and statistics.
          g2.fill(Number.NaN);
          const sum = mlp.parityPass(theta, g2, X, index, M, Y, p, u, stat);
          const what = `${kind} ${M}x${K}-${Hn}-${N}${masked ? " masked" : ""}`;
          assert.deepEqual(bits([sum / (M * N)]), bits([L1]), `${what}: loss`);
          assert.deepEqual(bits(Array.from(stat, (c) => c / M)), bits(ref), `${what}: accuracies`);
          assert.deepEqual(bits(g2), bits(g1), `${what}: gradient`);
          // Without the gradient: the same statistics, the gradient untouched.
          g2.fill(7);
          assert.equal(mlp.parityPass(theta, null, X, index, M, Y, p, u, stat), sum);
          assert.ok(g2.every((v) => v === 7));
          cases++;
        }
      }
    } finally {
      useKernels("dense", "auto");
    }
  }
  assert.ok(cases >= 14);
});

test("Objective.evaluateGrad (modular addition, ce): evaluate's accuracy and loss and lossGrad's gradient, bit for bit", () => {
  for (const [M, m] of [[1, 2], [37, 5], [200, 59]]) {
    const rng = new Rng(M * 13 + m);
    const out = new Float64Array(M * m), label = new Int32Array(M);
    for (let q = 0; q < out.length; q++) out[q] = rng.nextDouble() < 0.05 ? 0 : 20 * (rng.nextDouble() - 0.5);
    // Ties for the argmax (the first wins) and a row whose first output is its largest.
    if (m > 2 && M > 2) {
      out[m + 1] = out[m + 2] = 50;
      out[2 * m] = 60;
    }
    for (let r = 0; r < M; r++) label[r] = rng.nextInt(m);
    const data = { kind: "modular-addition", rows: M, nTrain: M, nIn: 2, nOut: m, skills: 2, X: null, tokens: null, Y: null, label, taskOf: null, trainPerTask: null } as unknown as TaskData;
    const obj = new Objective(data, "ce", Float64Array.from([1, 1]));
    const s1 = new Float64Array(2), s2 = new Float64Array(2), g1 = new Float64Array(M * m), g2 = new Float64Array(M * m);
    const L1 = obj.evaluate(out, M, 0, s1);
    obj.lossGrad(out, M, null, 0, g1, null);
    const L2 = obj.evaluateGrad(out, M, 0, s2, g2);
    assert.deepEqual(bits([L2]), bits([L1]), `${M}x${m}: loss`);
    assert.deepEqual(bits(s2), bits(s1), `${M}x${m}: accuracy`);
    assert.deepEqual(bits(g2), bits(g1), `${M}x${m}: gradient`);
    // The statistics alone: the same accuracy, no loss.
    const s3 = new Float64Array(2);
    assert.ok(Number.isNaN(obj.evaluate(out, M, 0, s3, false)));
    assert.deepEqual(bits(s3), bits(s1));
  }
});

test("gatherPairs / scatterPairs (the embedding layer's rows): WebAssembly = JavaScript = plain loops, bit for bit", () => {
  const kinds: ("js" | "wasm")[] = denseWasmAvailable() ? ["js", "wasm"] : ["js"];
  for (const [M, h, V, start] of [[1, 1, 1, 0], [7, 5, 3, 2], [100, 100, 59, 37], [33, 17, 4, 0]]) {
    const rng = new Rng(M + 100 * h + V);
    const tokSrc = new Int32Array(2 * (start + M));
    for (let q = 0; q < tokSrc.length; q++) tokSrc[q] = rng.nextInt(V);
    const fill = (a: Float64Array) => {
      for (let q = 0; q < a.length; q++) a[q] = rng.nextDouble() < 0.1 ? -0 : 2 * rng.nextDouble() - 1;
    };
    const Qa0 = new Float64Array(V * h), Qb0 = new Float64Array(V * h), dZ0 = new Float64Array(M * h);
    fill(Qa0);
    fill(Qb0);
    fill(dZ0);
    // Plain loops.
    const Z = new Float64Array(M * h), Sa = new Float64Array(V * h), Sb = new Float64Array(V * h);
    for (let r = 0; r < M; r++) {
      const a = tokSrc[2 * (start + r)], b = tokSrc[2 * (start + r) + 1];
      for (let j = 0; j < h; j++) {
        Z[r * h + j] = Qa0[a * h + j] + Qb0[b * h + j];
        Sa[a * h + j] += dZ0[r * h + j];
        Sb[b * h + j] += dZ0[r * h + j];
      }
    }
    for (const kind of kinds) {
      useKernels("dense", kind);
      try {
        const arena = new DenseArena(4 * V * h + 2 * M * h + tokSrc.length + 64);
        assert.equal(arena.kind, kind);
        const tok = arenaInts(arena, tokSrc.length, tokSrc);
        const [Qa, Qb, Z2, dZ, Sa2, Sb2] = [V * h, V * h, M * h, M * h, V * h, V * h].map((n) => arena.alloc(n));
        Qa.set(Qa0);
        Qb.set(Qb0);
        dZ.set(dZ0);
        Sa2.fill(5);
        Sb2.fill(5);
        gatherPairs(M, h, tok, start, Qa, Qb, Z2);
        scatterPairs(M, h, V, tok, start, dZ, Sa2, Sb2);
        const what = `${kind} ${M}x${h} V ${V} from ${start}`;
        assert.deepEqual(bits(Z2), bits(Z), `${what}: gather`);
        assert.deepEqual(bits(Sa2), bits(Sa), `${what}: scatter a`);
        assert.deepEqual(bits(Sb2), bits(Sb), `${what}: scatter b`);
      } finally {
        useKernels("dense", "auto");
      }
    }
  }
});
