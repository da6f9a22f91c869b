/**
 * WebAssembly SIMD kernels for the Geometry model (src/models/geometry.ts), compiled with
 * AssemblyScript:
 *
 *   npx asc asm/geometry.ts -O3 --runtime stub --noAssert --enable simd --importMemory \
 *     --use abort= -o dist/asm/geometry.wasm
 *
 * Both kernels do exactly the floating-point operations of the JavaScript fallback
 * (`dotRow` / `axpyRow` in geometry.ts), in the same order, so the two back-ends give
 * bit-identical results:
 *   dot:  four partial sums a0..a3 over j = 0, 1, 2, 3 (mod 4) (two f64x2 accumulators),
 *         the tail (N mod 4) added to a0, result (a0 + a1) + (a2 + a3);
 *   axpy: g_j = g_j + w_k t_kj for k = 0, 1, ... in order (mul then add, never fused).
 * For speed, rows are taken four at a time: four dot products share each load of theta
 * (eight independent add chains), and g_j = (((g_j + w0 t0j) + w1 t1j) + w2 t2j) + w3 t3j
 * is kept in a register, which rounds exactly like four separate passes.
 * All pointers are byte offsets into the imported memory; rows are N f64, row-major.
 */

import { batch_weight, batch_weight4 } from "./geometry-step";

// @ts-ignore: decorator
@inline
function rowPtr(T: usize, idx: usize, k: i32, rowBytes: usize): usize {
  return T + <usize>load<i32>(idx + ((<usize>k) << 2)) * rowBytes;
}

// @ts-ignore: decorator
@inline
function finishDot(a01: v128, a23: v128, r: usize, theta: usize, N4: i32, N: i32): f64 {
  let a0 = f64x2.extract_lane(a01, 0);
  for (let j = N4; j < N; j++) {
    const o = (<usize>j) << 3;
    a0 += load<f64>(r + o) * load<f64>(theta + o);
  }
  const a1 = f64x2.extract_lane(a01, 1);
  const a2 = f64x2.extract_lane(a23, 0);
  const a3 = f64x2.extract_lane(a23, 1);
  return (a0 + a1) + (a2 + a3);
}

/** z[k] = t_{idx[k]} . theta for k < m. */
export function dots(T: usize, theta: usize, idx: usize, m: i32, N: i32, z: usize): void {
  let k = 0;
  for (; k + 4 <= m; k += 4) dot4(T, theta, idx, k, N, z);
  for (; k < m; k++) dot1(T, theta, idx, k, N, z);
}

/** z[k..k+4) for the rows idx[k..k+4), sharing each load of theta. */
// @ts-ignore: decorator
@inline
function dot4(T: usize, theta: usize, idx: usize, k: i32, N: i32, z: usize): void {
  const N4 = N & ~3;
  const rowBytes = (<usize>N) << 3;
  const r0 = rowPtr(T, idx, k, rowBytes);
  const r1 = rowPtr(T, idx, k + 1, rowBytes);
  const r2 = rowPtr(T, idx, k + 2, rowBytes);
  const r3 = rowPtr(T, idx, k + 3, rowBytes);
  let a01 = f64x2.splat(0.0), a23 = f64x2.splat(0.0);
  let b01 = f64x2.splat(0.0), b23 = f64x2.splat(0.0);
  let c01 = f64x2.splat(0.0), c23 = f64x2.splat(0.0);
  let d01 = f64x2.splat(0.0), d23 = f64x2.splat(0.0);
  for (let j = 0; j < N4; j += 4) {
    const o = (<usize>j) << 3;
    const x01 = v128.load(theta + o);
    const x23 = v128.load(theta + o, 16);
    a01 = f64x2.add(a01, f64x2.mul(v128.load(r0 + o), x01));
    a23 = f64x2.add(a23, f64x2.mul(v128.load(r0 + o, 16), x23));
    b01 = f64x2.add(b01, f64x2.mul(v128.load(r1 + o), x01));
    b23 = f64x2.add(b23, f64x2.mul(v128.load(r1 + o, 16), x23));
    c01 = f64x2.add(c01, f64x2.mul(v128.load(r2 + o), x01));
    c23 = f64x2.add(c23, f64x2.mul(v128.load(r2 + o, 16), x23));
    d01 = f64x2.add(d01, f64x2.mul(v128.load(r3 + o), x01));
    d23 = f64x2.add(d23, f64x2.mul(v128.load(r3 + o, 16), x23));
  }
  const zk = z + ((<usize>k) << 3);
  store<f64>(zk, finishDot(a01, a23, r0, theta, N4, N));
  store<f64>(zk, finishDot(b01, b23, r1, theta, N4, N), 8);
  store<f64>(zk, finishDot(c01, c23, r2, theta, N4, N), 16);
  store<f64>(zk, finishDot(d01, d23, r3, theta, N4, N), 24);
}

/** z[k] for the row idx[k]. */
// @ts-ignore: decorator
@inline
function dot1(T: usize, theta: usize, idx: usize, k: i32, N: i32, z: usize): void {
  const N4 = N & ~3;
  const rowBytes = (<usize>N) << 3;
  const r = rowPtr(T, idx, k, rowBytes);
  let a01 = f64x2.splat(0.0), a23 = f64x2.splat(0.0);
  for (let j = 0; j < N4; j += 4) {
    const o = (<usize>j) << 3;
    a01 = f64x2.add(a01, f64x2.mul(v128.load(r + o), v128.load(theta + o)));
    a23 = f64x2.add(a23, f64x2.mul(v128.load(r + o, 16), v128.load(theta + o, 16)));
  }
  store<f64>(z + ((<usize>k) << 3), finishDot(a01, a23, r, theta, N4, N));
}

/** g = 0; then g += w[k] t_{idx[k]} for k = 0, 1, ..., m-1 in order. */
export function accumulate(T: usize, idx: usize, w: usize, m: i32, N: i32, g: usize): void {
  const rowBytes = (<usize>N) << 3;
  memory.fill(g, 0, rowBytes);
  let k = 0;
  for (; k + 4 <= m; k += 4) axpy4(T, idx, w, k, N, g);
  for (; k < m; k++) axpy1(T, idx, w, k, N, g);
}

/** g += w[k] t_{idx[k]} + ... for the four rows k..k+4, in order. */
// @ts-ignore: decorator
@inline
function axpy4(T: usize, idx: usize, w: usize, k: i32, N: i32, g: usize): void {
  const N2 = N & ~1;
  const rowBytes = (<usize>N) << 3;
  const r0 = rowPtr(T, idx, k, rowBytes);
  const r1 = rowPtr(T, idx, k + 1, rowBytes);
  const r2 = rowPtr(T, idx, k + 2, rowBytes);
  const r3 = rowPtr(T, idx, k + 3, rowBytes);
  const wp = w + ((<usize>k) << 3);
  const w0 = load<f64>(wp), w1 = load<f64>(wp, 8), w2 = load<f64>(wp, 16), w3 = load<f64>(wp, 24);
  const v0 = f64x2.splat(w0), v1 = f64x2.splat(w1), v2 = f64x2.splat(w2), v3 = f64x2.splat(w3);
  for (let j = 0; j < N2; j += 2) {
    const o = (<usize>j) << 3;
    let y = v128.load(g + o);
    y = f64x2.add(y, f64x2.mul(v0, v128.load(r0 + o)));
    y = f64x2.add(y, f64x2.mul(v1, v128.load(r1 + o)));
    y = f64x2.add(y, f64x2.mul(v2, v128.load(r2 + o)));
    y = f64x2.add(y, f64x2.mul(v3, v128.load(r3 + o)));
    v128.store(g + o, y);
  }
  if (N2 < N) {
    const o = (<usize>N2) << 3;
    let y = load<f64>(g + o);
    y += w0 * load<f64>(r0 + o);
    y += w1 * load<f64>(r1 + o);
    y += w2 * load<f64>(r2 + o);
    y += w3 * load<f64>(r3 + o);
    store<f64>(g + o, y);
  }
}

/** g += w[k] t_{idx[k]}. */
// @ts-ignore: decorator
@inline
function axpy1(T: usize, idx: usize, w: usize, k: i32, N: i32, g: usize): void {
  const N2 = N & ~1;
  const rowBytes = (<usize>N) << 3;
  const r = rowPtr(T, idx, k, rowBytes);
  const wk = load<f64>(w + ((<usize>k) << 3));
  const wv = f64x2.splat(wk);
  for (let j = 0; j < N2; j += 2) {
    const o = (<usize>j) << 3;
    v128.store(g + o, f64x2.add(v128.load(g + o), f64x2.mul(wv, v128.load(r + o))));
  }
  if (N2 < N) {
    const o = (<usize>N2) << 3;
    store<f64>(g + o, load<f64>(g + o) + wk * load<f64>(r + o));
  }
}

/**
 * One batch step's gradient estimate, fused by blocks of four rows so each row is read from
 * memory once: for k = 0, 4, 8, ...: z[k..k+4) = t . theta (when `dots`; else z holds them),
 * the batch weights w[k..k+4) (batch_weight4, asm/geometry-step.ts: the four exps two lanes at
 * a time; counts reset), then g += w t for those rows. The same operations in the same order as dots, batch_weights and
 * accumulate one after another (g is summed over k in order either way).
 */
export function batch_gradient(T: usize, theta: usize, idx: usize, m: i32, N: i32, z: usize, dots: bool, counts: usize, B: i32, ce: bool, w: usize, g: usize): void {
  memory.fill(g, 0, (<usize>N) << 3);
  let k = 0;
  for (; k + 4 <= m; k += 4) {
    if (dots) dot4(T, theta, idx, k, N, z);
    batch_weight4(z, idx, counts, k, B, ce, w);
    axpy4(T, idx, w, k, N, g);
  }
  for (; k < m; k++) {
    if (dots) dot1(T, theta, idx, k, N, z);
    batch_weight(z, idx, counts, k, B, ce, w);
    axpy1(T, idx, w, k, N, g);
  }
}

export { sample_counts, list_due, fill_normals, log_s } from "./geometry-step";
