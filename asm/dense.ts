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
 * accumulators). All pointers are byte offsets into the imported memory; lda, ldb, ldc are
 * leading dimensions in elements (row-major).
 */

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
  const N4 = N & ~3;
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
        const x0 = f64x2.splat(load<f64>(a0 + ko));
        const x1 = f64x2.splat(load<f64>(a1 + ko));
        const x2 = f64x2.splat(load<f64>(a2 + ko));
        const x3 = f64x2.splat(load<f64>(a3 + ko));
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
        const x = f64x2.splat(load<f64>(a0 + ((<usize>k) << 3)));
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
