/**
 * WebAssembly SIMD matrix product for the `network` model (src/engine/dense.ts), compiled
 * with AssemblyScript (npm run build):
 *
 *   npx asc asm/dense.ts -O3 --runtime stub --noAssert --enable simd --importMemory \
 *     --use abort= -o dist/asm/dense.wasm
 *
 *   gemm_nn: C[i][j] = (acc ? C[i][j] : 0) + sum_k A[i][k] Bt[k][j]   (i < M, j < N, k < K)
 *
 * The order of operations is the JavaScript kernels' (gemmNT / gemmNN in dense.ts): each
 * C[i][j] is one accumulator, starting at 0, to which A[i][k] * Bt[k][j] is added for
 * k = 0, 1, ..., K-1 in order (multiply, then add: never fused); with acc the old C[i][j]
 * is then added to it (C_old + sum). SIMD runs over j (two
 * adjacent outputs per f64x2 lane pair), which keeps that order per output exactly, so both
 * back-ends give bit-identical results. Register blocking: 4 rows x 4 columns (8 f64x2
 * accumulators; each A value loaded straight into both lanes, v128.load64_splat), then 4 rows
 * x 2 columns for a pair left over. All pointers are byte offsets into the imported memory; lda, ldb, ldc are
 * leading dimensions in elements (row-major).
 */

import { exp_s, exp_v, exp_ok2, exp_core } from "./exp";

// @ts-ignore: decorator
@inline
function at(p: usize, row: i32, ld: i32, col: i32): usize {
  return p + ((<usize>row * <usize>ld + <usize>col) << 3);
}

// @ts-ignore: decorator
@inline
function put2(p: usize, v: v128, acc: bool): void {
  v128.store(p, acc ? f64x2.add(v128.load(p), v) : v);
}

// @ts-ignore: decorator
@inline
function put1(p: usize, v: f64, acc: bool): void {
  store<f64>(p, acc ? load<f64>(p) + v : v);
}

export function gemm_nn(M: i32, N: i32, K: i32, A: usize, lda: i32, B: usize, ldb: i32, C: usize, ldc: i32, acc: bool): void {
  const N4 = N & ~3, N2 = N & ~1;
  const rowB = (<usize>ldb) << 3;
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const a0 = at(A, i, lda, 0), a1 = at(A, i + 1, lda, 0), a2 = at(A, i + 2, lda, 0), a3 = at(A, i + 3, lda, 0);
    let j = 0;
    for (; j < N4; j += 4) {
      let c00 = f64x2.splat(0.0), c01 = f64x2.splat(0.0);
      let c10 = f64x2.splat(0.0), c11 = f64x2.splat(0.0);
      let c20 = f64x2.splat(0.0), c21 = f64x2.splat(0.0);
      let c30 = f64x2.splat(0.0), c31 = f64x2.splat(0.0);
      let b = B + ((<usize>j) << 3);
      for (let k = 0; k < K; k++) {
        const ko = (<usize>k) << 3;
        const b0 = v128.load(b), b1 = v128.load(b, 16);
        const x0 = v128.load64_splat(a0 + ko);
        const x1 = v128.load64_splat(a1 + ko);
        const x2 = v128.load64_splat(a2 + ko);
        const x3 = v128.load64_splat(a3 + ko);
        c00 = f64x2.add(c00, f64x2.mul(x0, b0)); c01 = f64x2.add(c01, f64x2.mul(x0, b1));
        c10 = f64x2.add(c10, f64x2.mul(x1, b0)); c11 = f64x2.add(c11, f64x2.mul(x1, b1));
        c20 = f64x2.add(c20, f64x2.mul(x2, b0)); c21 = f64x2.add(c21, f64x2.mul(x2, b1));
        c30 = f64x2.add(c30, f64x2.mul(x3, b0)); c31 = f64x2.add(c31, f64x2.mul(x3, b1));
        b += rowB;
      }
      const p0 = at(C, i, ldc, j), p1 = at(C, i + 1, ldc, j), p2 = at(C, i + 2, ldc, j), p3 = at(C, i + 3, ldc, j);
      put2(p0, c00, acc); put2(p0 + 16, c01, acc);
      put2(p1, c10, acc); put2(p1 + 16, c11, acc);
      put2(p2, c20, acc); put2(p2 + 16, c21, acc);
      put2(p3, c30, acc); put2(p3 + 16, c31, acc);
    }
    for (; j < N2; j += 2) {
      let c0 = f64x2.splat(0.0), c1 = f64x2.splat(0.0), c2 = f64x2.splat(0.0), c3 = f64x2.splat(0.0);
      let b = B + ((<usize>j) << 3);
      for (let k = 0; k < K; k++) {
        const ko = (<usize>k) << 3;
        const b0 = v128.load(b);
        c0 = f64x2.add(c0, f64x2.mul(v128.load64_splat(a0 + ko), b0));
        c1 = f64x2.add(c1, f64x2.mul(v128.load64_splat(a1 + ko), b0));
        c2 = f64x2.add(c2, f64x2.mul(v128.load64_splat(a2 + ko), b0));
        c3 = f64x2.add(c3, f64x2.mul(v128.load64_splat(a3 + ko), b0));
        b += rowB;
      }
      put2(at(C, i, ldc, j), c0, acc); put2(at(C, i + 1, ldc, j), c1, acc);
      put2(at(C, i + 2, ldc, j), c2, acc); put2(at(C, i + 3, ldc, j), c3, acc);
    }
    for (; j < N; j++) {
      let s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
      let b = B + ((<usize>j) << 3);
      for (let k = 0; k < K; k++) {
        const ko = (<usize>k) << 3;
        const bk = load<f64>(b);
        s0 += load<f64>(a0 + ko) * bk;
        s1 += load<f64>(a1 + ko) * bk;
        s2 += load<f64>(a2 + ko) * bk;
        s3 += load<f64>(a3 + ko) * bk;
        b += rowB;
      }
      put1(at(C, i, ldc, j), s0, acc);
      put1(at(C, i + 1, ldc, j), s1, acc);
      put1(at(C, i + 2, ldc, j), s2, acc);
      put1(at(C, i + 3, ldc, j), s3, acc);
    }
  }
  for (; i < M; i++) {
    const a0 = at(A, i, lda, 0);
    let j = 0;
    for (; j < N4; j += 4) {
      let c0 = f64x2.splat(0.0), c1 = f64x2.splat(0.0);
      let b = B + ((<usize>j) << 3);
      for (let k = 0; k < K; k++) {
        const x = v128.load64_splat(a0 + ((<usize>k) << 3));
        c0 = f64x2.add(c0, f64x2.mul(x, v128.load(b)));
        c1 = f64x2.add(c1, f64x2.mul(x, v128.load(b, 16)));
        b += rowB;
      }
      const p = at(C, i, ldc, j);
      put2(p, c0, acc);
      put2(p + 16, c1, acc);
    }
    for (; j < N; j++) {
      let s = 0.0;
      let b = B + ((<usize>j) << 3);
      for (let k = 0; k < K; k++) {
        s += load<f64>(a0 + ((<usize>k) << 3)) * load<f64>(b);
        b += rowB;
      }
      put1(at(C, i, ldc, j), s, acc);
    }
  }
}

/** db[j] = sum_{i<M} dZ[i][j], i in order from 0 (the bias gradient, as biasGrad in dense.ts). */
export function col_sums(M: i32, N: i32, dZ: usize, ld: i32, db: usize): void {
  const row = (<usize>ld) << 3, N8 = N & ~7, N2 = N & ~1;
  let j = 0;
  for (; j < N8; j += 8) {
    let a0 = f64x2.splat(0.0), a1 = f64x2.splat(0.0), a2 = f64x2.splat(0.0), a3 = f64x2.splat(0.0);
    let z = dZ + ((<usize>j) << 3);
    for (let i = 0; i < M; i++) {
      a0 = f64x2.add(a0, v128.load(z)); a1 = f64x2.add(a1, v128.load(z, 16));
      a2 = f64x2.add(a2, v128.load(z, 32)); a3 = f64x2.add(a3, v128.load(z, 48));
      z += row;
    }
    const d = db + ((<usize>j) << 3);
    v128.store(d, a0); v128.store(d, a1, 16); v128.store(d, a2, 32); v128.store(d, a3, 48);
  }
  for (; j < N2; j += 2) {
    let a0 = f64x2.splat(0.0);
    let z = dZ + ((<usize>j) << 3);
    for (let i = 0; i < M; i++) {
      a0 = f64x2.add(a0, v128.load(z));
      z += row;
    }
    v128.store(db + ((<usize>j) << 3), a0);
  }
  for (; j < N; j++) {
    let x = 0.0;
    let z = dZ + ((<usize>j) << 3);
    for (let i = 0; i < M; i++) {
      x += load<f64>(z);
      z += row;
    }
    store<f64>(db + ((<usize>j) << 3), x);
  }
}

/**
 * The forward pass's fused epilogue: Z[i][j] = Z[i][j] + b[j] and H[i][j] = relu(Z[i][j])
 * (act 1) or H = Z (act 0, H may be Z), as biasActivation in dense.ts: relu(z) = z > 0 ? z : 0
 * (so -0 and NaN give +0), one add per element, no other rounding.
 */
export function bias_act(M: i32, N: i32, b: usize, Z: usize, H: usize, ld: i32, act: i32): void {
  const N2 = N & ~1;
  const zero = f64x2.splat(0.0);
  for (let i = 0; i < M; i++) {
    const zr = at(Z, i, ld, 0), hr = at(H, i, ld, 0);
    let j = 0;
    for (; j < N2; j += 2) {
      const o = (<usize>j) << 3;
      const z = f64x2.add(v128.load(zr + o), v128.load(b + o));
      v128.store(zr + o, z);
      if (act == 1) v128.store(hr + o, v128.and(z, f64x2.gt(z, zero)));
      else if (H != Z) v128.store(hr + o, z);
    }
    for (; j < N; j++) {
      const o = (<usize>j) << 3;
      const z = load<f64>(zr + o) + load<f64>(b + o);
      store<f64>(zr + o, z);
      if (act == 1) store<f64>(hr + o, z > 0 ? z : 0.0);
      else if (H != Z) store<f64>(hr + o, z);
    }
  }
}

/** dZ[i][j] = Z[i][j] > 0 ? dH[i][j] : 0 (relu's backward, in place when dZ = dH), as actBackward. */
export function relu_back(M: i32, N: i32, Z: usize, dH: usize, dZ: usize, ld: i32): void {
  const N2 = N & ~1;
  const zero = f64x2.splat(0.0);
  for (let i = 0; i < M; i++) {
    const zr = at(Z, i, ld, 0), hr = at(dH, i, ld, 0), dr = at(dZ, i, ld, 0);
    let j = 0;
    for (; j < N2; j += 2) {
      const o = (<usize>j) << 3;
      v128.store(dr + o, v128.and(v128.load(hr + o), f64x2.gt(v128.load(zr + o), zero)));
    }
    for (; j < N; j++) {
      const o = (<usize>j) << 3;
      store<f64>(dr + o, load<f64>(zr + o) > 0 ? load<f64>(hr + o) : 0.0);
    }
  }
}

/** T[j][i] = S[i][j] for i < rows, j < cols (8 x 8 blocks), as transpose in dense.ts. */
export function transpose(rows: i32, cols: i32, S: usize, lds: i32, T: usize, ldt: i32): void {
  for (let i0 = 0; i0 < rows; i0 += 8) {
    const i1 = min(rows, i0 + 8);
    for (let j0 = 0; j0 < cols; j0 += 8) {
      const j1 = min(cols, j0 + 8);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) store<f64>(at(T, j, ldt, i), load<f64>(at(S, i, lds, j)));
      }
    }
  }
}

/** The indices k < K of the row's nonzero values, into idx (without branches: random bits mispredict); their count. */
// @ts-ignore: decorator
@inline
function nonzeros(xr: usize, K: i32, idx: usize): i32 {
  let na = 0;
  for (let k = 0; k < K; k++) {
    store<i32>(idx + ((<usize>na) << 2), k);
    na += i32(load<f64>(xr + ((<usize>k) << 3)) != 0);
  }
  return na;
}

/** Z = c + b and H = relu(Z) (act 1) or H = Z (copy) for 8 outputs, as bias_act. */
// @ts-ignore: decorator
@inline
function epilogue8(zr: usize, hr: usize, b: usize, c0: v128, c1: v128, c2: v128, c3: v128, act: i32, copy: bool): void {
  const zero = f64x2.splat(0.0);
  c0 = f64x2.add(c0, v128.load(b));
  c1 = f64x2.add(c1, v128.load(b, 16));
  c2 = f64x2.add(c2, v128.load(b, 32));
  c3 = f64x2.add(c3, v128.load(b, 48));
  v128.store(zr, c0); v128.store(zr, c1, 16); v128.store(zr, c2, 32); v128.store(zr, c3, 48);
  if (act == 1) {
    v128.store(hr, v128.and(c0, f64x2.gt(c0, zero)));
    v128.store(hr, v128.and(c1, f64x2.gt(c1, zero)), 16);
    v128.store(hr, v128.and(c2, f64x2.gt(c2, zero)), 32);
    v128.store(hr, v128.and(c3, f64x2.gt(c3, zero)), 48);
  } else if (copy) {
    v128.store(hr, c0); v128.store(hr, c1, 16); v128.store(hr, c2, 32); v128.store(hr, c3, 48);
  }
}

/**
 * The first layer on 0/1 inputs (sparse parity), forward, with the bias and activation fused:
 *   Z[i][j] = (sum over k < K with X[i][k] != 0, in order, of Wt[k][j]) + b[j],  H = act(Z)
 * This is gemm_nn + bias_act bit for bit when every X[i][k] is 0 or 1 and W is finite: x * 1
 * is x, and a term 0 * w = +-0 leaves the sum unchanged (a sum that starts at +0 is never -0
 * in round-to-nearest, and s + +-0 = s for every other s). Half the adds on average, no
 * multiplications. idx: K i32 of scratch (the row's nonzero columns).
 */
export function sel_forward(M: i32, N: i32, K: i32, X: usize, ldx: i32, Wt: usize, ldw: i32, b: usize, Z: usize, H: usize, ld: i32, act: i32, idx: usize): void {
  const zero = f64x2.splat(0.0);
  const rowW = (<usize>ldw) << 3;
  const N16 = N & ~15, N8 = N & ~7, N2 = N & ~1;
  for (let i = 0; i < M; i++) {
    const xr = at(X, i, ldx, 0);
    const na = nonzeros(xr, K, idx);
    const zr = at(Z, i, ld, 0), hr = at(H, i, ld, 0);
    let j = 0;
    for (; j < N16; j += 16) {
      const o = (<usize>j) << 3;
      let c0 = zero, c1 = zero, c2 = zero, c3 = zero, c4 = zero, c5 = zero, c6 = zero, c7 = zero;
      for (let a = 0; a < na; a++) {
        const w = Wt + <usize>load<i32>(idx + ((<usize>a) << 2)) * rowW + o;
        c0 = f64x2.add(c0, v128.load(w));
        c1 = f64x2.add(c1, v128.load(w, 16));
        c2 = f64x2.add(c2, v128.load(w, 32));
        c3 = f64x2.add(c3, v128.load(w, 48));
        c4 = f64x2.add(c4, v128.load(w, 64));
        c5 = f64x2.add(c5, v128.load(w, 80));
        c6 = f64x2.add(c6, v128.load(w, 96));
        c7 = f64x2.add(c7, v128.load(w, 112));
      }
      epilogue8(zr + o, hr + o, b + o, c0, c1, c2, c3, act, H != Z);
      epilogue8(zr + o + 64, hr + o + 64, b + o + 64, c4, c5, c6, c7, act, H != Z);
    }
    for (; j < N8; j += 8) {
      const o = (<usize>j) << 3;
      let c0 = zero, c1 = zero, c2 = zero, c3 = zero;
      for (let a = 0; a < na; a++) {
        const w = Wt + <usize>load<i32>(idx + ((<usize>a) << 2)) * rowW + o;
        c0 = f64x2.add(c0, v128.load(w));
        c1 = f64x2.add(c1, v128.load(w, 16));
        c2 = f64x2.add(c2, v128.load(w, 32));
        c3 = f64x2.add(c3, v128.load(w, 48));
      }
      epilogue8(zr + o, hr + o, b + o, c0, c1, c2, c3, act, H != Z);
    }
    for (; j < N2; j += 2) {
      const o = (<usize>j) << 3;
      let c = zero;
      for (let a = 0; a < na; a++) c = f64x2.add(c, v128.load(Wt + <usize>load<i32>(idx + ((<usize>a) << 2)) * rowW + o));
      c = f64x2.add(c, v128.load(b + o));
      v128.store(zr + o, c);
      if (act == 1) v128.store(hr + o, v128.and(c, f64x2.gt(c, zero)));
      else if (H != Z) v128.store(hr + o, c);
    }
    for (; j < N; j++) {
      const o = (<usize>j) << 3;
      let s = 0.0;
      for (let a = 0; a < na; a++) s += load<f64>(Wt + <usize>load<i32>(idx + ((<usize>a) << 2)) * rowW + o);
      const z = s + load<f64>(b + o);
      store<f64>(zr + o, z);
      if (act == 1) store<f64>(hr + o, z > 0 ? z : 0.0);
      else if (H != Z) store<f64>(hr + o, z);
    }
  }
}

/**
 * The first layer's weight and bias gradients on 0/1 inputs:
 *   dWt[k][j] = sum over i < M with X[i][k] != 0, in order, of dZ[i][j]   (K x N, ld N)
 *   db[j]     = sum over i < M, in order, of dZ[i][j]                    (when db != 0)
 * gemm_nn(dZ^T, X) and the bias gradient bit for bit under the same conditions as
 * sel_forward (a term dZ * 0 = +-0 leaves a sum from +0 unchanged); dZ is read once, row by
 * row, and the K x N sums stay in the cache. idx: K i32 of scratch.
 */
export function sel_dw(M: i32, N: i32, K: i32, X: usize, ldx: i32, dZ: usize, ldz: i32, dWt: usize, db: usize, idx: usize): void {
  const rowW = (<usize>N) << 3;
  memory.fill(dWt, 0, <usize>K * rowW);
  if (db != 0) memory.fill(db, 0, rowW);
  const N8 = N & ~7, N2 = N & ~1;
  for (let i = 0; i < M; i++) {
    const xr = at(X, i, ldx, 0), zr = at(dZ, i, ldz, 0);
    if (db != 0) {
      let j = 0;
      for (; j < N2; j += 2) {
        const o = (<usize>j) << 3;
        v128.store(db + o, f64x2.add(v128.load(db + o), v128.load(zr + o)));
      }
      for (; j < N; j++) {
        const o = (<usize>j) << 3;
        store<f64>(db + o, load<f64>(db + o) + load<f64>(zr + o));
      }
    }
    const na = nonzeros(xr, K, idx);
    for (let a = 0; a < na; a++) {
      const w = dWt + <usize>load<i32>(idx + ((<usize>a) << 2)) * rowW;
      let j = 0;
      for (; j < N8; j += 8) {
        const o = (<usize>j) << 3;
        v128.store(w + o, f64x2.add(v128.load(w + o), v128.load(zr + o)));
        v128.store(w + o, f64x2.add(v128.load(w + o, 16), v128.load(zr + o, 16)), 16);
        v128.store(w + o, f64x2.add(v128.load(w + o, 32), v128.load(zr + o, 32)), 32);
        v128.store(w + o, f64x2.add(v128.load(w + o, 48), v128.load(zr + o, 48)), 48);
      }
      for (; j < N2; j += 2) {
        const o = (<usize>j) << 3;
        v128.store(w + o, f64x2.add(v128.load(w + o), v128.load(zr + o)));
      }
      for (; j < N; j++) {
        const o = (<usize>j) << 3;
        store<f64>(w + o, load<f64>(w + o) + load<f64>(zr + o));
      }
    }
  }
}

/** dst[j] = exp(src[j] - shift), j < n (the softmax's exponentials; shift 0: exp itself). */
export function exp_shift(n: i32, src: usize, shift: f64, dst: usize): void {
  const n4 = n & ~3, n2 = n & ~1;
  const sh = f64x2.splat(shift);
  let j = 0;
  // Two pairs an iteration: two independent exp chains side by side.
  for (; j < n4; j += 4) {
    const o = (<usize>j) << 3;
    const x0 = f64x2.sub(v128.load(src + o), sh), x1 = f64x2.sub(v128.load(src + o, 16), sh);
    if (exp_ok2(x0, x1)) {
      v128.store(dst + o, exp_core(x0));
      v128.store(dst + o, exp_core(x1), 16);
    } else {
      v128.store(dst + o, exp_v(x0));
      v128.store(dst + o, exp_v(x1), 16);
    }
  }
  for (; j < n2; j += 2) {
    const o = (<usize>j) << 3;
    v128.store(dst + o, exp_v(f64x2.sub(v128.load(src + o), sh)));
  }
  for (; j < n; j++) {
    const o = (<usize>j) << 3;
    store<f64>(dst + o, exp_s(load<f64>(src + o) - shift));
  }
}

/**
 * silu's fused epilogue, as biasActivation in dense.ts: z = Z[i][j] + b[j], s = 1 / (1 + exp(-z)),
 * Z = z, S = s, H = z * s.
 */
export function silu_act(M: i32, N: i32, b: usize, Z: usize, H: usize, S: usize, ld: i32): void {
  const N4 = N & ~3, N2 = N & ~1;
  const one = f64x2.splat(1.0);
  for (let i = 0; i < M; i++) {
    const zr = at(Z, i, ld, 0), hr = at(H, i, ld, 0), sr = at(S, i, ld, 0);
    let j = 0;
    // Two pairs an iteration: two independent exp chains side by side.
    for (; j < N4; j += 4) {
      const o = (<usize>j) << 3;
      const z0 = f64x2.add(v128.load(zr + o), v128.load(b + o)), z1 = f64x2.add(v128.load(zr + o, 16), v128.load(b + o, 16));
      const m0 = f64x2.neg(z0), m1 = f64x2.neg(z1);
      let e0: v128, e1: v128;
      if (exp_ok2(m0, m1)) {
        e0 = exp_core(m0);
        e1 = exp_core(m1);
      } else {
        e0 = exp_v(m0);
        e1 = exp_v(m1);
      }
      const s0 = f64x2.div(one, f64x2.add(one, e0)), s1 = f64x2.div(one, f64x2.add(one, e1));
      v128.store(zr + o, z0); v128.store(zr + o, z1, 16);
      v128.store(sr + o, s0); v128.store(sr + o, s1, 16);
      v128.store(hr + o, f64x2.mul(z0, s0)); v128.store(hr + o, f64x2.mul(z1, s1), 16);
    }
    for (; j < N2; j += 2) {
      const o = (<usize>j) << 3;
      const z = f64x2.add(v128.load(zr + o), v128.load(b + o));
      const s = f64x2.div(one, f64x2.add(one, exp_v(f64x2.neg(z))));
      v128.store(zr + o, z);
      v128.store(sr + o, s);
      v128.store(hr + o, f64x2.mul(z, s));
    }
    for (; j < N; j++) {
      const o = (<usize>j) << 3;
      const z = load<f64>(zr + o) + load<f64>(b + o);
      const s = 1.0 / (1.0 + exp_s(-z));
      store<f64>(zr + o, z);
      store<f64>(sr + o, s);
      store<f64>(hr + o, z * s);
    }
  }
}

/** silu's backward, as actBackward: dZ[i][j] = dH[i][j] * (s (1 + z (1 - s))), s = S[i][j]. */
export function silu_back(M: i32, N: i32, Z: usize, S: usize, dH: usize, dZ: usize, ld: i32): void {
  const N2 = N & ~1;
  const one = f64x2.splat(1.0);
  for (let i = 0; i < M; i++) {
    const zr = at(Z, i, ld, 0), sr = at(S, i, ld, 0), hr = at(dH, i, ld, 0), dr = at(dZ, i, ld, 0);
    let j = 0;
    for (; j < N2; j += 2) {
      const o = (<usize>j) << 3;
      const z = v128.load(zr + o), s = v128.load(sr + o);
      v128.store(dr + o, f64x2.mul(v128.load(hr + o), f64x2.mul(s, f64x2.add(one, f64x2.mul(z, f64x2.sub(one, s))))));
    }
    for (; j < N; j++) {
      const o = (<usize>j) << 3;
      const z = load<f64>(zr + o), s = load<f64>(sr + o);
      store<f64>(dr + o, load<f64>(hr + o) * (s * (1.0 + z * (1.0 - s))));
    }
  }
}

// ---------------------------------------------------------------------------------------
// The whole full-batch pass of the paper's Fig 2 network, fused: one hidden relu layer on 0/1
// inputs, a linear output layer, sparse parity's masked mse (src/models/network/mlp.ts parityPass).

/** Rows per chunk of parity_step (its scratch: 2 C Hn + 2 C N doubles and the table, 2^TB Hn). */
const CHUNK: i32 = 32;

/**
 * Over rows i < M, in chunks of CHUNK rows (no M x Hn array is written):
 *   H[i] = relu(sum over k with X[i][k] != 0, in order, of Wt1[k] + b1)        (as sel_forward)
 *   O[i][j] = (sum_{k<Hn} H[i][k] W2[j][k], k in order, from 0) + b2[j]       (gemm_nn, bias_act)
 *   stat[j] += [(O[i][j] > 1/2 ? 1 : 0) == Y[i][j]],  L += p_j e e, e = O[i][j] - Y[i][j]
 *                                                      (Objective.evaluate, mse)
 * and with grad != 0 the gradient (Objective.lossGrad and Mlp.backward's kernels, in their
 * orders: every sum over rows is one running sum from 0 in row order):
 *   dO[i][j] = u[i][j] < p_j ? 2 e scale : 0,  scale = 1 / (M N)   (the mask drawn from the
 *   uniforms u, M x N, as runNetwork's drawMask does; every entry counts when u = 0)
 *   db2[j] += dO[i][j],  dW2[j][k] += dO[i][j] H[i][k]
 *   dZ[i][k] = H[i][k] > 0 ? (sum_j dO[i][j] W2[j][k], j in order, from 0) : 0   (H > 0 iff Z > 0)
 *   db1[k] += dZ[i][k],  dWt1[k'][k] += dZ[i][k] for each k' with X[i][k'] != 0   (as sel_dw)
 * dWt1 is summed column by column over a chunk's rows (its sums in registers, the chunk's dZ
 * in the cache), which keeps each sum's row order. The hidden layer starts each row's sums
 * from a table of the sums over the first TB columns (the same partial sums: each is the
 * running sum over the set bits in order), so only the columns k >= TB are added per row.
 * X itself is not read: its nonzeros come as lists (engine/dense.ts parityIndex), per row
 * (rowPtr, rowEnt: the row's table entry v rowH, then k rowH for its nonzero k >= TB, byte
 * offsets) and per chunk and column (colPtr, colEnt: r rowH for the chunk's rows r with
 * X[r][k] != 0). The gradient buffers are zeroed here first. Layouts: Y (M x N),
 * Wt1 = W1^T (K x Hn), W2 (N x Hn, as stored), W2t = W2^T (Hn x N).
 * sc: scratch of 2 CHUNK (Hn + N) + 2^TB Hn doubles. Returns L, the sum over rows then
 * outputs of p_j e^2.
 */
export function parity_step(
  M: i32, K: i32, Hn: i32, N: i32,
  Wt1: usize, b1: usize, W2: usize, W2t: usize, b2: usize,
  Y: usize, p: usize, u: usize, grad: i32,
  dWt1: usize, db1: usize, dW2: usize, db2: usize, stat: usize, sc: usize,
  TB: i32, rowPtr: usize, rowEnt: usize, colPtr: usize, colEnt: usize,
): f64 {
  const rowH = (<usize>Hn) << 3, rowN = (<usize>N) << 3;
  const C = <usize>CHUNK;
  const Hc = sc, dZc = Hc + C * rowH, O = dZc + C * rowH, dO = O + C * rowN, T = dO + C * rowN;
  const zero = f64x2.splat(0.0);
  const N2 = N & ~1, H2 = Hn & ~1, H16 = Hn & ~15;
  const scale = 1.0 / (<f64>M * <f64>N);
  memory.fill(stat, 0, rowN);
  if (grad != 0) {
    memory.fill(dWt1, 0, <usize>K * rowH);
    memory.fill(db1, 0, rowH);
    memory.fill(dW2, 0, <usize>N * rowH);
    memory.fill(db2, 0, rowN);
  }
  // The table of the first TB columns' sums: T[v] = sum over the set bits k of v, in order, of
  // Wt1[k] (T[v] = T[v without its highest bit] + Wt1[highest bit]; T[0] = +0).
  const nT = 1 << TB;
  memory.fill(T, 0, rowH);
  for (let v = 1; v < nT; v++) {
    const top = 31 - clz(v);
    const dst = T + <usize>v * rowH, src = T + <usize>(v ^ (1 << top)) * rowH, w = Wt1 + <usize>top * rowH;
    let j = 0;
    for (; j < H2; j += 2) {
      const o = (<usize>j) << 3;
      v128.store(dst + o, f64x2.add(v128.load(src + o), v128.load(w + o)));
    }
    for (; j < Hn; j++) {
      const o = (<usize>j) << 3;
      store<f64>(dst + o, load<f64>(src + o) + load<f64>(w + o));
    }
  }
  let L = 0.0;
  for (let c0 = 0; c0 < M; c0 += CHUNK) {
    const R = min(CHUNK, M - c0);
    // 1. The hidden layer: row i's list is the byte offset of its T entry, then the byte
    //    offsets in Wt1 of its other nonzero columns (k >= TB), in order.
    for (let r = 0; r < R; r++) {
      const rp = rowPtr + (<usize>(c0 + r) << 2);
      const e0 = rowEnt + (<usize>load<i32>(rp) << 2), e1 = rowEnt + (<usize>load<i32>(rp, 4) << 2);
      const t = T + <usize>load<i32>(e0);
      const hr = Hc + <usize>r * rowH;
      let j = 0;
      for (; j < H16; j += 16) {
        const o = (<usize>j) << 3;
        let a0 = v128.load(t + o), a1 = v128.load(t + o, 16), a2 = v128.load(t + o, 32), a3 = v128.load(t + o, 48);
        let a4 = v128.load(t + o, 64), a5 = v128.load(t + o, 80), a6 = v128.load(t + o, 96), a7 = v128.load(t + o, 112);
        for (let e = e0 + 4; e < e1; e += 4) {
          const w = Wt1 + <usize>load<i32>(e) + o;
          a0 = f64x2.add(a0, v128.load(w)); a1 = f64x2.add(a1, v128.load(w, 16));
          a2 = f64x2.add(a2, v128.load(w, 32)); a3 = f64x2.add(a3, v128.load(w, 48));
          a4 = f64x2.add(a4, v128.load(w, 64)); a5 = f64x2.add(a5, v128.load(w, 80));
          a6 = f64x2.add(a6, v128.load(w, 96)); a7 = f64x2.add(a7, v128.load(w, 112));
        }
        const bb = b1 + o, h = hr + o;
        a0 = f64x2.add(a0, v128.load(bb)); a1 = f64x2.add(a1, v128.load(bb, 16));
        a2 = f64x2.add(a2, v128.load(bb, 32)); a3 = f64x2.add(a3, v128.load(bb, 48));
        a4 = f64x2.add(a4, v128.load(bb, 64)); a5 = f64x2.add(a5, v128.load(bb, 80));
        a6 = f64x2.add(a6, v128.load(bb, 96)); a7 = f64x2.add(a7, v128.load(bb, 112));
        v128.store(h, v128.and(a0, f64x2.gt(a0, zero))); v128.store(h, v128.and(a1, f64x2.gt(a1, zero)), 16);
        v128.store(h, v128.and(a2, f64x2.gt(a2, zero)), 32); v128.store(h, v128.and(a3, f64x2.gt(a3, zero)), 48);
        v128.store(h, v128.and(a4, f64x2.gt(a4, zero)), 64); v128.store(h, v128.and(a5, f64x2.gt(a5, zero)), 80);
        v128.store(h, v128.and(a6, f64x2.gt(a6, zero)), 96); v128.store(h, v128.and(a7, f64x2.gt(a7, zero)), 112);
      }
      for (; j < H2; j += 2) {
        const o = (<usize>j) << 3;
        let a0 = v128.load(t + o);
        for (let e = e0 + 4; e < e1; e += 4) a0 = f64x2.add(a0, v128.load(Wt1 + <usize>load<i32>(e) + o));
        a0 = f64x2.add(a0, v128.load(b1 + o));
        v128.store(hr + o, v128.and(a0, f64x2.gt(a0, zero)));
      }
      for (; j < Hn; j++) {
        const o = (<usize>j) << 3;
        let z = load<f64>(t + o);
        for (let e = e0 + 4; e < e1; e += 4) z += load<f64>(Wt1 + <usize>load<i32>(e) + o);
        z += load<f64>(b1 + o);
        store<f64>(hr + o, z > 0 ? z : 0.0);
      }
    }
    // 2. The output layer: f64x2 over output pairs, four rows' chains side by side.
    let r = 0;
    for (; r + 4 <= R; r += 4) {
      const h0 = Hc + <usize>r * rowH, h1 = h0 + rowH, h2 = h1 + rowH, h3 = h2 + rowH;
      const o0 = O + <usize>r * rowN, o1 = o0 + rowN, o2 = o1 + rowN, o3 = o2 + rowN;
      let j = 0;
      for (; j < N2; j += 2) {
        let a0 = zero, a1 = zero, a2 = zero, a3 = zero;
        let w = W2t + ((<usize>j) << 3);
        for (let k = 0; k < Hn; k++) {
          const ko = (<usize>k) << 3;
          const b = v128.load(w);
          a0 = f64x2.add(a0, f64x2.mul(f64x2.splat(load<f64>(h0 + ko)), b));
          a1 = f64x2.add(a1, f64x2.mul(f64x2.splat(load<f64>(h1 + ko)), b));
          a2 = f64x2.add(a2, f64x2.mul(f64x2.splat(load<f64>(h2 + ko)), b));
          a3 = f64x2.add(a3, f64x2.mul(f64x2.splat(load<f64>(h3 + ko)), b));
          w += rowN;
        }
        const jo = (<usize>j) << 3, bj = v128.load(b2 + jo);
        v128.store(o0 + jo, f64x2.add(a0, bj));
        v128.store(o1 + jo, f64x2.add(a1, bj));
        v128.store(o2 + jo, f64x2.add(a2, bj));
        v128.store(o3 + jo, f64x2.add(a3, bj));
      }
      for (; j < N; j++) {
        let s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
        let w = W2t + ((<usize>j) << 3);
        for (let k = 0; k < Hn; k++) {
          const ko = (<usize>k) << 3;
          const b = load<f64>(w);
          s0 += load<f64>(h0 + ko) * b;
          s1 += load<f64>(h1 + ko) * b;
          s2 += load<f64>(h2 + ko) * b;
          s3 += load<f64>(h3 + ko) * b;
          w += rowN;
        }
        const jo = (<usize>j) << 3, bj = load<f64>(b2 + jo);
        store<f64>(o0 + jo, s0 + bj);
        store<f64>(o1 + jo, s1 + bj);
        store<f64>(o2 + jo, s2 + bj);
        store<f64>(o3 + jo, s3 + bj);
      }
    }
    for (; r < R; r++) {
      const h = Hc + <usize>r * rowH;
      for (let j = 0; j < N; j++) {
        let s = 0.0;
        let w = W2t + ((<usize>j) << 3);
        for (let k = 0; k < Hn; k++) {
          s += load<f64>(h + ((<usize>k) << 3)) * load<f64>(w);
          w += rowN;
        }
        store<f64>(O + <usize>r * rowN + ((<usize>j) << 3), s + load<f64>(b2 + ((<usize>j) << 3)));
      }
    }
    // 3. Accuracy, loss and its gradient, row by row, output by output.
    for (r = 0; r < R; r++) {
      const i = c0 + r;
      const orow = O + <usize>r * rowN, yrow = Y + <usize>i * rowN, drow = dO + <usize>r * rowN;
      for (let j = 0; j < N; j++) {
        const jo = (<usize>j) << 3;
        const o = load<f64>(orow + jo), y = load<f64>(yrow + jo);
        if ((o > 0.5 ? 1.0 : 0.0) == y) store<f64>(stat + jo, load<f64>(stat + jo) + 1.0);
        L += load<f64>(p + jo) * (o - y) * (o - y);
        if (grad != 0) {
          const e = o - y;
          const keep = u == 0 || load<f64>(u + ((<usize>i * <usize>N + <usize>j) << 3)) < load<f64>(p + jo);
          const d = keep ? 2.0 * e * scale : 0.0;
          store<f64>(drow + jo, d);
          store<f64>(db2 + jo, load<f64>(db2 + jo) + d);
        }
      }
    }
    if (grad == 0) continue;
    // 4. The output layer's weight gradient, output j by output, 16 of its inputs in
    //    registers at a time over the chunk's rows in order; then dZ row by row.
    for (let j = 0; j < N; j++) {
      const wr = dW2 + <usize>j * rowH, dj = dO + ((<usize>j) << 3);
      let k = 0;
      for (; k < H16; k += 16) {
        const w = wr + ((<usize>k) << 3), hk = Hc + ((<usize>k) << 3);
        let a0 = v128.load(w), a1 = v128.load(w, 16), a2 = v128.load(w, 32), a3 = v128.load(w, 48);
        let a4 = v128.load(w, 64), a5 = v128.load(w, 80), a6 = v128.load(w, 96), a7 = v128.load(w, 112);
        for (r = 0; r < R; r++) {
          const d = f64x2.splat(load<f64>(dj + <usize>r * rowN)), h = hk + <usize>r * rowH;
          a0 = f64x2.add(a0, f64x2.mul(d, v128.load(h))); a1 = f64x2.add(a1, f64x2.mul(d, v128.load(h, 16)));
          a2 = f64x2.add(a2, f64x2.mul(d, v128.load(h, 32))); a3 = f64x2.add(a3, f64x2.mul(d, v128.load(h, 48)));
          a4 = f64x2.add(a4, f64x2.mul(d, v128.load(h, 64))); a5 = f64x2.add(a5, f64x2.mul(d, v128.load(h, 80)));
          a6 = f64x2.add(a6, f64x2.mul(d, v128.load(h, 96))); a7 = f64x2.add(a7, f64x2.mul(d, v128.load(h, 112)));
        }
        v128.store(w, a0); v128.store(w, a1, 16); v128.store(w, a2, 32); v128.store(w, a3, 48);
        v128.store(w, a4, 64); v128.store(w, a5, 80); v128.store(w, a6, 96); v128.store(w, a7, 112);
      }
      for (; k < H2; k += 2) {
        const w = wr + ((<usize>k) << 3), hk = Hc + ((<usize>k) << 3);
        let a0 = v128.load(w);
        for (r = 0; r < R; r++) a0 = f64x2.add(a0, f64x2.mul(f64x2.splat(load<f64>(dj + <usize>r * rowN)), v128.load(hk + <usize>r * rowH)));
        v128.store(w, a0);
      }
      for (; k < Hn; k++) {
        const w = wr + ((<usize>k) << 3), hk = Hc + ((<usize>k) << 3);
        let x = load<f64>(w);
        for (r = 0; r < R; r++) x += load<f64>(dj + <usize>r * rowN) * load<f64>(hk + <usize>r * rowH);
        store<f64>(w, x);
      }
    }
    for (r = 0; r < R; r++) {
      const h = Hc + <usize>r * rowH, drow = dO + <usize>r * rowN, zrow = dZc + <usize>r * rowH;
      if (N == 2) {
        const d0 = f64x2.splat(load<f64>(drow)), d1 = f64x2.splat(load<f64>(drow, 8));
        const w1 = W2 + rowH;
        for (let k = 0; k < H2; k += 2) {
          const ko = (<usize>k) << 3;
          const s = f64x2.add(f64x2.add(zero, f64x2.mul(d0, v128.load(W2 + ko))), f64x2.mul(d1, v128.load(w1 + ko)));
          v128.store(zrow + ko, v128.and(s, f64x2.gt(v128.load(h + ko), zero)));
        }
      } else {
        for (let k = 0; k < H2; k += 2) {
          const ko = (<usize>k) << 3;
          let s = zero;
          for (let j = 0; j < N; j++) s = f64x2.add(s, f64x2.mul(f64x2.splat(load<f64>(drow + ((<usize>j) << 3))), v128.load(W2 + <usize>j * rowH + ko)));
          v128.store(zrow + ko, v128.and(s, f64x2.gt(v128.load(h + ko), zero)));
        }
      }
      for (let k = H2; k < Hn; k++) {
        const ko = (<usize>k) << 3;
        let s = 0.0;
        for (let j = 0; j < N; j++) s += load<f64>(drow + ((<usize>j) << 3)) * load<f64>(W2 + <usize>j * rowH + ko);
        store<f64>(zrow + ko, load<f64>(h + ko) > 0 ? s : 0.0);
      }
    }
    // db1: the chunk's dZ rows in order, 16 outputs in registers at a time.
    {
      let k = 0;
      for (; k < H16; k += 16) {
        const w = db1 + ((<usize>k) << 3), zk = dZc + ((<usize>k) << 3);
        let a0 = v128.load(w), a1 = v128.load(w, 16), a2 = v128.load(w, 32), a3 = v128.load(w, 48);
        let a4 = v128.load(w, 64), a5 = v128.load(w, 80), a6 = v128.load(w, 96), a7 = v128.load(w, 112);
        for (r = 0; r < R; r++) {
          const z = zk + <usize>r * rowH;
          a0 = f64x2.add(a0, v128.load(z)); a1 = f64x2.add(a1, v128.load(z, 16));
          a2 = f64x2.add(a2, v128.load(z, 32)); a3 = f64x2.add(a3, v128.load(z, 48));
          a4 = f64x2.add(a4, v128.load(z, 64)); a5 = f64x2.add(a5, v128.load(z, 80));
          a6 = f64x2.add(a6, v128.load(z, 96)); a7 = f64x2.add(a7, v128.load(z, 112));
        }
        v128.store(w, a0); v128.store(w, a1, 16); v128.store(w, a2, 32); v128.store(w, a3, 48);
        v128.store(w, a4, 64); v128.store(w, a5, 80); v128.store(w, a6, 96); v128.store(w, a7, 112);
      }
      for (; k < H2; k += 2) {
        const w = db1 + ((<usize>k) << 3), zk = dZc + ((<usize>k) << 3);
        let a0 = v128.load(w);
        for (r = 0; r < R; r++) a0 = f64x2.add(a0, v128.load(zk + <usize>r * rowH));
        v128.store(w, a0);
      }
      for (; k < Hn; k++) {
        const w = db1 + ((<usize>k) << 3), zk = dZc + ((<usize>k) << 3);
        let x = load<f64>(w);
        for (r = 0; r < R; r++) x += load<f64>(zk + <usize>r * rowH);
        store<f64>(w, x);
      }
    }
    // 5. The first layer's weight gradient, column k by column: the chunk's rows with
    //    X[i][k] != 0, in order (their byte offsets r rowH in the column list), summed into
    //    dWt1[k] (16 outputs in registers at a time).
    const cp = colPtr + (<usize>(c0 / CHUNK) * <usize>K << 2);
    for (let kk = 0; kk < K; kk++) {
      const l0 = colEnt + (<usize>load<i32>(cp + (<usize>kk << 2)) << 2), l1 = colEnt + (<usize>load<i32>(cp + (<usize>kk << 2), 4) << 2);
      const wrow = dWt1 + <usize>kk * rowH;
      let j = 0;
      for (; j < H16; j += 16) {
        const w = wrow + ((<usize>j) << 3);
        let a0 = v128.load(w), a1 = v128.load(w, 16), a2 = v128.load(w, 32), a3 = v128.load(w, 48);
        let a4 = v128.load(w, 64), a5 = v128.load(w, 80), a6 = v128.load(w, 96), a7 = v128.load(w, 112);
        const zj = dZc + ((<usize>j) << 3);
        for (let l = l0; l < l1; l += 4) {
          const z = zj + <usize>load<i32>(l);
          a0 = f64x2.add(a0, v128.load(z)); a1 = f64x2.add(a1, v128.load(z, 16));
          a2 = f64x2.add(a2, v128.load(z, 32)); a3 = f64x2.add(a3, v128.load(z, 48));
          a4 = f64x2.add(a4, v128.load(z, 64)); a5 = f64x2.add(a5, v128.load(z, 80));
          a6 = f64x2.add(a6, v128.load(z, 96)); a7 = f64x2.add(a7, v128.load(z, 112));
        }
        v128.store(w, a0); v128.store(w, a1, 16); v128.store(w, a2, 32); v128.store(w, a3, 48);
        v128.store(w, a4, 64); v128.store(w, a5, 80); v128.store(w, a6, 96); v128.store(w, a7, 112);
      }
      for (; j < H2; j += 2) {
        const w = wrow + ((<usize>j) << 3);
        let a0 = v128.load(w);
        const zj = dZc + ((<usize>j) << 3);
        for (let l = l0; l < l1; l += 4) a0 = f64x2.add(a0, v128.load(zj + <usize>load<i32>(l)));
        v128.store(w, a0);
      }
      for (; j < Hn; j++) {
        const w = wrow + ((<usize>j) << 3);
        let x = load<f64>(w);
        const zj = dZc + ((<usize>j) << 3);
        for (let l = l0; l < l1; l += 4) x += load<f64>(zj + <usize>load<i32>(l));
        store<f64>(w, x);
      }
    }
  }
  return L;
}

// ---------------------------------------------------------------------------------------
// The embedding layer's row gathers and scatters (src/models/network/mlp.ts forwardTokens,
// backwardTokens), over consecutive rows: tok holds the rows' token pairs (a, b) as i32.

/** Z[r][j] = Qa[a_r][j] + Qb[b_r][j] for r < M, j < h (rows of Qa, Qb and Z h wide). */
export function gather_pairs(M: i32, h: i32, tok: usize, Qa: usize, Qb: usize, Z: usize): void {
  const row = (<usize>h) << 3, h2 = h & ~1;
  for (let r = 0; r < M; r++) {
    const qa = Qa + <usize>load<i32>(tok + (<usize>r << 3)) * row, qb = Qb + <usize>load<i32>(tok + (<usize>r << 3), 4) * row, z = Z + <usize>r * row;
    let j = 0;
    for (; j < h2; j += 2) {
      const o = (<usize>j) << 3;
      v128.store(z + o, f64x2.add(v128.load(qa + o), v128.load(qb + o)));
    }
    for (; j < h; j++) {
      const o = (<usize>j) << 3;
      store<f64>(z + o, load<f64>(qa + o) + load<f64>(qb + o));
    }
  }
}

/**
 * Sa[a_r] += dZ[r], then Sb[b_r] += dZ[r], for rows r < M in order (Sa and Sb, V x h, zeroed
 * first): each S row a running sum from 0 of its rows' dZ, in row order.
 */
export function scatter_pairs(M: i32, h: i32, V: i32, tok: usize, dZ: usize, Sa: usize, Sb: usize): void {
  const row = (<usize>h) << 3, h2 = h & ~1;
  memory.fill(Sa, 0, <usize>V * row);
  memory.fill(Sb, 0, <usize>V * row);
  for (let r = 0; r < M; r++) {
    const sa = Sa + <usize>load<i32>(tok + (<usize>r << 3)) * row, sb = Sb + <usize>load<i32>(tok + (<usize>r << 3), 4) * row, z = dZ + <usize>r * row;
    let j = 0;
    for (; j < h2; j += 2) {
      const o = (<usize>j) << 3;
      const d = v128.load(z + o);
      v128.store(sa + o, f64x2.add(v128.load(sa + o), d));
      v128.store(sb + o, f64x2.add(v128.load(sb + o), d));
    }
    for (; j < h; j++) {
      const o = (<usize>j) << 3;
      const d = load<f64>(z + o);
      store<f64>(sa + o, load<f64>(sa + o) + d);
      store<f64>(sb + o, load<f64>(sb + o) + d);
    }
  }
}
