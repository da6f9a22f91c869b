/**
 * Dense kernels for the `network` model: the one place where matrix products happen.
 * Every layer (dense, grouped/modular, output) calls these; nothing else multiplies matrices.
 *
 * Layout: row-major flat Float64Arrays addressed by (array, offset, leading dimension), so a
 * kernel can work on a block of a bigger array (a module's columns, a group's weights).
 * Weights are stored as PyTorch stores nn.Linear.weight: W[j][k] (out x in), row j at
 * wOff + j * K.
 *
 *   gemmNT        C[i][j] (+)= sum_k A[i][k] B[j][k]            (both operands row-major in k)
 *   transpose     T[j][i] = S[i][j]
 *   denseForward  Z = X W^T + b,  H = act(Z)                    (fused bias and activation;
 *                 silu also keeps s = sigmoid(Z) for the backward pass)
 *   denseBackward dW = dZ^T X,  db = sum_i dZ[i],  dX (+)= dZ W (optional)
 *   actBackward   dZ = dH * act'(Z)
 *
 * Order of operations (fixed, so every back-end gives the same bits): each C[i][j] is one
 * accumulator summed over k = 0, 1, ..., K-1 in order, starting from 0; then the old C (when
 * accumulating) or the bias is added: C = C_old + acc, Z = acc + b. The backward products are
 * computed as gemmNT on transposed copies (dZ^T, X^T, W^T written into caller-provided scratch),
 * so the contraction index is contiguous in memory for both operands.
 *
 * Speed (plain JS): register blocking 4 rows x 2 columns of C (8 accumulators, 6 loads for
 * 8 multiply-adds per k), no allocation, no closures.
 *
 * WebAssembly SIMD (asm/dense.ts, built to dist/asm/dense.wasm): arrays allocated from a
 * DenseArena of kind "wasm" live in the module's memory, and the three products run there as
 * gemm_nn (C = A Bt, SIMD over adjacent outputs), on W^T for the forward pass, dZ^T and X
 * for dW, dZ and W for dX; db by col_sums over dZ. Each output keeps the order above (one accumulator from 0, k in
 * order, multiply then add), so both back-ends give bit-identical results (tested); only
 * speed differs. Arrays not from a wasm arena always take the JavaScript path.
 */
import { loadWasmModule, type LoadedWasm } from "./wasm.js";
import { selectKernels } from "./kernels.js";

export const ACT_NONE = 0;
export const ACT_RELU = 1;
export const ACT_SILU = 2;
export type Activation = typeof ACT_NONE | typeof ACT_RELU | typeof ACT_SILU;

/**
 * C[cOff + i*ldc + j] = (accumulate ? C[...] : 0) + sum_{k<K} A[aOff + i*lda + k] * B[bOff + j*ldb + k]
 * for i < M, j < N.
 */
export function gemmNT(
  M: number, N: number, K: number,
  A: Float64Array, aOff: number, lda: number,
  B: Float64Array, bOff: number, ldb: number,
  C: Float64Array, cOff: number, ldc: number,
  accumulate: boolean,
): void {
  const M4 = M - (M & 3), N2 = N - (N & 1);
  let i = 0;
  for (; i < M4; i += 4) {
    const a0 = aOff + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
    const c0 = cOff + i * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
    let j = 0;
    for (; j < N2; j += 2) {
      const b0 = bOff + j * ldb, b1 = b0 + ldb;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = B[b0 + k], x1 = B[b1 + k];
        const y0 = A[a0 + k], y1 = A[a1 + k], y2 = A[a2 + k], y3 = A[a3 + k];
        s00 += y0 * x0; s01 += y0 * x1;
        s10 += y1 * x0; s11 += y1 * x1;
        s20 += y2 * x0; s21 += y2 * x1;
        s30 += y3 * x0; s31 += y3 * x1;
      }
      if (accumulate) {
        C[c0 + j] += s00; C[c0 + j + 1] += s01;
        C[c1 + j] += s10; C[c1 + j + 1] += s11;
        C[c2 + j] += s20; C[c2 + j + 1] += s21;
        C[c3 + j] += s30; C[c3 + j + 1] += s31;
      } else {
        C[c0 + j] = s00; C[c0 + j + 1] = s01;
        C[c1 + j] = s10; C[c1 + j + 1] = s11;
        C[c2 + j] = s20; C[c2 + j + 1] = s21;
        C[c3 + j] = s30; C[c3 + j + 1] = s31;
      }
    }
    if (j < N) {
      const b0 = bOff + j * ldb;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = B[b0 + k];
        s0 += A[a0 + k] * x0; s1 += A[a1 + k] * x0; s2 += A[a2 + k] * x0; s3 += A[a3 + k] * x0;
      }
      if (accumulate) {
        C[c0 + j] += s0; C[c1 + j] += s1; C[c2 + j] += s2; C[c3 + j] += s3;
      } else {
        C[c0 + j] = s0; C[c1 + j] = s1; C[c2 + j] = s2; C[c3 + j] = s3;
      }
    }
  }
  for (; i < M; i++) {
    const a0 = aOff + i * lda, c0 = cOff + i * ldc;
    for (let j = 0; j < N; j++) {
      const b0 = bOff + j * ldb;
      let s = 0;
      for (let k = 0; k < K; k++) s += A[a0 + k] * B[b0 + k];
      if (accumulate) C[c0 + j] += s;
      else C[c0 + j] = s;
    }
  }
}

/**
 * C[cOff + i*ldc + j] = sum_{k<K} A[aOff + i*lda + k] * Bt[bOff + k*ldb + j] (overwritten):
 * the same sum, in the same order, as gemmNT on B = Bt^T; the JavaScript twin of the
 * WebAssembly kernel (for tests, and for callers whose second operand is already K x N).
 */
export function gemmNN(
  M: number, N: number, K: number,
  A: Float64Array, aOff: number, lda: number,
  Bt: Float64Array, bOff: number, ldb: number,
  C: Float64Array, cOff: number, ldc: number,
): void {
  for (let i = 0; i < M; i++) {
    const a = aOff + i * lda, c = cOff + i * ldc;
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += A[a + k] * Bt[bOff + k * ldb + j];
      C[c + j] = s;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Memory for the kernels: one arena per run, in WebAssembly memory when the SIMD module
// loads (and the choice allows), else ordinary typed arrays.

interface WasmExports {
  gemm_nn(M: number, N: number, K: number, A: number, lda: number, B: number, ldb: number, C: number, ldc: number, acc: number): void;
  col_sums(M: number, N: number, dZ: number, ld: number, db: number): void;
  bias_act(M: number, N: number, b: number, Z: number, H: number, ld: number, act: number): void;
  relu_back(M: number, N: number, Z: number, dH: number, dZ: number, ld: number): void;
  transpose(rows: number, cols: number, S: number, lds: number, T: number, ldt: number): void;
  sel_forward(M: number, N: number, K: number, X: number, ldx: number, Wt: number, ldw: number, b: number, Z: number, H: number, ld: number, act: number, idx: number): void;
  sel_dw(M: number, N: number, K: number, X: number, ldx: number, dZ: number, ldz: number, dWt: number, db: number, idx: number): void;
  exp_shift(n: number, src: number, shift: number, dst: number): void;
  silu_act(M: number, N: number, b: number, Z: number, H: number, S: number, ld: number): void;
  silu_back(M: number, N: number, Z: number, S: number, dH: number, dZ: number, ld: number): void;
  gather_pairs(M: number, h: number, tok: number, Qa: number, Qb: number, Z: number): void;
  scatter_pairs(M: number, h: number, V: number, tok: number, dZ: number, Sa: number, Sb: number): void;
  parity_step(M: number, K: number, Hn: number, N: number, Wt1: number, b1: number, W2: number, W2t: number, b2: number, Y: number, p: number, u: number, grad: number, dWt1: number, db1: number, dW2: number, db2: number, stat: number, sc: number, TB: number, rowPtr: number, rowEnt: number, colPtr: number, colEnt: number): number;
}

/** The arena whose memory the wasm kernels currently address (one run at a time per thread). */
let active: { ex: WasmExports; buffer: ArrayBuffer } | null = null;

export function denseWasmAvailable(): boolean {
  return loadWasm() !== null;
}

function loadWasm(): LoadedWasm | null {
  // dist/src/engine/dense.js -> dist/asm/dense.wasm
  return loadWasmModule(new URL("../../asm/dense.wasm", import.meta.url));
}

/**
 * A bump allocator of Float64Arrays (16-byte aligned), sized once; never grows. Its memory is
 * WebAssembly memory (and the kernels then run there) on the back-end useKernels("dense", ...)
 * chose (./kernels.ts), else an ordinary ArrayBuffer.
 */
export class DenseArena {
  readonly kind: "js" | "wasm";
  private readonly buffer: ArrayBuffer;
  private next = 0; // bytes
  constructor(doubles: number) {
    const bytes = Math.ceil(doubles) * 8 + 64;
    const wasm = selectKernels<ArrayBuffer | "js">("dense", {
      wasm: () => {
        const w = loadWasm();
        const pages = Math.ceil(bytes / 65536);
        if (!w || pages > 65536) return null;
        const memory = new w.api.Memory({ initial: pages, maximum: pages });
        const ex = new w.api.Instance(w.module, { env: { memory } }).exports as WasmExports;
        active = { ex, buffer: memory.buffer };
        return memory.buffer;
      },
      js: () => "js",
      unavailable: "dense: WebAssembly kernels unavailable (build dist/asm/dense.wasm)",
    });
    this.kind = wasm === "js" ? "js" : "wasm";
    this.buffer = wasm === "js" ? new ArrayBuffer(bytes) : wasm;
  }
  /** n zeroed doubles. */
  alloc(n: number): Float64Array {
    const off = this.next;
    this.next = off + Math.ceil((n * 8) / 16) * 16;
    if (this.next > this.buffer.byteLength) throw new RangeError(`dense arena: out of room (${this.next} > ${this.buffer.byteLength} bytes)`);
    return new Float64Array(this.buffer, off, n);
  }
}

/** Doubles an arena needs for these allocations (with alignment padding). */
export function arenaDoubles(sizes: number[]): number {
  let d = 0;
  for (const n of sizes) d += Math.ceil(n / 2) * 2;
  return d;
}

/** The wasm exports when every array lives in the active wasm arena, else null. */
function wasmFor(a: Float64Array, b: Float64Array, c: Float64Array, d: Float64Array): WasmExports | null {
  if (active === null) return null;
  const buf = active.buffer;
  return a.buffer === buf && b.buffer === buf && c.buffer === buf && d.buffer === buf ? active.ex : null;
}

/** T[tOff + j*ldt + i] = S[sOff + i*lds + j] for i < rows, j < cols (blocked 8 x 8 for the cache). */
export function transpose(
  rows: number, cols: number,
  S: Float64Array, sOff: number, lds: number,
  T: Float64Array, tOff: number, ldt: number,
): void {
  const ex = wasmFor(S, T, S, T);
  if (ex) {
    ex.transpose(rows, cols, S.byteOffset + 8 * sOff, lds, T.byteOffset + 8 * tOff, ldt);
    return;
  }
  for (let i0 = 0; i0 < rows; i0 += 8) {
    const i1 = Math.min(rows, i0 + 8);
    for (let j0 = 0; j0 < cols; j0 += 8) {
      const j1 = Math.min(cols, j0 + 8);
      for (let i = i0; i < i1; i++) {
        const s = sOff + i * lds;
        for (let j = j0; j < j1; j++) T[tOff + j * ldt + i] = S[s + j];
      }
    }
  }
}

/** silu(z) = z sigmoid(z), computed as z * (1 / (1 + e^-z)) (the kernels' order). */
export function silu(z: number): number {
  return z * (1 / (1 + Math.exp(-z)));
}

/** d silu / dz = s (1 + z (1 - s)), s = sigmoid(z). */
export function siluGrad(z: number): number {
  const s = 1 / (1 + Math.exp(-z));
  return s * (1 + z * (1 - s));
}

/**
 * C[i][j] = sum_k X[i][k] W[j][k] (i < M, j < N, k < K): X at xOff (leading dimension ldx),
 * W at wOff (leading dimension ldw, rows = outputs, as torch's weight), C at cOff (ldc).
 * scratch: at least N K doubles (W^T for the wasm kernel).
 */
export function matmulWT(
  M: number, N: number, K: number,
  X: Float64Array, xOff: number, ldx: number,
  W: Float64Array, wOff: number, ldw: number,
  C: Float64Array, cOff: number, ldc: number,
  scratch: Float64Array,
): void {
  const ex = wasmFor(X, W, C, scratch);
  if (ex) {
    transpose(N, K, W, wOff, ldw, scratch, 0, N); // W^T, K x N
    ex.gemm_nn(M, N, K, X.byteOffset + 8 * xOff, ldx, scratch.byteOffset, N, C.byteOffset + 8 * cOff, ldc, 0);
  } else gemmNT(M, N, K, X, xOff, ldx, W, wOff, ldw, C, cOff, ldc, false);
}

/**
 * Forward pass of one dense layer (or one module's block of it):
 *   Z[i][j] = sum_k X[i][k] W[j][k] + b[j],  H[i][j] = act(Z[i][j])   (i < M, j < N, k < K)
 * X at xOff with leading dimension ldx; Z and H share (oOff, ldo); W is N x K contiguous at
 * wOff, b at bOff. With act = ACT_NONE, H may be Z itself (it is then written once).
 * scratch: at least N K doubles. S (same layout as Z, silu only): sigmoid(Z).
 */
export function denseForward(
  M: number, N: number, K: number,
  X: Float64Array, xOff: number, ldx: number,
  W: Float64Array, wOff: number,
  b: Float64Array, bOff: number,
  Z: Float64Array, H: Float64Array, oOff: number, ldo: number,
  act: Activation,
  scratch: Float64Array,
  S: Float64Array | null,
): void {
  matmulWT(M, N, K, X, xOff, ldx, W, wOff, K, Z, oOff, ldo, scratch);
  biasActivation(M, N, b, bOff, Z, H, oOff, ldo, act, S);
}

/**
 * Z += b (row-wise), H = act(Z); silu: S = sigmoid(Z) = 1 / (1 + exp(-Z)), H = Z * S. The
 * wasm kernels (bias_act, silu_act with fdlibm's exp on two lanes) give the same bits as the
 * JavaScript loop, whose Math.exp is fdlibm's (V8; test/engine/exp.test.ts checks both).
 */
export function biasActivation(
  M: number, N: number, b: Float64Array, bOff: number,
  Z: Float64Array, H: Float64Array, oOff: number, ldo: number, act: Activation,
  S: Float64Array | null,
): void {
  const ex = wasmFor(Z, H, b, act === ACT_SILU ? S! : Z);
  if (ex) {
    if (act === ACT_SILU) ex.silu_act(M, N, b.byteOffset + 8 * bOff, Z.byteOffset + 8 * oOff, H.byteOffset + 8 * oOff, S!.byteOffset + 8 * oOff, ldo);
    else ex.bias_act(M, N, b.byteOffset + 8 * bOff, Z.byteOffset + 8 * oOff, H.byteOffset + 8 * oOff, ldo, act);
    return;
  }
  for (let i = 0; i < M; i++) {
    const o = oOff + i * ldo;
    if (act === ACT_RELU) {
      for (let j = 0; j < N; j++) {
        const z = Z[o + j] + b[bOff + j];
        Z[o + j] = z;
        H[o + j] = z > 0 ? z : 0;
      }
    } else if (act === ACT_SILU) {
      const Sg = S!;
      for (let j = 0; j < N; j++) {
        const z = Z[o + j] + b[bOff + j];
        const s = 1 / (1 + Math.exp(-z));
        Z[o + j] = z;
        Sg[o + j] = s;
        H[o + j] = z * s;
      }
    } else {
      for (let j = 0; j < N; j++) Z[o + j] = Z[o + j] + b[bOff + j];
      if (H !== Z) for (let j = 0; j < N; j++) H[o + j] = Z[o + j];
    }
  }
}

/**
 * dZ = dH * act'(Z), in place into dH's storage (dZ may be dH). relu'(z) = [z > 0];
 * silu'(z) = s (1 + z (1 - s)) with s = S (kept by the forward pass).
 */
export function actBackward(
  M: number, N: number,
  Z: Float64Array, S: Float64Array | null, dH: Float64Array, dZ: Float64Array, off: number, ld: number,
  act: Activation,
): void {
  if (act === ACT_NONE) {
    if (dZ !== dH) for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) dZ[off + i * ld + j] = dH[off + i * ld + j];
    return;
  }
  const ex = wasmFor(Z, dH, dZ, act === ACT_SILU ? S! : dZ);
  if (ex) {
    if (act === ACT_RELU) ex.relu_back(M, N, Z.byteOffset + 8 * off, dH.byteOffset + 8 * off, dZ.byteOffset + 8 * off, ld);
    else ex.silu_back(M, N, Z.byteOffset + 8 * off, S!.byteOffset + 8 * off, dH.byteOffset + 8 * off, dZ.byteOffset + 8 * off, ld);
    return;
  }
  for (let i = 0; i < M; i++) {
    const o = off + i * ld;
    if (act === ACT_RELU) {
      for (let j = 0; j < N; j++) dZ[o + j] = Z[o + j] > 0 ? dH[o + j] : 0;
    } else {
      const Sg = S!;
      for (let j = 0; j < N; j++) {
        const z = Z[o + j], s = Sg[o + j];
        dZ[o + j] = dH[o + j] * (s * (1 + z * (1 - s)));
      }
    }
  }
}

/** n i32 from the arena's memory (token pairs, read by the wasm kernels), a copy of src when given. */
export function arenaInts(arena: DenseArena, n: number, src?: Int32Array): Int32Array {
  const f = arena.alloc(Math.ceil(n / 2));
  const a = new Int32Array(f.buffer, f.byteOffset, n);
  if (src) a.set(src.subarray(0, n));
  return a;
}

/**
 * The embedding layer's gather over rows start..start+M-1 of token pairs tok (a, b):
 * Z[r][j] = Qa[a][j] + Qb[b][j] (rows h wide; Z from row 0).
 */
export function gatherPairs(M: number, h: number, tok: Int32Array, start: number, Qa: Float64Array, Qb: Float64Array, Z: Float64Array): void {
  const ex = wasmFor(Qa, Qb, Z, tok as unknown as Float64Array);
  if (ex) {
    ex.gather_pairs(M, h, tok.byteOffset + 8 * start, Qa.byteOffset, Qb.byteOffset, Z.byteOffset);
    return;
  }
  for (let r = 0; r < M; r++) {
    const a = tok[2 * (start + r)] * h, b = tok[2 * (start + r) + 1] * h, o = r * h;
    for (let j = 0; j < h; j++) Z[o + j] = Qa[a + j] + Qb[b + j];
  }
}

/**
 * Its backward scatter: Sa and Sb (V x h) zeroed, then for rows r in order Sa[a] += dZ[r] and
 * Sb[b] += dZ[r] (rows start..start+M-1 of tok; dZ from row 0).
 */
export function scatterPairs(M: number, h: number, V: number, tok: Int32Array, start: number, dZ: Float64Array, Sa: Float64Array, Sb: Float64Array): void {
  const ex = wasmFor(dZ, Sa, Sb, tok as unknown as Float64Array);
  if (ex) {
    ex.scatter_pairs(M, h, V, tok.byteOffset + 8 * start, dZ.byteOffset, Sa.byteOffset, Sb.byteOffset);
    return;
  }
  Sa.fill(0, 0, V * h);
  Sb.fill(0, 0, V * h);
  for (let r = 0; r < M; r++) {
    const a = tok[2 * (start + r)] * h, b = tok[2 * (start + r) + 1] * h, o = r * h;
    for (let j = 0; j < h; j++) Sa[a + j] += dZ[o + j];
    for (let j = 0; j < h; j++) Sb[b + j] += dZ[o + j];
  }
}

/**
 * dst[dOff + j] = exp(src[sOff + j] - shift), j < n: the softmax's exponentials. The wasm
 * kernel (fdlibm's exp on two lanes) and Math.exp (fdlibm's, in V8) give the same bits.
 */
export function expShifted(n: number, src: Float64Array, sOff: number, shift: number, dst: Float64Array, dOff: number): void {
  const ex = wasmFor(src, dst, src, dst);
  if (ex) {
    ex.exp_shift(n, src.byteOffset + 8 * sOff, shift, dst.byteOffset + 8 * dOff);
    return;
  }
  for (let j = 0; j < n; j++) dst[dOff + j] = Math.exp(src[sOff + j] - shift);
}

/** Scratch doubles denseBackward needs for an M x N output over K inputs. */
export function denseScratchSize(M: number, N: number, K: number): number {
  return M * N + M * K + N * K;
}

/**
 * Backward pass of one dense layer (or one module's block), given dZ = dL/dZ:
 *   dW[j][k] = sum_i dZ[i][j] X[i][k]     (written, not accumulated: one layer, one pass)
 *   db[j]    = sum_i dZ[i][j]             (summed over i in order; skipped when db is null)
 *   dX[i][k] = (accX ? dX : 0) + sum_j dZ[i][j] W[j][k]   (only when dX is given)
 * W and dW have leading dimension ldw (K for a whole layer). scratch holds dZ^T (N x M),
 * X^T (K x M) and W^T (K x N): denseScratchSize(M, N, K) doubles.
 */
export function denseBackward(
  M: number, N: number, K: number,
  dZ: Float64Array, dzOff: number, ldz: number,
  X: Float64Array, xOff: number, ldx: number,
  W: Float64Array, wOff: number, ldw: number,
  dW: Float64Array, dwOff: number,
  db: Float64Array | null, dbOff: number,
  dX: Float64Array | null, dxOff: number, lddx: number, accX: boolean,
  scratch: Float64Array,
): void {
  const dZT = 0, XT = M * N, WT = M * N + M * K;
  transpose(M, N, dZ, dzOff, ldz, scratch, dZT, M);
  const ex = wasmFor(dZ, X, W, scratch);
  if (ex && wasmFor(dW, db ?? dW, dX ?? dW, scratch)) {
    // dW = dZ^T X and dX = dZ W as gemm_nn: X and W are already "K x N" operands (dZ^T
    // written out: a gemm reading dZ by columns was slower); db by column sums of dZ.
    const s = scratch.byteOffset, z = dZ.byteOffset + 8 * dzOff;
    ex.gemm_nn(N, K, M, s + 8 * dZT, M, X.byteOffset + 8 * xOff, ldx, dW.byteOffset + 8 * dwOff, ldw, 0);
    if (dX) ex.gemm_nn(M, K, N, z, ldz, W.byteOffset + 8 * wOff, ldw, dX.byteOffset + 8 * dxOff, lddx, accX ? 1 : 0);
    if (db) ex.col_sums(M, N, z, ldz, db.byteOffset + 8 * dbOff);
    return;
  }
  transpose(M, K, X, xOff, ldx, scratch, XT, M);
  gemmNT(N, K, M, scratch, dZT, M, scratch, XT, M, dW, dwOff, ldw, false);
  if (db) biasGrad(N, M, scratch, dZT, db, dbOff);
  if (dX) {
    transpose(N, K, W, wOff, ldw, scratch, WT, N);
    gemmNT(M, K, N, dZ, dzOff, ldz, scratch, WT, N, dX, dxOff, lddx, accX);
  }
}

/** db[j] = sum_i dZT[j][i], i in order. */
function biasGrad(N: number, M: number, dZT: Float64Array, off: number, db: Float64Array, dbOff: number): void {
  for (let j = 0; j < N; j++) {
    const r = off + j * M;
    let s = 0;
    for (let i = 0; i < M; i++) s += dZT[r + i];
    db[dbOff + j] = s;
  }
}

// ---------------------------------------------------------------------------------------
// The first layer on 0/1 inputs (the parity tasks): sums of selected rows.
//
// When every input X[i][k] is exactly 0 or 1 (and the weights and gradients are finite), the
// products of denseForward and denseBackward reduce to sums of selected rows, with the same
// bits: x * 1 = x, and a skipped term x * 0 = +-0 never changes a sum that starts at +0 (in
// round-to-nearest such a sum is never -0, and s + +-0 = s for every other s). The order of
// the remaining adds is kept (k in order for Z, i in order for dW), so these are the general
// kernels' results, not approximations; half the adds on average and no multiplications.

/** True when every value is exactly 0 or 1 (the inputs the selected-row kernels accept). */
export function isBinary(X: Float64Array): boolean {
  for (let i = 0; i < X.length; i++) if (X[i] !== 0 && X[i] !== 1) return false;
  return true;
}

/** Scratch doubles selForward / selBackward need (N x K weights or gradient, N sums, K indices). */
export function selScratchSize(N: number, K: number): number {
  return N * K + N + K;
}

/**
 * denseForward for 0/1 inputs X (same arguments; S unused: relu or none):
 *   Z[i][j] = (sum over k with X[i][k] != 0, k in order, of W[j][k]) + b[j],  H = act(Z).
 */
export function selForward(
  M: number, N: number, K: number,
  X: Float64Array, xOff: number, ldx: number,
  W: Float64Array, wOff: number,
  b: Float64Array, bOff: number,
  Z: Float64Array, H: Float64Array, oOff: number, ldo: number,
  act: Activation,
  scratch: Float64Array,
): void {
  if (act === ACT_SILU) throw new Error("selForward: relu or no activation only");
  const ex = wasmFor(X, W, Z, scratch);
  if (ex && wasmFor(b, H, b, H)) {
    transpose(N, K, W, wOff, K, scratch, 0, N); // W^T, K x N
    ex.sel_forward(M, N, K, X.byteOffset + 8 * xOff, ldx, scratch.byteOffset, N, b.byteOffset + 8 * bOff, Z.byteOffset + 8 * oOff, H.byteOffset + 8 * oOff, ldo, act, scratch.byteOffset + 8 * N * K);
    return;
  }
  const idx = new Int32Array(scratch.buffer, scratch.byteOffset + 8 * N * K, K);
  for (let i = 0; i < M; i++) {
    const x = xOff + i * ldx, o = oOff + i * ldo;
    let na = 0;
    for (let k = 0; k < K; k++) if (X[x + k] !== 0) idx[na++] = k;
    for (let j = 0; j < N; j++) {
      const w = wOff + j * K;
      let s = 0;
      for (let a = 0; a < na; a++) s += W[w + idx[a]];
      const z = s + b[bOff + j];
      Z[o + j] = z;
      if (act === ACT_RELU) H[o + j] = z > 0 ? z : 0;
      else if (H !== Z) H[o + j] = z;
    }
  }
}

/**
 * denseBackward's dW and db for 0/1 inputs X (no dX: the first layer has none):
 *   dW[j][k] = sum over i with X[i][k] != 0, i in order, of dZ[i][j],  db[j] = sum_i dZ[i][j].
 * scratch: selScratchSize(N, K) doubles.
 */
export function selBackward(
  M: number, N: number, K: number,
  dZ: Float64Array, dzOff: number, ldz: number,
  X: Float64Array, xOff: number, ldx: number,
  dW: Float64Array, dwOff: number, ldw: number,
  db: Float64Array | null, dbOff: number,
  scratch: Float64Array,
): void {
  const ex = wasmFor(dZ, X, dW, scratch);
  const sums = N * K; // db's sums after the K x N gradient
  if (ex && wasmFor(db ?? dW, dW, dW, dW)) {
    ex.sel_dw(M, N, K, X.byteOffset + 8 * xOff, ldx, dZ.byteOffset + 8 * dzOff, ldz, scratch.byteOffset, db ? scratch.byteOffset + 8 * sums : 0, scratch.byteOffset + 8 * (sums + N));
  } else {
    scratch.fill(0, 0, sums + N);
    for (let i = 0; i < M; i++) {
      const x = xOff + i * ldx, z = dzOff + i * ldz;
      if (db) for (let j = 0; j < N; j++) scratch[sums + j] += dZ[z + j];
      for (let k = 0; k < K; k++) {
        if (X[x + k] === 0) continue;
        const w = k * N;
        for (let j = 0; j < N; j++) scratch[w + j] += dZ[z + j];
      }
    }
  }
  transpose(K, N, scratch, 0, N, dW, dwOff, ldw);
  if (db) for (let j = 0; j < N; j++) db[dbOff + j] = scratch[sums + j];
}

// ---------------------------------------------------------------------------------------
// The paper's Fig 2 network in one pass (one hidden relu layer on 0/1 inputs, linear output
// layer, sparse parity's masked mse): the step's forward pass, per-task accuracy, expected
// loss, loss gradient and backward pass fused row by row, so that no M x Hn activation array
// is written or read back. The same operations in the same order as the layered path
// (selForward, denseForward, Objective.evaluate and lossGrad, denseBackward, actBackward,
// selBackward), so the same bits; tested against it in both back-ends.

/** Rows per chunk of the wasm kernel (asm/dense.ts CHUNK) and bits of its first-columns table. */
const PARITY_CHUNK = 32;
const PARITY_TABLE_BITS = 8;

/** Scratch doubles parityStep needs: W1^T, W2^T, the first layer's transposed gradient, the kernel's chunk of rows and table. */
export function parityScratchSize(K: number, Hn: number, N: number): number {
  return 2 * K * Hn + Hn * N + 2 * PARITY_CHUNK * (Hn + N) + (1 << Math.min(PARITY_TABLE_BITS, K)) * Hn + 2;
}

/**
 * X's nonzeros as the wasm kernel reads them (X is fixed over a run: made once): per row, the
 * byte offset of its entry in the table of the first tb columns' sums (v Hn 8, v = the row's
 * bits k < tb) and the byte offsets in W1^T of its nonzero columns k >= tb (k Hn 8), in order;
 * per chunk of PARITY_CHUNK rows and column k, the byte offsets r Hn 8 of the chunk's rows r
 * with X[r][k] != 0, in order. Pointers are in i32 entries of the one array.
 */
export interface ParityIndex { tb: number; all: Int32Array; rowPtr: number; rowEnt: number; colPtr: number; colEnt: number }

/** Doubles of arena parityIndex takes for M rows of K columns (the worst case: every bit set). */
export function parityIndexDoubles(M: number, K: number): number {
  const tb = Math.min(PARITY_TABLE_BITS, K), nc = Math.ceil(M / PARITY_CHUNK);
  return Math.ceil((M + 1 + M * (K - tb + 1) + nc * K + 1 + M * K) / 2) + 1;
}

/** The lists of X's (M x K, 0/1) nonzeros for parityStep's kernel, from the arena. */
export function parityIndex(M: number, K: number, Hn: number, X: Float64Array, arena: DenseArena): ParityIndex {
  const f = arena.alloc(parityIndexDoubles(M, K));
  const all = new Int32Array(f.buffer, f.byteOffset, 2 * f.length);
  const tb = Math.min(PARITY_TABLE_BITS, K), nc = Math.ceil(M / PARITY_CHUNK), row = 8 * Hn;
  const rowPtr = 0, rowEnt = M + 1;
  let n = 0;
  for (let i = 0; i < M; i++) {
    all[rowPtr + i] = n;
    let v = 0;
    for (let k = 0; k < tb; k++) if (X[i * K + k] !== 0) v |= 1 << k;
    all[rowEnt + n++] = v * row;
    for (let k = tb; k < K; k++) if (X[i * K + k] !== 0) all[rowEnt + n++] = k * row;
  }
  all[rowPtr + M] = n;
  const colPtr = rowEnt + n, colEnt = colPtr + nc * K + 1;
  n = 0;
  for (let c = 0; c < nc; c++) {
    const r1 = Math.min(PARITY_CHUNK, M - c * PARITY_CHUNK);
    for (let k = 0; k < K; k++) {
      all[colPtr + c * K + k] = n;
      for (let r = 0; r < r1; r++) if (X[(c * PARITY_CHUNK + r) * K + k] !== 0) all[colEnt + n++] = r * row;
    }
  }
  all[colPtr + nc * K] = n;
  return { tb, all, rowPtr, rowEnt, colPtr, colEnt };
}

/**
 * One full-batch pass over rows 0..M-1 of the network K -> Hn (relu) -> N on 0/1 inputs X
 * (M x K; index = parityIndex of them, for the wasm kernel) with targets Y (M x N), theta's
 * layout as Mlp's (W1 = Hn x K at w1, b1 after it; W2 = N x Hn at w2, b2 after it):
 *   stat[j] = number of rows with (O_ij > 1/2) == Y_ij, returns sum_ij p_j (O_ij - Y_ij)^2
 *   (rows, then outputs, in order: Objective.evaluate's sum before its division), and with
 *   grad, the gradient of the masked mse (Objective.lossGrad with mask_ij = [u_ij < p_j], u the
 *   step's M x N uniforms, as runNetwork's drawMask makes it: entry ij counts when u_ij < p_j;
 *   null: every entry counts) into grad at the same offsets as the parameters.
 * scratch: parityScratchSize(K, Hn, N) doubles.
 */
export function parityStep(
  M: number, K: number, Hn: number, N: number,
  X: Float64Array, index: ParityIndex, theta: Float64Array, w1: number, w2: number,
  Y: Float64Array, p: Float64Array, u: Float64Array | null,
  grad: Float64Array | null, stat: Float64Array, scratch: Float64Array,
): number {
  const b1 = w1 + Hn * K, b2 = w2 + N * Hn;
  const Wt1 = 0, W2t = K * Hn, dWt1 = W2t + Hn * N, sc = dWt1 + K * Hn;
  const ex = wasmFor(index.all as unknown as Float64Array, theta, Y, p);
  if (ex && wasmFor(stat, scratch, grad ?? stat, u ?? stat)) {
    transpose(Hn, K, theta, w1, K, scratch, Wt1, Hn);
    transpose(N, Hn, theta, w2, Hn, scratch, W2t, N);
    const t = theta.byteOffset, g = grad ? grad.byteOffset : 0, s = scratch.byteOffset, x = index.all.byteOffset;
    const L = ex.parity_step(M, K, Hn, N, s + 8 * Wt1, t + 8 * b1, t + 8 * w2, s + 8 * W2t, t + 8 * b2, Y.byteOffset, p.byteOffset, u ? u.byteOffset : 0, grad ? 1 : 0,
      s + 8 * dWt1, g + 8 * b1, g + 8 * w2, g + 8 * b2, stat.byteOffset, s + 8 * sc,
      index.tb, x + 4 * index.rowPtr, x + 4 * index.rowEnt, x + 4 * index.colPtr, x + 4 * index.colEnt);
    if (grad) transpose(K, Hn, scratch, dWt1, Hn, grad, w1, K);
    return L;
  }
  // JavaScript: the same loops as the kernel (asm/dense.ts parity_step), one row at a time.
  const h = sc, o = h + Hn, dO = o + N;
  const idx = new Int32Array(scratch.buffer, scratch.byteOffset + 8 * (dO + N), K);
  const scale = 1 / (M * N);
  stat.fill(0, 0, N);
  if (grad) {
    scratch.fill(0, dWt1, dWt1 + K * Hn);
    grad.fill(0, b1, b1 + Hn);
    grad.fill(0, w2, b2 + N);
  }
  let L = 0;
  for (let i = 0; i < M; i++) {
    const x = i * K;
    let na = 0;
    for (let k = 0; k < K; k++) if (X[x + k] !== 0) idx[na++] = k;
    for (let j = 0; j < Hn; j++) {
      const w = w1 + j * K;
      let s = 0;
      for (let a = 0; a < na; a++) s += theta[w + idx[a]];
      const z = s + theta[b1 + j];
      scratch[h + j] = z > 0 ? z : 0;
    }
    for (let j = 0; j < N; j++) {
      const w = w2 + j * Hn;
      let s = 0;
      for (let k = 0; k < Hn; k++) s += scratch[h + k] * theta[w + k];
      scratch[o + j] = s + theta[b2 + j];
    }
    for (let j = 0; j < N; j++) {
      const out = scratch[o + j], y = Y[i * N + j];
      if ((out > 0.5 ? 1 : 0) === y) stat[j]++;
      L += p[j] * (out - y) * (out - y);
      if (grad) {
        const e = out - y;
        scratch[dO + j] = u && !(u[i * N + j] < p[j]) ? 0 : 2 * e * scale;
      }
    }
    if (!grad) continue;
    for (let j = 0; j < N; j++) {
      const d = scratch[dO + j], w = w2 + j * Hn;
      grad[b2 + j] += d;
      for (let k = 0; k < Hn; k++) grad[w + k] += d * scratch[h + k];
    }
    for (let k = 0; k < Hn; k++) {
      let s = 0;
      for (let j = 0; j < N; j++) s += scratch[dO + j] * theta[w2 + j * Hn + k];
      const dz = scratch[h + k] > 0 ? s : 0;
      grad[b1 + k] += dz;
      for (let a = 0; a < na; a++) scratch[dWt1 + idx[a] * Hn + k] += dz;
    }
  }
  if (grad) transpose(K, Hn, scratch, dWt1, Hn, grad, w1, K);
  return L;
}
