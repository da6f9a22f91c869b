/** Whether the data pin the fitted parameters down, and if not, why (in words). */
import type { Minimum } from "../engine/optim/nelder-mead.js";
import type { Objective } from "./objective.js";
import type { Plan } from "./plan.js";

/**
 * Is the optimum pinned down by the data? Along the flattest direction of the residuals'
 * Gauss-Newton matrix J^T J (in log space; for one parameter, that parameter), a factor of 2 in
 * the parameter that moves most must move the fitted curves by at least IDENT_SHIFT (rms over the
 * points, in the compared units) or 5% of the rmse. Otherwise: why, in words; else null.
 */
export const IDENT_SHIFT = 1e-4;
export function identification(obj: Objective, p: Plan, opt: Minimum, toValues: (x: Float64Array, out: Float64Array) => void): string | null {
  const P = opt.x.length, M = p.pIdx.length;
  const vals = new Float64Array(P);
  const model = (x: Float64Array): Float64Array | null => {
    toValues(x, vals);
    if (!obj.evaluateModel(vals)) return null;
    const out = new Float64Array(M);
    for (let j = 0; j < M; j++) out[j] = obj.out[p.pIdx[j]];
    return out;
  };
  const base = model(opt.x);
  if (!base) return null;
  // Jacobian columns (central differences, step 1e-4 in log space).
  const J: Float64Array[] = [];
  const xt = new Float64Array(P);
  for (let a = 0; a < P; a++) {
    xt.set(opt.x); xt[a] += 1e-4;
    const up = model(xt);
    xt[a] -= 2e-4;
    const dn = model(xt);
    if (!up || !dn) return null;
    J.push(Float64Array.from(up, (u, j) => (u - dn[j]) / 2e-4));
  }
  const dot = (a: Float64Array, b: Float64Array) => { let s = 0; for (let j = 0; j < M; j++) s += a[j] * b[j]; return s; };
  let v: number[];
  if (P === 1) v = [1];
  else {
    // smallest eigenvector of the 2 x 2 matrix [[a, b], [b, c]]
    const a = dot(J[0], J[0]), b = dot(J[0], J[1]), c = dot(J[1], J[1]);
    const lmin = (a + c) / 2 - Math.sqrt(((a - c) / 2) ** 2 + b * b);
    v = Math.abs(b) > 1e-300 ? [b, lmin - a] : a <= c ? [1, 0] : [0, 1];
  }
  const big = Math.max(...v.map(Math.abs));
  v = v.map((x) => (x / big) * Math.LN2); // the largest component: a factor of 2
  let worst = 0;
  for (const sign of [1, -1]) {
    for (let a = 0; a < P; a++) xt[a] = opt.x[a] + sign * v[a];
    const m = model(xt);
    if (!m) return null;
    let s = 0;
    for (let j = 0; j < M; j++) s += (m[j] - base[j]) ** 2;
    worst = Math.max(worst, Math.sqrt(s / M));
  }
  const rmse = Math.sqrt(opt.f);
  if (worst >= Math.max(IDENT_SHIFT, 0.05 * rmse)) return null;
  const names = p.params.map((q) => q.name);
  const what = P === 1
    ? `a factor of 2 in ${names[0]}`
    : Math.abs(v[0]) > 0.2 && Math.abs(v[1]) > 0.2
      ? `${names[0]} and ${names[1]} changed together (${names[0]} x ${fmtFactor(v[0])}, ${names[1]} x ${fmtFactor(v[1])})`
      : `a factor of 2 in ${Math.abs(v[0]) >= Math.abs(v[1]) ? names[0] : names[1]}`;
  const times = new Set<number>();
  for (let j = 0; j < M; j++) times.add(p.times[p.pIdx[j] % p.times.length]);
  return `${what} moves the fitted curves by ${Number(worst.toPrecision(2))} (rms) at most, below ${Number(Math.max(IDENT_SHIFT, 0.05 * rmse).toPrecision(2))}, over ${times.size} observed time${times.size === 1 ? "" : "s"}`;
}

function fmtFactor(logStep: number): string {
  return Number(Math.exp(logStep).toPrecision(3)).toString();
}
