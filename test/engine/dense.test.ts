/**
 * Dense kernels (src/engine/dense.ts): products against a plain triple loop, and the
 * WebAssembly SIMD back-end against the JavaScript one, bit for bit, on odd sizes (tails of
 * the 4 x 2 and 4 x 4 blocks), strided operands and accumulation.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ACT_NONE, ACT_RELU, ACT_SILU, actBackward, DenseArena, denseBackward, denseForward, denseScratchSize, denseWasmAvailable,
  gemmNN, gemmNT, isBinary, selBackward, selForward, silu, siluGrad, transpose,
} from "../../src/engine/dense.js";
import { Rng } from "../../src/engine/rng.js";
import { useKernels } from "../../src/engine/kernels.js";

function randomArray(n: number, rng: Rng): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = 2 * rng.nextDouble() - 1;
  return a;
}

test("gemmNT and gemmNN: the same sums as a plain loop (one accumulator, k in order)", () => {
  const rng = new Rng(1);
  for (const [M, N, K] of [[1, 1, 1], [5, 3, 7], [9, 6, 4], [4, 2, 33], [13, 11, 10]]) {
    const A = randomArray(M * (K + 2), rng), B = randomArray(N * K, rng), C = new Float64Array(M * N);
    gemmNT(M, N, K, A, 1, K + 2, B, 0, K, C, 0, N, false);
    const Bt = new Float64Array(K * N);
    transpose(N, K, B, 0, K, Bt, 0, N);
    const C2 = new Float64Array(M * N);
    gemmNN(M, N, K, A, 1, K + 2, Bt, 0, N, C2, 0, N);
    for (let i = 0; i < M; i++)
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += A[1 + i * (K + 2) + k] * B[j * K + k];
        assert.equal(C[i * N + j], s, `gemmNT ${M}x${N}x${K} at ${i},${j}`);
        assert.equal(C2[i * N + j], s, `gemmNN ${M}x${N}x${K} at ${i},${j}`);
      }
    const old = Float64Array.from(C);
    gemmNT(M, N, K, A, 1, K + 2, B, 0, K, C, 0, N, true);
    for (let q = 0; q < C.length; q++) assert.equal(C[q], old[q] + old[q]);
  }
});

test("silu and its derivative", () => {
  for (const z of [-30, -2, -0.5, 0, 0.3, 4, 40]) {
    assert.ok(Math.abs(silu(z) - z / (1 + Math.exp(-z))) <= 1e-15 * Math.max(1, Math.abs(z)));
    const h = 1e-6, fd = (silu(z + h) - silu(z - h)) / (2 * h);
    assert.ok(Math.abs(fd - siluGrad(z)) < 1e-8, `silu'(${z})`);
  }
});

/** One dense layer forward and backward in an arena of the given kind; returns every output. */
function layer(kind: "js" | "wasm", M: number, N: number, K: number, act: 0 | 1 | 2, accX: boolean): Float64Array[] {
  useKernels("dense", kind);
  try {
    const rng = new Rng(7);
    const sizes = [M * K, N * K, N, M * N, M * N, M * N, M * N, N * K, N, M * K, denseScratchSize(M, N, K)];
    const arena = new DenseArena(sizes.reduce((a, b) => a + b + 2, 0));
    assert.equal(arena.kind, kind);
    const [X, W, b, Z, H, S, dZ, dW, db, dX, scratch] = sizes.map((n) => arena.alloc(n));
    X.set(randomArray(M * K, rng));
    W.set(randomArray(N * K, rng));
    b.set(randomArray(N, rng));
    dZ.set(randomArray(M * N, rng));
    dX.set(randomArray(M * K, rng));
    denseForward(M, N, K, X, 0, K, W, 0, b, 0, Z, H, 0, N, act, scratch, S);
    actBackward(M, N, Z, S, dZ, dZ, 0, N, act);
    denseBackward(M, N, K, dZ, 0, N, X, 0, K, W, 0, K, dW, 0, db, 0, dX, 0, K, accX, scratch);
    return [Z, H, dZ, dW, db, dX].map((a) => Float64Array.from(a));
  } finally {
    useKernels("dense", "auto");
  }
}

test("WebAssembly SIMD kernels give bit-identical results to the JavaScript kernels", { skip: !denseWasmAvailable() && "dist/asm/dense.wasm not built" }, () => {
  for (const [M, N, K] of [[1, 1, 1], [7, 5, 3], [8, 8, 8], [10, 50, 32], [13, 6, 9], [4, 3, 2]]) {
    for (const act of [ACT_NONE, ACT_RELU, ACT_SILU] as const) {
      for (const accX of [false, true]) {
        const js = layer("js", M, N, K, act, accX), wasm = layer("wasm", M, N, K, act, accX);
        for (let q = 0; q < js.length; q++) assert.deepEqual(Array.from(wasm[q]), Array.from(js[q]), `${M}x${N}x${K} act ${act} accX ${accX} output ${q}`);
      }
    }
  }
});

test("denseBackward: dW = dZ^T X, db = column sums, dX = dZ W (plain loops)", () => {
  const [M, N, K] = [6, 5, 7];
  const rng = new Rng(3);
  const X = randomArray(M * K, rng), W = randomArray(N * K, rng), dZ = randomArray(M * N, rng);
  const dW = new Float64Array(N * K), db = new Float64Array(N), dX = new Float64Array(M * K);
  denseBackward(M, N, K, dZ, 0, N, X, 0, K, W, 0, K, dW, 0, db, 0, dX, 0, K, false, new Float64Array(denseScratchSize(M, N, K)));
  for (let j = 0; j < N; j++) {
    let sb = 0;
    for (let i = 0; i < M; i++) sb += dZ[i * N + j];
    assert.equal(db[j], sb);
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let i = 0; i < M; i++) s += dZ[i * N + j] * X[i * K + k];
      assert.equal(dW[j * K + k], s);
    }
  }
  for (let i = 0; i < M; i++)
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let j = 0; j < N; j++) s += dZ[i * N + j] * W[j * K + k];
      assert.equal(dX[i * K + k], s);
    }
});

/** The bits of every value (so that -0 and +0 differ). */
function bits(a: Float64Array): string[] {
  return Array.from(new BigUint64Array(Float64Array.from(a).buffer), (b) => b.toString(16));
}

test("selForward / selBackward on 0/1 inputs: the bits of denseForward / denseBackward, in both back-ends", () => {
  assert.equal(isBinary(Float64Array.from([0, 1, -0, 1])), true);
  assert.equal(isBinary(Float64Array.from([0, 1, 0.5])), false);
  const kinds: ("js" | "wasm")[] = denseWasmAvailable() ? ["js", "wasm"] : ["js"];
  for (const kind of kinds) {
    useKernels("dense", kind);
    try {
      for (const [M, N, K] of [[1, 1, 1], [7, 5, 3], [9, 8, 8], [10, 50, 32], [13, 9, 33], [5, 2, 6], [3, 17, 4]]) {
        for (const act of [ACT_NONE, ACT_RELU] as const) {
          const rng = new Rng(M * 1000 + N * 10 + K + act);
          const ldx = K + 3, xOff = 2, ldo = N + 1, oOff = 1;
          const sizes = [xOff + M * ldx, N * K + N, M * ldo + 1, M * ldo + 1, M * ldo + 1, M * ldo + 1, M * ldo + 1, N * K + N, N * K + N, denseScratchSize(M, N, K)];
          const arena = new DenseArena(sizes.reduce((a, b) => a + b + 2, 0));
          assert.equal(arena.kind, kind);
          const [X, W, Z1, H1, Z2, H2, dZ, g1, g2, scratch] = sizes.map((n) => arena.alloc(n));
          // 0/1 inputs (some -0), weights and gradients with exact zeros of both signs.
          for (let q = 0; q < X.length; q++) X[q] = rng.nextDouble() < 0.5 ? (rng.nextDouble() < 0.1 ? -0 : 0) : 1;
          const mixed = (a: Float64Array): void => {
            for (let q = 0; q < a.length; q++) {
              const u = rng.nextDouble();
              a[q] = u < 0.1 ? 0 : u < 0.2 ? -0 : 2 * rng.nextDouble() - 1;
            }
          };
          mixed(W);
          mixed(dZ);
          const H2v = act === ACT_NONE ? Z2 : H2, H1v = act === ACT_NONE ? Z1 : H1;
          denseForward(M, N, K, X, xOff, ldx, W, 0, W, N * K, Z1, H1v, oOff, ldo, act, scratch, null);
          selForward(M, N, K, X, xOff, ldx, W, 0, W, N * K, Z2, H2v, oOff, ldo, act, scratch);
          const what = `${kind} ${M}x${N}x${K} act ${act}`;
          assert.deepEqual(bits(Z2), bits(Z1), `${what}: Z`);
          assert.deepEqual(bits(H2), bits(H1), `${what}: H`);
          denseBackward(M, N, K, dZ, oOff, ldo, X, xOff, ldx, W, 0, K, g1, 0, g1, N * K, null, 0, K, false, scratch);
          selBackward(M, N, K, dZ, oOff, ldo, X, xOff, ldx, g2, 0, K, g2, N * K, scratch);
          assert.deepEqual(bits(g2), bits(g1), `${what}: dW and db`);
          // Without db, the weight gradient alone (db's place untouched).
          g2.fill(7);
          selBackward(M, N, K, dZ, oOff, ldo, X, xOff, ldx, g2, 0, K, null, 0, scratch);
          assert.deepEqual(bits(g2.subarray(0, N * K)), bits(g1.subarray(0, N * K)), `${what}: dW`);
          assert.ok(g2.subarray(N * K).every((v) => v === 7));
        }
      }
    } finally {
      useKernels("dense", "auto");
    }
  }
});
