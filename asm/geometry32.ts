/**
 * WebAssembly SIMD kernels for the Geometry model's `precision: float32` (f32x4: four lanes),
 * compiled with AssemblyScript like asm/geometry.ts:
 *
 *   npx asc asm/geometry32.ts -O3 --runtime stub --noAssert --enable simd --importMemory \
 *     --use abort= -o dist/asm/geometry32.wasm
 *
 * Every operation rounds to float32 (IEEE single, round to nearest even; no fused multiply-add,
 * no relaxed SIMD), exactly as the JavaScript fallback in src/models/geometry/float32.ts does
 * with Math.fround at every operation, in the same order, so the two give identical bits:
 *   dot:  eight partial sums a0..a7 over j = 0..7 (mod 8) (two f32x4 accumulators), the tail
 *         (N mod 8) added to a0 in order, result ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
 *         stored widened to f64 (exact);
 *   axpy: g_j = g_j + w_k t_kj for k = 0, 1, ... in order (w_k read as f64, an exact float32).
 * Rows are taken four at a time, as in asm/geometry.ts. Pointers are byte offsets into the
 * imported memory; T is n x N f32 row-major, theta and g are N f32, idx i32, z and w f64.
 */

import { batch_weight, batch_weight4 } from "./geometry-step";

// @ts-ignore: decorator
@inline
function rowPtr(T: usize, idx: usize, k: i32, rowBytes: usize): usize {
  return T + <usize>load<i32>(idx + ((<usize>k) << 2)) * rowBytes;
}

// @ts-ignore: decorator
@inline
function finishDot(a: v128, b: v128, r: usize, theta: usize, N8: i32, N: i32): f64 {
  let a0 = f32x4.extract_lane(a, 0);
  for (let j = N8; j < N; j++) {
    const o = (<usize>j) << 2;
    a0 += load<f32>(r + o) * load<f32>(theta + o);
  }
  const s03 = (a0 + f32x4.extract_lane(a, 1)) + (f32x4.extract_lane(a, 2) + f32x4.extract_lane(a, 3));
  const s47 = (f32x4.extract_lane(b, 0) + f32x4.extract_lane(b, 1)) + (f32x4.extract_lane(b, 2) + f32x4.extract_lane(b, 3));
  return <f64>(s03 + s47);
}

/** z[k] = t_{idx[k]} . theta for k < m (float32 arithmetic, z as f64). */
export function dots(T: usize, theta: usize, idx: usize, m: i32, N: i32, z: usize): void {
  let k = 0;
  for (; k + 4 <= m; k += 4) dot4(T, theta, idx, k, N, z);
  for (; k < m; k++) dot1(T, theta, idx, k, N, z);
}

/** z[k..k+4) for the rows idx[k..k+4), sharing each load of theta. */
// @ts-ignore: decorator
@inline
function dot4(T: usize, theta: usize, idx: usize, k: i32, N: i32, z: usize): void {
  const N8 = N & ~7;
  const rowBytes = (<usize>N) << 2;
  const r0 = rowPtr(T, idx, k, rowBytes);
  const r1 = rowPtr(T, idx, k + 1, rowBytes);
  const r2 = rowPtr(T, idx, k + 2, rowBytes);
  const r3 = rowPtr(T, idx, k + 3, rowBytes);
  let a0 = f32x4.splat(0), b0 = f32x4.splat(0);
  let a1 = f32x4.splat(0), b1 = f32x4.splat(0);
  let a2 = f32x4.splat(0), b2 = f32x4.splat(0);
  let a3 = f32x4.splat(0), b3 = f32x4.splat(0);
  for (let j = 0; j < N8; j += 8) {
    const o = (<usize>j) << 2;
    const x0 = v128.load(theta + o);
    const x1 = v128.load(theta + o, 16);
    a0 = f32x4.add(a0, f32x4.mul(v128.load(r0 + o), x0));
    b0 = f32x4.add(b0, f32x4.mul(v128.load(r0 + o, 16), x1));
    a1 = f32x4.add(a1, f32x4.mul(v128.load(r1 + o), x0));
    b1 = f32x4.add(b1, f32x4.mul(v128.load(r1 + o, 16), x1));
    a2 = f32x4.add(a2, f32x4.mul(v128.load(r2 + o), x0));
    b2 = f32x4.add(b2, f32x4.mul(v128.load(r2 + o, 16), x1));
    a3 = f32x4.add(a3, f32x4.mul(v128.load(r3 + o), x0));
    b3 = f32x4.add(b3, f32x4.mul(v128.load(r3 + o, 16), x1));
  }
  const zk = z + ((<usize>k) << 3);
  store<f64>(zk, finishDot(a0, b0, r0, theta, N8, N));
  store<f64>(zk, finishDot(a1, b1, r1, theta, N8, N), 8);
  store<f64>(zk, finishDot(a2, b2, r2, theta, N8, N), 16);
  store<f64>(zk, finishDot(a3, b3, r3, theta, N8, N), 24);
}

/** z[k] for the row idx[k]. */
// @ts-ignore: decorator
@inline
function dot1(T: usize, theta: usize, idx: usize, k: i32, N: i32, z: usize): void {
  const N8 = N & ~7;
  const rowBytes = (<usize>N) << 2;
  const r = rowPtr(T, idx, k, rowBytes);
  let a = f32x4.splat(0), b = f32x4.splat(0);
  for (let j = 0; j < N8; j += 8) {
    const o = (<usize>j) << 2;
    a = f32x4.add(a, f32x4.mul(v128.load(r + o), v128.load(theta + o)));
    b = f32x4.add(b, f32x4.mul(v128.load(r + o, 16), v128.load(theta + o, 16)));
  }
  store<f64>(z + ((<usize>k) << 3), finishDot(a, b, r, theta, N8, N));
}

/** g = 0; then g += w[k] t_{idx[k]} for k = 0, 1, ..., m-1 in order (float32). */
export function accumulate(T: usize, idx: usize, w: usize, m: i32, N: i32, g: usize): void {
  const rowBytes = (<usize>N) << 2;
  memory.fill(g, 0, rowBytes);
  let k = 0;
  for (; k + 4 <= m; k += 4) axpy4(T, idx, w, k, N, g);
  for (; k < m; k++) axpy1(T, idx, w, k, N, g);
}

/** g += w[k] t_{idx[k]} + ... for the four rows k..k+4, in order. */
// @ts-ignore: decorator
@inline
function axpy4(T: usize, idx: usize, w: usize, k: i32, N: i32, g: usize): void {
  const N4 = N & ~3;
  const rowBytes = (<usize>N) << 2;
  const r0 = rowPtr(T, idx, k, rowBytes);
  const r1 = rowPtr(T, idx, k + 1, rowBytes);
  const r2 = rowPtr(T, idx, k + 2, rowBytes);
  const r3 = rowPtr(T, idx, k + 3, rowBytes);
  const wp = w + ((<usize>k) << 3);
  const w0 = <f32>load<f64>(wp), w1 = <f32>load<f64>(wp, 8), w2 = <f32>load<f64>(wp, 16), w3 = <f32>load<f64>(wp, 24);
  const v0 = f32x4.splat(w0), v1 = f32x4.splat(w1), v2 = f32x4.splat(w2), v3 = f32x4.splat(w3);
  for (let j = 0; j < N4; j += 4) {
    const o = (<usize>j) << 2;
    let y = v128.load(g + o);
    y = f32x4.add(y, f32x4.mul(v0, v128.load(r0 + o)));
    y = f32x4.add(y, f32x4.mul(v1, v128.load(r1 + o)));
    y = f32x4.add(y, f32x4.mul(v2, v128.load(r2 + o)));
    y = f32x4.add(y, f32x4.mul(v3, v128.load(r3 + o)));
    v128.store(g + o, y);
  }
  for (let j = N4; j < N; j++) {
    const o = (<usize>j) << 2;
    let y = load<f32>(g + o);
    y += w0 * load<f32>(r0 + o);
    y += w1 * load<f32>(r1 + o);
    y += w2 * load<f32>(r2 + o);
    y += w3 * load<f32>(r3 + o);
    store<f32>(g + o, y);
  }
}

/** g += w[k] t_{idx[k]}. */
// @ts-ignore: decorator
@inline
function axpy1(T: usize, idx: usize, w: usize, k: i32, N: i32, g: usize): void {
  const N4 = N & ~3;
  const rowBytes = (<usize>N) << 2;
  const r = rowPtr(T, idx, k, rowBytes);
  const wk = <f32>load<f64>(w + ((<usize>k) << 3));
  const wv = f32x4.splat(wk);
  for (let j = 0; j < N4; j += 4) {
    const o = (<usize>j) << 2;
    v128.store(g + o, f32x4.add(v128.load(g + o), f32x4.mul(wv, v128.load(r + o))));
  }
  for (let j = N4; j < N; j++) {
    const o = (<usize>j) << 2;
    store<f32>(g + o, load<f32>(g + o) + wk * load<f32>(r + o));
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
  memory.fill(g, 0, (<usize>N) << 2);
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
