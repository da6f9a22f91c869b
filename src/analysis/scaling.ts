/**
 * Scaling-law fits: the Chinchilla loss law L(N, D) = E + A / N^alpha + B / D^beta and the
 * one-variable power law L(x) = E + A x^-alpha, their compute-optimal allocation, and
 * bootstrap percentile intervals.
 *
 * The Chinchilla fit follows Hoffmann et al. 2022 (Approach 3) as replicated by Besiroglu et
 * al. 2024: with A = e^a, B = e^b, E = e^e, minimise the SUM (not the mean, which stops the
 * optimiser early) over data points k of
 *     Huber_delta( LSE(a - alpha log N_k, b - beta log D_k, e) - log L_k ),   delta = 1e-3,
 * by L-BFGS (./lbfgs.ts, SciPy L-BFGS-B's defaults) with the analytic gradient, from every
 * start of the grid alpha, beta in {0, 0.5, ..., 2}, e in {-1, -0.5, ..., 1},
 * a, b in {0, 5, ..., 25} (4500 starts), keeping the best objective. The best few end points
 * are then polished (same optimiser, purely relative f tolerance ~2e-15, no gradient
 * tolerance), which can only lower the objective.
 * Huber is scipy.special.huber's: r^2 / 2 for |r| <= delta, delta (|r| - delta / 2) beyond.
 *
 * The power law with E free is fitted the same way (LSE(a - alpha log x, e) vs log L, grid of
 * 5 x 5 x 6 starts); with E fixed to 0 it is ordinary least squares in log-log (closed form);
 * with E fixed to a positive value, a Huber fit of (a, alpha) with e = log E held fixed.
 *
 * This module takes arrays and returns numbers: no I/O. Invalid input (non-finite values,
 * non-positive values where logs are taken, too few rows) throws FitInputError; rows are
 * 0-based indices into the arrays passed in.
 */

import { Lbfgs, type Objective } from "./lbfgs.js";
import { Rng } from "../engine/rng.js";

export interface ChinchillaParams { E: number; A: number; B: number; alpha: number; beta: number }
export interface PowerLawParams { E: number; A: number; alpha: number }

export interface FitResult<P> {
  form: "chinchilla" | "powerlaw";
  /** Number of data points. */
  n: number;
  params: P;
  /** Summed Huber loss at the optimum (in log space). */
  objective: number;
  /** RMS of (log prediction - log L) over the data. */
  rmse_log: number;
  /** Optimiser starts (0 for the closed-form power law). */
  starts: number;
  /** Objective + gradient evaluations, all starts and the polish included. */
  evaluations: number;
  /** Percentile intervals, when a bootstrap was run (see bootstrap*). */
  intervals?: Record<keyof P & string, [number, number]>;
}

/** Bad input to a fit: the CLI maps this to exit code 2. */
export class FitInputError extends Error {
  /** Offending column (e.g. "N") and 0-based row, when the problem is one value. */
  readonly column?: string;
  readonly row?: number;
  constructor(message: string, column?: string, row?: number) {
    super(message);
    this.name = "FitInputError";
    this.column = column;
    this.row = row;
  }
}

/** Start grid for the Chinchilla fit (values in the fitted coordinates). */
export interface ChinchillaGrid { alpha: number[]; beta: number[]; e: number[]; a: number[]; b: number[] }

const range = (lo: number, hi: number, step: number): number[] => {
  const out: number[] = [];
  for (let i = 0; lo + i * step <= hi + 1e-12; i++) out.push(lo + i * step);
  return out;
};

/** Hoffmann et al. / Besiroglu et al. grid: 5 * 5 * 5 * 6 * 6 = 4500 starts. */
export const CHINCHILLA_GRID: ChinchillaGrid = Object.freeze({
  alpha: range(0, 2, 0.5),
  beta: range(0, 2, 0.5),
  e: range(-1, 1, 0.5),
  a: range(0, 25, 5),
  b: range(0, 25, 5),
}) as ChinchillaGrid;

/**
 * Reduced grid (2^5 = 32 starts) for bootstrap refits, which also start from the full-data
 * optimum (see bootstrapChinchilla): a resample's optimum lies next to the full-data one, so
 * the full grid would cost 140x more per refit for nothing. Point estimates always use
 * CHINCHILLA_GRID.
 */
export const BOOTSTRAP_CHINCHILLA_GRID: ChinchillaGrid = Object.freeze({
  alpha: [0.5, 1.5],
  beta: [0.5, 1.5],
  e: [-0.5, 0.5],
  a: [5, 15],
  b: [5, 15],
}) as ChinchillaGrid;

const DEFAULT_DELTA = 1e-3;
/** End points re-optimised with tight tolerances after the grid. */
const POLISH_TOP = 8;
const POLISH_OPTS = { pgtol: 0, factr: 10, ftolFloor: 0 };

/** Huber loss, scipy.special.huber's convention. */
export function huber(r: number, delta: number = DEFAULT_DELTA): number {
  const a = Math.abs(r);
  return a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
}

// ---------------------------------------------------------------------------------------------
// Input validation

function checkLength(name: string, v: ArrayLike<number>, n: number, ref: string): void {
  if (v.length !== n) {
    throw new FitInputError(`${name} has ${v.length} values but ${ref} has ${n}`, name);
  }
}

/** log of each value, throwing on non-finite or non-positive values. */
function logColumn(name: string, v: ArrayLike<number>): Float64Array {
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== "number" || !Number.isFinite(x)) {
      throw new FitInputError(`${name} at row ${i} is ${String(x)}: not a finite number`, name, i);
    }
    if (x <= 0) {
      throw new FitInputError(`${name} at row ${i} is ${x}: must be > 0 (its log is taken)`, name, i);
    }
    out[i] = Math.log(x);
  }
  return out;
}

function checkCount(form: string, n: number, params: number): void {
  if (n < params) {
    throw new FitInputError(`${form} fit needs at least ${params} data points (one per parameter), got ${n}`);
  }
}

function checkDelta(delta: number): void {
  if (!(delta > 0) || !Number.isFinite(delta)) {
    throw new FitInputError(`Huber delta must be a positive finite number, got ${delta}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Best-of-starts bookkeeping

/** The best `cap` end points seen, sorted by objective (ties keep the earlier start). */
class TopK {
  readonly f: number[] = [];
  readonly x: Float64Array[] = [];
  constructor(private readonly cap: number) {}
  offer(f: number, x: Float64Array): void {
    if (!Number.isFinite(f)) return;
    const len = this.f.length;
    if (len === this.cap && f >= this.f[len - 1]) return;
    let i = len;
    while (i > 0 && this.f[i - 1] > f) i--;
    this.f.splice(i, 0, f);
    this.x.splice(i, 0, Float64Array.from(x));
    if (this.f.length > this.cap) {
      this.f.pop();
      this.x.pop();
    }
  }
}

/** Polish the best end points; returns the best [f, x] and the evaluations spent. */
function polish(fn: Objective, dim: number, top: TopK): { f: number; x: Float64Array; evaluations: number } {
  const opt = new Lbfgs(dim, POLISH_OPTS);
  let bestF = Infinity;
  let bestX: Float64Array = new Float64Array(dim);
  let evaluations = 0;
  for (let i = 0; i < top.f.length; i++) {
    const x = Float64Array.from(top.x[i]);
    const r = opt.minimize(fn, x);
    evaluations += r.evaluations;
    // minimize never returns a point worse than its start, but guard the bookkeeping anyway.
    const f = r.f <= top.f[i] ? r.f : top.f[i];
    const xf = r.f <= top.f[i] ? x : top.x[i];
    if (f < bestF) {
      bestF = f;
      bestX = xf;
    }
  }
  return { f: bestF, x: bestX, evaluations };
}

// ---------------------------------------------------------------------------------------------
// Chinchilla

/** Distinct values of v (exact) and, for every datum, the index of its value among them. */
function distinct(v: Float64Array): { values: Float64Array; index: Int32Array } {
  const seen = new Map<number, number>();
  const index = new Int32Array(v.length);
  const values: number[] = [];
  for (let k = 0; k < v.length; k++) {
    let j = seen.get(v[k]);
    if (j === undefined) {
      j = values.length;
      values.push(v[k]);
      seen.set(v[k], j);
    }
    index[k] = j;
  }
  return { values: Float64Array.from(values), index };
}

/**
 * Summed Huber objective over x = [a, b, e, alpha, beta] with its analytic gradient.
 *
 * Per datum k the prediction is LSE_k = log(u1 + u2 + u3) with u1 = e^(a - alpha log N_k)
 * and u2 = e^(b - beta log D_k), each computed once per distinct N and D (isoFLOP grids
 * repeat model sizes), and u3 = e^e once per call. The residual r_k = log(s_k / L_k) only needs
 * its own log inside the quadratic zone |r_k| <= delta: beyond it Huber is linear, the
 * gradient needs only sign(r_k), and the sum of those r_k is the log of the product of the
 * ratios s_k / L_k, so one log per call (the product is flushed to its log before it could
 * overflow) replaces one log per datum. On the 240 Figure 4 rows (140 distinct N) that is
 * ~1.6 exps per datum and a log only for the few data in the quadratic zone.
 * When s_k leaves [1e-280, 1e280] (far-out line-search trials) the datum is recomputed
 * shifted by its largest term, so nothing overflows for any x.
 */
function chinchillaObjective(lN: Float64Array, lD: Float64Array, lL: Float64Array, delta: number): Objective {
  const n = lL.length;
  const halfDelta = 0.5 * delta;
  const upper = Math.exp(delta), lower = Math.exp(-delta); // r > delta <=> s / L > e^delta
  const invL = lL.map((v) => Math.exp(-v));
  const dN = distinct(lN), dD = distinct(lD);
  const lNu = dN.values, iN = dN.index, nN = lNu.length;
  const lDu = dD.values, iD = dD.index, nD = lDu.length;
  const uN = new Float64Array(nN), uD = new Float64Array(nD);
  return (x: Float64Array, g: Float64Array): number => {
    const a = x[0], b = x[1], e = x[2], alpha = x[3], beta = x[4];
    for (let j = 0; j < nN; j++) uN[j] = Math.exp(a - alpha * lNu[j]);
    for (let j = 0; j < nD; j++) uD[j] = Math.exp(b - beta * lDu[j]);
    const ee = Math.exp(e);
    let fq = 0; // quadratic-zone and shifted-path terms
    let prodPos = 1, logPos = 0, nPos = 0; // r > delta: sum r = logPos + log(prodPos)
    let prodNeg = 1, logNeg = 0, nNeg = 0; // r < -delta
    let ga = 0, gb = 0, ge = 0, galpha = 0, gbeta = 0;
    for (let k = 0; k < n; k++) {
      let u1 = uN[iN[k]];
      let u2 = uD[iD[k]];
      let u3 = ee;
      let s = u1 + u2 + u3;
      let h: number; // Huber'(r)
      if (s > 1e-280 && s < 1e280) {
        const q = s * invL[k];
        if (q > upper) {
          prodPos *= q; // q < 1e281 / L, so the product stays below 1e301 before a flush
          if (prodPos > 1e20) { logPos += Math.log(prodPos); prodPos = 1; }
          nPos++;
          h = delta;
        } else if (q < lower) {
          prodNeg *= q;
          if (prodNeg < 1e-20) { logNeg += Math.log(prodNeg); prodNeg = 1; }
          nNeg++;
          h = -delta;
        } else {
          const r = Math.log(q);
          fq += 0.5 * r * r;
          h = r;
        }
      } else {
        const t1 = a - alpha * lN[k];
        const t2 = b - beta * lD[k];
        let m = t1 > t2 ? t1 : t2;
        if (e > m) m = e;
        u1 = Math.exp(t1 - m);
        u2 = Math.exp(t2 - m);
        u3 = Math.exp(e - m);
        s = u1 + u2 + u3;
        const r = m + Math.log(s) - lL[k];
        if (r > delta) {
          fq += delta * (r - halfDelta);
          h = delta;
        } else if (r < -delta) {
          fq -= delta * (r + halfDelta);
          h = -delta;
        } else {
          fq += 0.5 * r * r;
          h = r;
        }
      }
      const hs = h / s;
      const w1 = hs * u1, w2 = hs * u2;
      ga += w1;
      gb += w2;
      ge += hs * u3;
      galpha -= w1 * lN[k];
      gbeta -= w2 * lD[k];
    }
    g[0] = ga; g[1] = gb; g[2] = ge; g[3] = galpha; g[4] = gbeta;
    const sumPos = nPos > 0 ? logPos + Math.log(prodPos) : 0;
    const sumNeg = nNeg > 0 ? logNeg + Math.log(prodNeg) : 0;
    return fq + delta * (sumPos - nPos * halfDelta) - delta * (sumNeg + nNeg * halfDelta);
  };
}

/**
 * The Chinchilla objective the fit minimises, for inspection and tests: returns
 * fn(x, g) = summed Huber loss at x = [a, b, e, alpha, beta], writing its gradient into g.
 */
export function chinchillaObjectiveFn(
  N: ArrayLike<number>,
  D: ArrayLike<number>,
  L: ArrayLike<number>,
  delta: number = DEFAULT_DELTA,
): Objective {
  checkLength("N", N, L.length, "L");
  checkLength("D", D, L.length, "L");
  checkDelta(delta);
  return chinchillaObjective(logColumn("N", N), logColumn("D", D), logColumn("L", L), delta);
}

/** RMS of the log residual for the Chinchilla form at x = [a, b, e, alpha, beta]. */
function chinchillaRmse(x: Float64Array, lN: Float64Array, lD: Float64Array, lL: Float64Array): number {
  let ss = 0;
  for (let k = 0; k < lL.length; k++) {
    const t1 = x[0] - x[3] * lN[k];
    const t2 = x[1] - x[4] * lD[k];
    const m = Math.max(t1, t2, x[2]);
    const r = m + Math.log(Math.exp(t1 - m) + Math.exp(t2 - m) + Math.exp(x[2] - m)) - lL[k];
    ss += r * r;
  }
  return Math.sqrt(ss / lL.length);
}

export interface ChinchillaFitOptions {
  /** Huber delta (default 1e-3). */
  delta?: number;
  /** Start grid (default CHINCHILLA_GRID, 4500 starts). */
  grid?: ChinchillaGrid;
  /** Further starts, tried after the grid (e.g. a previous optimum). */
  extraStarts?: ChinchillaParams[];
  /** Called after each start with (starts done, total starts). */
  onProgress?: (done: number, total: number) => void;
}

/** Fit L = E + A / N^alpha + B / D^beta (see the file comment for the method). */
export function fitChinchilla(
  N: ArrayLike<number>,
  D: ArrayLike<number>,
  L: ArrayLike<number>,
  opts: ChinchillaFitOptions = {},
): FitResult<ChinchillaParams> {
  const n = L.length;
  checkLength("N", N, n, "L");
  checkLength("D", D, n, "L");
  const lN = logColumn("N", N);
  const lD = logColumn("D", D);
  const lL = logColumn("L", L);
  checkCount("Chinchilla", n, 5);
  const delta = opts.delta ?? DEFAULT_DELTA;
  checkDelta(delta);
  const grid = opts.grid ?? CHINCHILLA_GRID;
  const extra = opts.extraStarts ?? [];
  for (const p of extra) {
    if (![p.E, p.A, p.B].every((v) => v > 0 && Number.isFinite(v)) || ![p.alpha, p.beta].every(Number.isFinite)) {
      throw new FitInputError(`extra start ${JSON.stringify(p)} needs finite alpha, beta and positive finite E, A, B`);
    }
  }

  const fn = chinchillaObjective(lN, lD, lL, delta);
  const opt = new Lbfgs(5);
  const top = new TopK(POLISH_TOP);
  const x = new Float64Array(5);
  const total = grid.alpha.length * grid.beta.length * grid.e.length * grid.a.length * grid.b.length + extra.length;
  let done = 0;
  let evaluations = 0;
  const run = (a: number, b: number, e: number, alpha: number, beta: number): void => {
    x[0] = a; x[1] = b; x[2] = e; x[3] = alpha; x[4] = beta;
    const r = opt.minimize(fn, x);
    evaluations += r.evaluations;
    top.offer(r.f, x);
    done++;
    opts.onProgress?.(done, total);
  };
  // Same order as the reference script's itertools.product(alpha, beta, e, a, b).
  for (const alpha of grid.alpha)
    for (const beta of grid.beta)
      for (const e of grid.e)
        for (const a of grid.a)
          for (const b of grid.b) run(a, b, e, alpha, beta);
  for (const p of extra) run(Math.log(p.A), Math.log(p.B), Math.log(p.E), p.alpha, p.beta);
  if (top.f.length === 0) throw new FitInputError("Chinchilla fit: no start reached a finite objective");

  const best = polish(fn, 5, top);
  evaluations += best.evaluations;
  const bx = best.x;
  return {
    form: "chinchilla",
    n,
    params: { E: Math.exp(bx[2]), A: Math.exp(bx[0]), B: Math.exp(bx[1]), alpha: bx[3], beta: bx[4] },
    objective: best.f,
    rmse_log: chinchillaRmse(bx, lN, lD, lL),
    starts: total,
    evaluations,
  };
}

/** Chinchilla prediction E + A / N^alpha + B / D^beta. */
export function chinchillaLoss(p: ChinchillaParams, N: number, D: number): number {
  return p.E + p.A * Math.pow(N, -p.alpha) + p.B * Math.pow(D, -p.beta);
}

// ---------------------------------------------------------------------------------------------
// Power law

/** Start grid for the power law with E free: alpha x e x a = 5 x 5 x 6 = 150 starts. */
export const POWERLAW_GRID = Object.freeze({
  alpha: range(0, 2, 0.5),
  e: range(-1, 1, 0.5),
  a: range(0, 25, 5),
});

/**
 * Summed Huber objective for LSE(a - alpha log x, e) vs log L over x = [a, alpha, e]
 * (dim 3), or over [a, alpha] with e fixed (dim 2).
 */
function powerLawObjective(lx: Float64Array, lL: Float64Array, delta: number, eFixed: number | null): Objective {
  const n = lL.length;
  const halfDelta = 0.5 * delta;
  return (x: Float64Array, g: Float64Array): number => {
    const a = x[0], alpha = x[1];
    const e = eFixed === null ? x[2] : eFixed;
    let f = 0, ga = 0, galpha = 0, ge = 0;
    for (let k = 0; k < n; k++) {
      const lk = lx[k];
      const t1 = a - alpha * lk;
      const m = t1 > e ? t1 : e;
      const u1 = Math.exp(t1 - m);
      const u2 = Math.exp(e - m);
      const s = u1 + u2;
      const r = m + Math.log(s) - lL[k];
      let h: number;
      if (r > delta) {
        f += delta * (r - halfDelta);
        h = delta;
      } else if (r < -delta) {
        f -= delta * (r + halfDelta);
        h = -delta;
      } else {
        f += 0.5 * r * r;
        h = r;
      }
      const hs = h / s;
      const w1 = hs * u1;
      ga += w1;
      galpha -= w1 * lk;
      ge += hs * u2;
    }
    g[0] = ga; g[1] = galpha;
    if (eFixed === null) g[2] = ge;
    return f;
  };
}

export interface PowerLawFitOptions {
  /** null/undefined: fit E; 0: OLS in log-log; > 0: hold E at this value. */
  fixE?: number | null;
  /** Huber delta (default 1e-3). */
  delta?: number;
}

/** Fit L = E + A x^-alpha (see the file comment for the method). */
export function fitPowerLaw(
  x: ArrayLike<number>,
  L: ArrayLike<number>,
  opts: PowerLawFitOptions = {},
): FitResult<PowerLawParams> {
  const n = L.length;
  checkLength("x", x, n, "L");
  const lx = logColumn("x", x);
  const lL = logColumn("L", L);
  const delta = opts.delta ?? DEFAULT_DELTA;
  checkDelta(delta);
  const fixE = opts.fixE ?? null;
  if (fixE !== null && !(Number.isFinite(fixE) && fixE >= 0)) {
    throw new FitInputError(`fixed E must be a finite number >= 0, got ${fixE}`);
  }
  let xmin = Infinity, xmax = -Infinity;
  for (let k = 0; k < n; k++) {
    if (lx[k] < xmin) xmin = lx[k];
    if (lx[k] > xmax) xmax = lx[k];
  }

  if (fixE === 0) {
    checkCount("power-law (E = 0)", n, 2);
    if (!(xmax > xmin)) throw new FitInputError("power-law fit: all x values are equal, the exponent is undetermined");
    // Ordinary least squares: log L = a - alpha log x.
    let mx = 0, my = 0;
    for (let k = 0; k < n; k++) { mx += lx[k]; my += lL[k]; }
    mx /= n; my /= n;
    let sxy = 0, sxx = 0;
    for (let k = 0; k < n; k++) {
      const dx = lx[k] - mx;
      sxy += dx * (lL[k] - my);
      sxx += dx * dx;
    }
    const alpha = -sxy / sxx;
    const a = my + alpha * mx;
    let obj = 0, ss = 0;
    for (let k = 0; k < n; k++) {
      const r = a - alpha * lx[k] - lL[k];
      obj += huber(r, delta);
      ss += r * r;
    }
    return {
      form: "powerlaw", n, params: { E: 0, A: Math.exp(a), alpha },
      objective: obj, rmse_log: Math.sqrt(ss / n), starts: 0, evaluations: 0,
    };
  }

  const eFixed = fixE === null ? null : Math.log(fixE);
  const dim = eFixed === null ? 3 : 2;
  checkCount("power-law", n, dim);
  if (!(xmax > xmin)) throw new FitInputError("power-law fit: all x values are equal, the exponent is undetermined");
  const fn = powerLawObjective(lx, lL, delta, eFixed);
  const opt = new Lbfgs(dim);
  const top = new TopK(POLISH_TOP);
  const v = new Float64Array(dim);
  let starts = 0, evaluations = 0;
  for (const alpha of POWERLAW_GRID.alpha)
    for (const e of eFixed === null ? POWERLAW_GRID.e : [eFixed])
      for (const a of POWERLAW_GRID.a) {
        v[0] = a; v[1] = alpha;
        if (dim === 3) v[2] = e;
        const r = opt.minimize(fn, v);
        evaluations += r.evaluations;
        starts++;
        top.offer(r.f, v);
      }
  if (top.f.length === 0) throw new FitInputError("power-law fit: no start reached a finite objective");
  const best = polish(fn, dim, top);
  evaluations += best.evaluations;
  const bx = best.x;
  const e = eFixed === null ? bx[2] : eFixed;
  let ss = 0;
  for (let k = 0; k < n; k++) {
    const t1 = bx[0] - bx[1] * lx[k];
    const m = Math.max(t1, e);
    const r = m + Math.log(Math.exp(t1 - m) + Math.exp(e - m)) - lL[k];
    ss += r * r;
  }
  return {
    form: "powerlaw", n,
    params: { E: fixE === null ? Math.exp(e) : fixE, A: Math.exp(bx[0]), alpha: bx[1] },
    objective: best.f, rmse_log: Math.sqrt(ss / n), starts, evaluations,
  };
}

// ---------------------------------------------------------------------------------------------
// Compute-optimal allocation

export interface ComputeOptimal {
  /** N_opt ∝ C^a, a = beta / (alpha + beta). */
  a: number;
  /** D_opt ∝ C^b, b = alpha / (alpha + beta). */
  b: number;
  /** G = (alpha A / (beta B))^(1 / (alpha + beta)). */
  G: number;
  rows: { C: number; N_opt: number; D_opt: number; loss: number }[];
}

/**
 * Minimise E + A / N^alpha + B / D^beta subject to C = k N D (k FLOPs per parameter per
 * token, 6 by default): N_opt = G (C/k)^a, D_opt = G^-1 (C/k)^b.
 */
export function computeOptimal(p: ChinchillaParams, C: number[], flopsPerParamToken = 6): ComputeOptimal {
  for (const key of ["A", "B", "alpha", "beta"] as const) {
    if (!(p[key] > 0 && Number.isFinite(p[key]))) {
      throw new FitInputError(`compute-optimal allocation needs ${key} > 0 and finite, got ${p[key]}`);
    }
  }
  if (!Number.isFinite(p.E)) throw new FitInputError(`compute-optimal allocation needs a finite E, got ${p.E}`);
  const k = flopsPerParamToken;
  if (!(k > 0 && Number.isFinite(k))) throw new FitInputError(`FLOPs per parameter-token must be > 0, got ${k}`);
  const s = p.alpha + p.beta;
  const a = p.beta / s;
  const b = p.alpha / s;
  const G = Math.pow((p.alpha * p.A) / (p.beta * p.B), 1 / s);
  const rows = C.map((c, i) => {
    if (!(c > 0 && Number.isFinite(c))) throw new FitInputError(`C at row ${i} is ${c}: must be a positive finite number`, "C", i);
    const N_opt = G * Math.pow(c / k, a);
    const D_opt = Math.pow(c / k, b) / G;
    return { C: c, N_opt, D_opt, loss: chinchillaLoss(p, N_opt, D_opt) };
  });
  return { a, b, G, rows };
}

// ---------------------------------------------------------------------------------------------
// Bootstrap

/** Percentile of sorted values, linear interpolation between order statistics (NumPy's default). */
function quantileSorted(v: Float64Array, q: number): number {
  const h = (v.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, v.length - 1);
  return v[lo] + (h - lo) * (v[hi] - v[lo]);
}

/**
 * Nonparametric bootstrap: K times, resample nRows row indices with replacement (seeded
 * project Rng, so the result is reproducible), refit with fitFn, and return for every numeric
 * parameter the percentile interval [(1 - level) / 2, (1 + level) / 2] (default 2.5%, 97.5%).
 * Errors thrown by fitFn propagate.
 */
export function bootstrap<P extends object>(
  fitFn: (idx: Int32Array) => FitResult<P>,
  nRows: number,
  K: number,
  seed: number,
  level = 0.95,
  onProgress?: (done: number, total: number) => void,
): Record<keyof P & string, [number, number]> {
  if (!(Number.isInteger(nRows) && nRows >= 1)) throw new FitInputError(`bootstrap needs at least one row, got ${nRows}`);
  if (!(Number.isInteger(K) && K >= 2)) throw new FitInputError(`bootstrap needs K >= 2 resamples, got ${K}`);
  if (!(level > 0 && level < 1)) throw new FitInputError(`bootstrap level must be in (0, 1), got ${level}`);
  const rng = new Rng(seed);
  const idx = new Int32Array(nRows);
  const samples: Record<string, Float64Array> = {};
  for (let r = 0; r < K; r++) {
    for (let i = 0; i < nRows; i++) idx[i] = rng.nextInt(nRows);
    const params = fitFn(idx).params as Record<string, unknown>;
    for (const key of Object.keys(params)) {
      const v = params[key];
      if (typeof v !== "number") continue;
      (samples[key] ??= new Float64Array(K))[r] = v;
    }
    onProgress?.(r + 1, K);
  }
  const lo = (1 - level) / 2;
  const out: Record<string, [number, number]> = {};
  for (const key of Object.keys(samples)) {
    const v = samples[key].sort();
    out[key] = [quantileSorted(v, lo), quantileSorted(v, 1 - lo)];
  }
  return out as Record<keyof P & string, [number, number]>;
}

function take(v: ArrayLike<number>, idx: Int32Array): Float64Array {
  const out = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = v[idx[i]];
  return out;
}

export interface BootstrapOptions {
  /** Resamples (default 100). */
  K?: number;
  /** Rng seed (default 0). */
  seed?: number;
  /** Central coverage of the percentile interval (default 0.95). */
  level?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Bootstrap intervals for a Chinchilla fit. Refits start from BOOTSTRAP_CHINCHILLA_GRID
 * (32 starts) plus the full-data optimum `full.params` rather than the 4500-start grid,
 * to save time; the point estimate `full` is the caller's full-grid fit.
 */
function atLeastTiny(v: number): number {
  return v > 1e-300 ? v : 1e-300;
}

export function bootstrapChinchilla(
  N: ArrayLike<number>,
  D: ArrayLike<number>,
  L: ArrayLike<number>,
  full: FitResult<ChinchillaParams>,
  opts: BootstrapOptions & { delta?: number; grid?: ChinchillaGrid } = {},
): Record<keyof ChinchillaParams, [number, number]> {
  const fitOpts: ChinchillaFitOptions = {
    delta: opts.delta,
    grid: opts.grid ?? BOOTSTRAP_CHINCHILLA_GRID,
    // A fitted E, A or B can underflow to 0 (its log went to -inf, e.g. no irreducible loss
    // in the data): warm-start from the smallest positive value instead.
    extraStarts: [{ ...full.params, E: atLeastTiny(full.params.E), A: atLeastTiny(full.params.A), B: atLeastTiny(full.params.B) }],
  };
  return bootstrap(
    (idx) => fitChinchilla(take(N, idx), take(D, idx), take(L, idx), fitOpts),
    L.length, opts.K ?? 100, opts.seed ?? 0, opts.level ?? 0.95, opts.onProgress,
  );
}

/** Bootstrap intervals for a power-law fit (each refit is the full, cheap, 150-start fit). */
export function bootstrapPowerLaw(
  x: ArrayLike<number>,
  L: ArrayLike<number>,
  opts: BootstrapOptions & PowerLawFitOptions = {},
): Record<keyof PowerLawParams, [number, number]> {
  const fitOpts: PowerLawFitOptions = { fixE: opts.fixE, delta: opts.delta };
  return bootstrap(
    (idx) => fitPowerLaw(take(x, idx), take(L, idx), fitOpts),
    L.length, opts.K ?? 100, opts.seed ?? 0, opts.level ?? 0.95, opts.onProgress,
  );
}
