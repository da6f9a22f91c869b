/**
 * Levenberg-Marquardt for small least-squares problems: the damped Gauss-Newton step
 * (J^T J + lambda diag(J^T J)) s = J^T r, lambda divided by 10 after a step that does not raise
 * the objective and multiplied by 10 otherwise; stops when a step moves every coordinate by
 * less than 1e-13, when no step of 12 tries helps, or after maxIter iterations.
 */
import type { Minimum } from "./nelder-mead.js";

/** A least-squares problem over x. */
export interface LeastSquares {
  /** Number of residuals. */
  count: number;
  /** Writes the residuals at x to out; returns a positive number when they could be computed, else NaN (or <= 0). */
  residuals(x: Float64Array, out: Float64Array): number;
  /** The objective the steps are compared on, at x. */
  objective(x: Float64Array): number;
}

/**
 * Levenberg-Marquardt on the residuals (central-difference Jacobian), from x0.
 * Converges to the least-squares optimum itself (quadratically when the residuals vanish there),
 * which makes the answer independent of where the search started within its basin.
 */
export function levenbergMarquardt(ls: LeastSquares, x0: Minimum, inBounds: (x: Float64Array) => boolean, maxIter = 40): Minimum {
  const P = x0.x.length;
  const M = ls.count;
  const r = new Float64Array(M), rp = new Float64Array(M), J = new Float64Array(M * P);
  const xt = new Float64Array(P), step = new Float64Array(P);
  const A = new Float64Array(P * P), g = new Float64Array(P);
  const x = Float64Array.from(x0.x);
  let f = x0.f;
  let lambda = 1e-3;
  const evalAt = (xx: Float64Array, res: Float64Array): number => ls.residuals(xx, res);
  for (let it = 0; it < maxIter; it++) {
    const z = evalAt(x, r);
    if (!(z > 0)) break;
    // Jacobian by central differences
    let ok = true;
    for (let j = 0; j < P; j++) {
      const h = 1e-6;
      xt.set(x); xt[j] += h;
      if (Number.isNaN(evalAt(xt, rp))) { ok = false; break; }
      for (let m = 0; m < M; m++) J[m * P + j] = rp[m];
      xt[j] -= 2 * h;
      if (Number.isNaN(evalAt(xt, rp))) { ok = false; break; }
      for (let m = 0; m < M; m++) J[m * P + j] = (J[m * P + j] - rp[m]) / (2 * h);
    }
    if (!ok) break;
    A.fill(0); g.fill(0);
    for (let m = 0; m < M; m++) {
      for (let a = 0; a < P; a++) {
        const ja = J[m * P + a];
        g[a] += ja * r[m];
        for (let b = 0; b <= a; b++) A[a * P + b] += ja * J[m * P + b];
      }
    }
    for (let a = 0; a < P; a++) for (let b = 0; b < a; b++) A[b * P + a] = A[a * P + b];
    let improved = false;
    for (let tries = 0; tries < 12; tries++) {
      if (!solveDamped(A, g, lambda, step, P)) { lambda *= 10; continue; }
      for (let j = 0; j < P; j++) xt[j] = x[j] - step[j];
      if (!inBounds(xt)) { lambda *= 10; continue; }
      const ft = ls.objective(xt);
      if (ft <= f) {
        let moved = 0;
        for (let j = 0; j < step.length; j++) moved = Math.max(moved, Math.abs(step[j]));
        x.set(xt);
        f = ft;
        lambda = Math.max(1e-12, lambda / 10);
        improved = true;
        if (moved < 1e-13) return { x, f };
        break;
      }
      lambda *= 10;
    }
    if (!improved) break;
  }
  return { x, f };
}

/** (A + lambda diag(A)) s = g for small P; false if singular. */
export function solveDamped(A: Float64Array, g: Float64Array, lambda: number, s: Float64Array, P: number): boolean {
  const M = new Float64Array(P * (P + 1));
  for (let a = 0; a < P; a++) {
    for (let b = 0; b < P; b++) M[a * (P + 1) + b] = A[a * P + b] + (a === b ? lambda * Math.max(A[a * P + a], 1e-300) : 0);
    M[a * (P + 1) + P] = g[a];
  }
  for (let c = 0; c < P; c++) {
    let piv = c;
    for (let r = c + 1; r < P; r++) if (Math.abs(M[r * (P + 1) + c]) > Math.abs(M[piv * (P + 1) + c])) piv = r;
    if (!(Math.abs(M[piv * (P + 1) + c]) > 0)) return false;
    if (piv !== c) for (let k = 0; k <= P; k++) { const t = M[c * (P + 1) + k]; M[c * (P + 1) + k] = M[piv * (P + 1) + k]; M[piv * (P + 1) + k] = t; }
    for (let r = 0; r < P; r++) {
      if (r === c) continue;
      const q = M[r * (P + 1) + c] / M[c * (P + 1) + c];
      for (let k = c; k <= P; k++) M[r * (P + 1) + k] -= q * M[c * (P + 1) + k];
    }
  }
  for (let a = 0; a < P; a++) s[a] = M[a * (P + 1) + P] / M[a * (P + 1) + a];
  return s.every(Number.isFinite);
}
