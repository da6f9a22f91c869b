/**
 * The Geometry model's per-skill scalars and per-step loops (see ./model.ts): residuals,
 * levels and losses of an overlap z (mse or ce), the batch and full-batch weights of the
 * gradient estimate, and the closed-form loss and full-batch gradient (tests use them).
 */
import { axpyRow, dotRow } from "./workspace.js";
import type { RunGuard } from "../guard.js";

/** 1 - s(z): 1 - z for mse, sigmoid(-z) = 1 / (1 + e^z) for ce (stable for any z). */
function residual(z: number, ce: boolean): number {
  if (!ce) return 1 - z;
  if (z >= 0) {
    const e = Math.exp(-z);
    return e / (1 + e);
  }
  return 1 / (1 + Math.exp(z));
}

/** Skill level s(z): z for mse, sigmoid(z) for ce. */
export function skillLevel(z: number, ce: boolean): number {
  if (!ce) return z;
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Skill loss l(z): (1 - z)^2 for mse, log(1 + e^-z) for ce (stable). */
export function skillLoss(z: number, ce: boolean): number {
  if (!ce) return (1 - z) * (1 - z);
  return z >= 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
}

// Small per-step loops, kept out of runGeometry so V8 inlines residual/skillLevel into them
// (a non-inlined call returning a double allocates a heap number).

/** Batch weights wb[k] = -(counts_i / B) (1 - s(zb[k])), i = touched[k]; resets those counts. */
export function batchWeights(zb: Float64Array, touched: Int32Array, counts: Int32Array, m: number, B: number, ce: boolean, wb: Float64Array): void {
  for (let k = 0; k < m; k++) {
    const i = touched[k];
    wb[k] = -(counts[i] / B) * residual(zb[k], ce);
    counts[i] = 0;
  }
}

/** The guard sees the drawn skills' levels at step t (mse: s = z; ce: only a NaN stops the run);
 * a loop of its own, so that guard.level is inlined here and its argument z stays unboxed. */
export function guardLevels(guard: RunGuard, t: number, touched: Int32Array, zb: Float64Array, m: number): void {
  for (let k = 0; k < m; k++) guard.level(t, touched[k], zb[k]);
}

/** Full-batch weights wb[i] = -p_i (1 - s(z_i)). */
export function fullWeights(z: Float64Array, p: Float64Array, ce: boolean, wb: Float64Array): void {
  for (let i = 0; i < p.length; i++) wb[i] = -p[i] * residual(z[i], ce);
}

/** z = zb[0..n), s_i = s(z_i). */
export function levels(zb: Float64Array, ce: boolean, z: Float64Array, s: Float64Array): void {
  for (let i = 0; i < z.length; i++) {
    const zi = zb[i];
    z[i] = zi;
    s[i] = skillLevel(zi, ce);
  }
}

/** Diagnostics: the number of coordinates j with t_ij (-g_j) > 0 (the row at `off`). */
export function alignedCount(T: Float64Array, off: number, g: Float64Array, N: number): number {
  let c = 0;
  for (let j = 0; j < N; j++) if (T[off + j] * -g[j] > 0) c++;
  return c;
}


/** L = sum_i p_i l_i(t_i . theta), p normalised. O(n N). */
export function totalLoss(T: Float64Array, p: ArrayLike<number>, theta: Float64Array, ce: boolean): number {
  const N = theta.length;
  let L = 0;
  for (let i = 0; i < p.length; i++) L += p[i] * skillLoss(dotRow(T, i * N, theta, N), ce);
  return L;
}

/** Full-batch gradient estimate g = -sum_i p_i (1 - s_i) t_i, written into g. O(n N). */
export function fullBatchGradient(T: Float64Array, p: ArrayLike<number>, theta: Float64Array, ce: boolean, g: Float64Array): void {
  const N = theta.length;
  g.fill(0);
  for (let i = 0; i < p.length; i++) axpyRow(g, -p[i] * residual(dotRow(T, i * N, theta, N), ce), T, i * N, N);
}
