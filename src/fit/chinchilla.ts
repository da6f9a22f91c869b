/**
 * Scaling-law fits: the Chinchilla loss law L(N, D) = E + A / N^alpha + B / D^beta and the
 * one-variable power law L(x) = E + A x^-alpha, their compute-optimal allocation, and
 * bootstrap percentile intervals.
 *
 * The Chinchilla fit follows Hoffmann et al. 2022 (Approach 3) as replicated by Besiroglu et
 * al. 2024: with A = e^a, B = e^b, E = e^e and the log residual
 *     r_k = LSE(a - alpha log N_k, b - beta log D_k, e) - log L_k
 * (prediction minus data), minimise the SUM (not the mean, which stops the optimiser early)
 * over data points k of one objective (`Loss`):
 *     huber       Huber_delta(r_k), delta = 1e-3 by default (the published method);
 *     mse         r_k^2;
 *     asymmetric  w r_k^2 with w = K (the penalty) when r_k > 0, the law over-predicting, else 1,
 * by L-BFGS (../engine/optim/lbfgs.ts, SciPy L-BFGS-B's defaults) with the analytic gradient, from every
 * start of the grid alpha, beta in {0, 0.5, ..., 2}, e in {-1, -0.5, ..., 1},
 * a, b in {0, 5, ..., 25} (4500 starts), keeping the best objective. The best few end points
 * are then polished (same optimiser, purely relative f tolerance ~2e-15, no gradient
 * tolerance), which can only lower the objective. The starts are independent, so they can run
 * in any order or on several threads (./parallel.ts): the end points are ranked by
 * (objective, start index), which makes the result the same for any split.
 * Huber is scipy.special.huber's: r^2 / 2 for |r| <= delta, delta (|r| - delta / 2) beyond.
 *
 * The power law is fitted the same way (LSE(a - alpha log x, e) vs log L, grid of 5 x 5 x 6
 * starts) with the same objective; E fixed to a value holds e = log E (E = 0: e = -inf, so the
 * law is a straight line in log-log, fitted with the same objective as every other form).
 * Above LARGE_N rows the grid runs on an evenly strided subsample and only the best end point
 * is polished on all rows (a million-row fit takes about a second, not minutes). The Chinchilla
 * fit does the same above CHINCHILLA_LARGE_N rows (its 4,500 starts cost ~1.3 ms of CPU per
 * row: 38 s for 20,000 rows on every row); at or below it every row is used, as before.
 *
 * This module takes arrays and returns numbers: no I/O. Invalid input (non-finite values,
 * non-positive values where logs are taken, too few rows) throws FitInputError; rows are
 * 0-based indices into the arrays passed in.
 */

import { Lbfgs, type Objective } from "../engine/optim/lbfgs.js";
import { Rng } from "../engine/rng.js";
import { expAffine } from "../engine/exp.js";
import { wasmChinchillaObjective, type ChinchillaArrays } from "./wasm.js";
import { InputError } from "../errors.js";

export interface ChinchillaParams { E: number; A: number; B: number; alpha: number; beta: number }
export interface PowerLawParams { E: number; A: number; alpha: number }

/** The objective a fit minimises (see the file comment). */
export type LossName = "huber" | "mse" | "asymmetric";
export const LOSS_NAMES: readonly LossName[] = ["huber", "mse", "asymmetric"];

export interface Loss {
  name: LossName;
  /** Huber's delta (used by huber only). */
  delta: number;
  /** Weight of over-predictions, r > 0 (used by asymmetric only). */
  penalty: number;
}

export const DEFAULT_DELTA = 1e-3;
export const DEFAULT_PENALTY = 10;
export const DEFAULT_LOSS: Loss = Object.freeze({ name: "huber", delta: DEFAULT_DELTA, penalty: DEFAULT_PENALTY }) as Loss;

/** A validated Loss (FitInputError on an unknown name, delta <= 0 or penalty < 1). */
export function makeLoss(name: string = "huber", delta: number = DEFAULT_DELTA, penalty: number = DEFAULT_PENALTY): Loss {
  if (!(LOSS_NAMES as readonly string[]).includes(name)) {
    throw new FitInputError(`unknown loss "${name}": expected ${LOSS_NAMES.join(", ")}`);
  }
  checkDelta(delta);
  if (!(Number.isFinite(penalty) && penalty >= 1)) {
    throw new FitInputError(`the asymmetric loss's penalty must be a finite number >= 1 (over-predictions weigh K times more), got ${penalty}`);
  }
  return { name: name as LossName, delta, penalty };
}

/** "sum of Huber(1e-3) of log residuals", for reports. */
export function describeLoss(l: Loss): string {
  switch (l.name) {
    case "huber": return `sum of Huber(${l.delta}) of log residuals`;
    case "mse": return "sum of squared log residuals";
    case "asymmetric": return `sum of squared log residuals, over-predictions weighted ${l.penalty}x`;
  }
}

/** The loss of one log residual r = log prediction - log L. */
export function lossOf(l: Loss, r: number): number {
  switch (l.name) {
    case "huber": return huber(r, l.delta);
    case "mse": return r * r;
    case "asymmetric": return (r > 0 ? l.penalty : 1) * r * r;
  }
}

export interface FitResult<P> {
  form: "chinchilla" | "powerlaw";
  /** Number of data points. */
  n: number;
  params: P;
  /** The objective minimised. */
  loss: Loss;
  /** The summed loss at the optimum (in log space). */
  objective: number;
  /** RMS of (log prediction - log L) over the data. */
  rmse_log: number;
  /** Optimiser starts. */
  starts: number;
  /** Objective + gradient evaluations, all starts and the polish included. */
  evaluations: number;
  /** The optimum in the fitted coordinates: [a, b, e, alpha, beta] or [a, alpha(, e)]. */
  theta: Float64Array;
  /** Percentile intervals, when a bootstrap was run (see bootstrap*). */
  intervals?: Record<keyof P & string, [number, number]>;
}

/** Bad input to a fit: the CLI maps this to exit code 2. */
export class FitInputError extends InputError {
  /** Offending column (e.g. "N") and 0-based row, when the problem is one value. */
  readonly column?: string;
  readonly row?: number;
  constructor(message: string, column?: string, row?: number) {
    super(message);
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

/** End points re-optimised with tight tolerances after the grid. */
export const POLISH_TOP = 8;
const POLISH_OPTS = { pgtol: 0, factr: 10, ftolFloor: 0 };
const LARGE_POLISH_OPTS = { pgtol: 0, factr: 1e5, ftolFloor: 1 };
/** Above this many rows a power-law grid runs on a strided subsample (see the file comment). */
export const LARGE_N = 4096;
/**
 * Above this many rows the Chinchilla starts run on a strided subsample of at most
 * CHINCHILLA_SUBSAMPLE rows (683-1,024: every k-th row): 4,500 starts cost about 1.3 ms of CPU
 * per row (measured, rows of distinct N and D), so the grid's cost stops growing with the rows.
 */
export const CHINCHILLA_LARGE_N = 2048;
export const CHINCHILLA_SUBSAMPLE = 1024;

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
export function logColumn(name: string, v: ArrayLike<number>): Float64Array {
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
// Multi-start bookkeeping

/** One end point of a start: its objective, point and start index (for a split-independent order). */
export interface EndPoint { f: number; x: Float64Array; index: number }

/** (f, index) order: lower objective first, ties to the earlier start. */
function better(a: EndPoint, b: EndPoint): number {
  return a.f !== b.f ? a.f - b.f : a.index - b.index;
}

/** The best `cap` end points seen, sorted by (objective, start index). */
class TopK {
  readonly items: EndPoint[] = [];
  constructor(private readonly cap: number) {}
  offer(f: number, x: Float64Array, index: number): void {
    if (!Number.isFinite(f)) return;
    const items = this.items;
    const e: EndPoint = { f, x: Float64Array.from(x), index };
    if (items.length === this.cap && better(e, items[items.length - 1]) >= 0) return;
    let i = items.length;
    while (i > 0 && better(items[i - 1], e) > 0) i--;
    items.splice(i, 0, e);
    if (items.length > this.cap) items.pop();
  }
}

/** Merge the end points of several chunks of starts into the best `cap`. */
export function mergeEndPoints(chunks: readonly EndPoint[][], cap = POLISH_TOP): EndPoint[] {
  return chunks.flat().sort(better).slice(0, cap);
}

/**
 * Run L-BFGS from starts [from, to) of `starts` (dim values each, flat) and return the best
 * POLISH_TOP end points with their start indices, and the evaluations spent.
 */
export function runStarts(
  fn: Objective,
  dim: number,
  starts: Float64Array,
  from: number,
  to: number,
  onStart?: () => void,
): { top: EndPoint[]; evaluations: number } {
  const opt = new Lbfgs(dim);
  const top = new TopK(POLISH_TOP);
  const x = new Float64Array(dim);
  let evaluations = 0;
  for (let i = from; i < to; i++) {
    for (let j = 0; j < dim; j++) x[j] = starts[i * dim + j];
    const r = opt.minimize(fn, x);
    evaluations += r.evaluations;
    top.offer(r.f, x, i);
    onStart?.();
  }
  return { top: top.items, evaluations };
}

/** Polish the best end points; returns the best [f, x] and the evaluations spent. */
function polish(fn: Objective, dim: number, top: readonly EndPoint[], opts = POLISH_OPTS): { f: number; x: Float64Array; evaluations: number } {
  const opt = new Lbfgs(dim, opts);
  let bestF = Infinity;
  let bestX: Float64Array = new Float64Array(dim);
  let evaluations = 0;
  for (let i = 0; i < top.length; i++) {
    const x = Float64Array.from(top[i].x);
    const r = opt.minimize(fn, x);
    evaluations += r.evaluations;
    // minimize never returns a point worse than its start, but guard the bookkeeping anyway.
    const f = r.f <= top[i].f ? r.f : top[i].f;
    const xf = r.f <= top[i].f ? x : top[i].x;
    if (f < bestF) {
      bestF = f;
      bestX = xf;
    }
  }
  return { f: bestF, x: bestX, evaluations };
}

// ---------------------------------------------------------------------------------------------
// Chinchilla

/**
 * Distinct values of v (exact) and, for every datum, the index of its value among them.
 * When the first few thousand values are mostly distinct (a CSV of a million different x),
 * hashing all of them would cost more than it saves: each datum is then its own value.
 */
function distinct(v: Float64Array): { values: Float64Array; index: Int32Array } {
  if (v.length > 8192) {
    const probe = new Set<number>();
    for (let k = 0; k < 4096; k++) probe.add(v[k]);
    if (probe.size > 2048) return { values: v, index: Int32Array.from({ length: v.length }, (_, k) => k) };
  }
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

/** The three terms of shiftedTerms, e^(t_i - m) for t = (a - alpha log N, b - beta log D, e). */
const SHIFTED = new Float64Array(3);

/**
 * A row's terms shifted by their largest exponent m, for when their plain sum over- or
 * underflows (far-out line-search trials): writes the terms to SHIFTED, returns m, so that
 * LSE = m + log(sum). asm/fit.ts's shifted() is the same arithmetic.
 */
function shiftedTerms(a: number, b: number, e: number, alpha: number, beta: number, lNk: number, lDk: number): number {
  const t1 = a - alpha * lNk;
  const t2 = b - beta * lDk;
  let m = t1 > t2 ? t1 : t2;
  if (e > m) m = e;
  SHIFTED[0] = Math.exp(t1 - m);
  SHIFTED[1] = Math.exp(t2 - m);
  SHIFTED[2] = Math.exp(e - m);
  return m;
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
 * shifted by its largest term, so nothing overflows for any x. The even and the odd rows are
 * summed apart and added at the end: the order of the two-lane WebAssembly kernel.
 */
function chinchillaObjectiveHuber(d: ChinchillaArrays, delta: number): Objective {
  const { lN, lD, lL, invL, lNu, iN, lDu, iD } = d;
  const n = lL.length, nN = lNu.length, nD = lDu.length;
  const halfDelta = 0.5 * delta;
  const upper = Math.exp(delta), lower = Math.exp(-delta); // r > delta <=> s / L > e^delta
  const uN = new Float64Array(nN), uD = new Float64Array(nD);
  const acc = new Float64Array(2 * LANE); // the sums of the even rows, then of the odd rows
  return (x: Float64Array, g: Float64Array): number => {
    const a = x[0], b = x[1], e = x[2], alpha = x[3], beta = x[4];
    expAffine(uN, a, alpha, lNu, nN);
    expAffine(uD, b, beta, lDu, nD);
    const ee = Math.exp(e);
    acc.fill(0);
    acc[PROD_POS] = acc[LANE + PROD_POS] = acc[PROD_NEG] = acc[LANE + PROD_NEG] = 1;
    for (let k = 0; k < n; k++) {
      const o = (k & 1) * LANE;
      let u1 = uN[iN[k]];
      let u2 = uD[iD[k]];
      let u3 = ee;
      let s = u1 + u2 + u3;
      let h: number; // Huber'(r)
      if (s > 1e-280 && s < 1e280) {
        const q = s * invL[k];
        if (q > upper) {
          // sum r = log(prodPos) + logPos; q < 1e281 / L, so the product stays below 1e301 before a flush
          let p = acc[o + PROD_POS] * q;
          if (p > 1e20) { acc[o + LOG_POS] += Math.log(p); p = 1; }
          acc[o + PROD_POS] = p;
          acc[o + N_POS] += 1;
          h = delta;
        } else if (q < lower) {
          let p = acc[o + PROD_NEG] * q;
          if (p < 1e-20) { acc[o + LOG_NEG] += Math.log(p); p = 1; }
          acc[o + PROD_NEG] = p;
          acc[o + N_NEG] += 1;
          h = -delta;
        } else {
          const r = Math.log(q);
          acc[o + FQ] += 0.5 * r * r;
          h = r;
        }
      } else {
        const m = shiftedTerms(a, b, e, alpha, beta, lN[k], lD[k]);
        u1 = SHIFTED[0];
        u2 = SHIFTED[1];
        u3 = SHIFTED[2];
        s = u1 + u2 + u3;
        const r = m + Math.log(s) - lL[k];
        if (r > delta) {
          acc[o + FQ] += delta * (r - halfDelta);
          h = delta;
        } else if (r < -delta) {
          acc[o + FQ] -= delta * (r + halfDelta);
          h = -delta;
        } else {
          acc[o + FQ] += 0.5 * r * r;
          h = r;
        }
      }
      const hs = h / s;
      const w1 = hs * u1, w2 = hs * u2;
      acc[o + GA] += w1;
      acc[o + GB] += w2;
      acc[o + GE] += hs * u3;
      acc[o + GALPHA] -= w1 * lN[k];
      acc[o + GBETA] -= w2 * lD[k];
    }
    for (let i = 0; i < 5; i++) g[i] = acc[GA + i] + acc[LANE + GA + i];
    const sumPos = lanePart(acc, 0, N_POS, LOG_POS, PROD_POS) + lanePart(acc, LANE, N_POS, LOG_POS, PROD_POS);
    const sumNeg = lanePart(acc, 0, N_NEG, LOG_NEG, PROD_NEG) + lanePart(acc, LANE, N_NEG, LOG_NEG, PROD_NEG);
    const nPos = acc[N_POS] + acc[LANE + N_POS], nNeg = acc[N_NEG] + acc[LANE + N_NEG];
    return acc[FQ] + acc[LANE + FQ] + delta * (sumPos - nPos * halfDelta) - delta * (sumNeg + nNeg * halfDelta);
  };
}

// The Huber objective's sums, kept separately for the even and the odd rows (one f64x2 lane
// each in asm/fit.ts, which must add in the same order to give the same bits): the
// quadratic-zone and shifted-path terms, the products of the ratios beyond the zone on each
// side (flushed to logs), their counts, and the gradient.
const FQ = 0, PROD_POS = 1, LOG_POS = 2, N_POS = 3, PROD_NEG = 4, LOG_NEG = 5, N_NEG = 6;
const GA = 7, GB = 8, GE = 9, GALPHA = 10, GBETA = 11, LANE = 12;

/** One lane's sum of the residuals beyond the zone on one side: logs so far + log of the product. */
function lanePart(acc: Float64Array, o: number, count: number, logs: number, prod: number): number {
  return acc[o + count] > 0 ? acc[o + logs] + Math.log(acc[o + prod]) : 0;
}

/**
 * Summed (weighted) squared log residuals for the Chinchilla form, over x = [a, b, e, alpha,
 * beta]: sum_k w_k r_k^2 with w_k = wPos when r_k > 0, else 1 (mse: wPos = 1). One log per
 * datum; the same overflow guard as the Huber objective.
 */
function chinchillaObjectiveSquared(d: ChinchillaArrays, wPos: number): Objective {
  const { lN, lD, lL, invL, lNu, iN, lDu, iD } = d;
  const n = lL.length, nN = lNu.length, nD = lDu.length;
  const uN = new Float64Array(nN), uD = new Float64Array(nD);
  return (x: Float64Array, g: Float64Array): number => {
    const a = x[0], b = x[1], e = x[2], alpha = x[3], beta = x[4];
    expAffine(uN, a, alpha, lNu, nN);
    expAffine(uD, b, beta, lDu, nD);
    const ee = Math.exp(e);
    let f = 0;
    let ga = 0, gb = 0, ge = 0, galpha = 0, gbeta = 0;
    for (let k = 0; k < n; k++) {
      let u1 = uN[iN[k]];
      let u2 = uD[iD[k]];
      let u3 = ee;
      let s = u1 + u2 + u3;
      let r: number;
      if (s > 1e-280 && s < 1e280) {
        r = Math.log(s * invL[k]);
      } else {
        const m = shiftedTerms(a, b, e, alpha, beta, lN[k], lD[k]);
        u1 = SHIFTED[0];
        u2 = SHIFTED[1];
        u3 = SHIFTED[2];
        s = u1 + u2 + u3;
        r = m + Math.log(s) - lL[k];
      }
      const w = r > 0 ? wPos : 1;
      f += w * r * r;
      const hs = (2 * w * r) / s;
      const w1 = hs * u1, w2 = hs * u2;
      ga += w1;
      gb += w2;
      ge += hs * u3;
      galpha -= w1 * lN[k];
      gbeta -= w2 * lD[k];
    }
    g[0] = ga; g[1] = gb; g[2] = ge; g[3] = galpha; g[4] = gbeta;
    return f;
  };
}

/** What both objectives precompute: 1 / L, and the distinct log N and log D with each row's index. */
function chinchillaArrays(lN: Float64Array, lD: Float64Array, lL: Float64Array): ChinchillaArrays {
  const dN = distinct(lN), dD = distinct(lD);
  return { lN, lD, lL, invL: lL.map((v) => Math.exp(-v)), lNu: dN.values, iN: dN.index, lDu: dD.values, iD: dD.index };
}

/** The objective: on WebAssembly when it loads (./wasm.ts, the same bits), else in JavaScript. */
function chinchillaObjective(lN: Float64Array, lD: Float64Array, lL: Float64Array, loss: Loss): Objective {
  const d = chinchillaArrays(lN, lD, lL);
  const wPos = loss.name === "asymmetric" ? loss.penalty : 1;
  const w = wasmChinchillaObjective(d, loss.name === "huber" ? loss.delta : null, wPos);
  if (w) return w;
  return loss.name === "huber" ? chinchillaObjectiveHuber(d, loss.delta) : chinchillaObjectiveSquared(d, wPos);
}

/**
 * The Chinchilla objective the fit minimises, for inspection and tests: returns
 * fn(x, g) = summed loss at x = [a, b, e, alpha, beta], writing its gradient into g.
 */
export function chinchillaObjectiveFn(
  N: ArrayLike<number>,
  D: ArrayLike<number>,
  L: ArrayLike<number>,
  loss: Loss = DEFAULT_LOSS,
): Objective {
  checkLength("N", N, L.length, "L");
  checkLength("D", D, L.length, "L");
  return chinchillaObjective(logColumn("N", N), logColumn("D", D), logColumn("L", L), loss);
}

/** Log residuals (log prediction - log L) of the Chinchilla form at x = [a, b, e, alpha, beta]. */
function chinchillaResiduals(x: Float64Array, lN: Float64Array, lD: Float64Array, lL: Float64Array): Float64Array {
  const out = new Float64Array(lL.length);
  for (let k = 0; k < lL.length; k++) {
    const t1 = x[0] - x[3] * lN[k];
    const t2 = x[1] - x[4] * lD[k];
    const m = Math.max(t1, t2, x[2]);
    out[k] = m + Math.log(Math.exp(t1 - m) + Math.exp(t2 - m) + Math.exp(x[2] - m)) - lL[k];
  }
  return out;
}

function rms(v: Float64Array): number {
  let ss = 0;
  for (let k = 0; k < v.length; k++) ss += v[k] * v[k];
  return Math.sqrt(ss / v.length);
}

export interface ChinchillaFitOptions {
  /** The objective (default Huber, delta 1e-3: DEFAULT_LOSS; makeLoss gives another). */
  loss?: Loss;
  /** Start grid (default CHINCHILLA_GRID, 4500 starts). */
  grid?: ChinchillaGrid;
  /** Further starts, tried after the grid (e.g. a previous optimum). */
  extraStarts?: ChinchillaParams[];
  /** Called after each start with (starts done, total starts). */
  onProgress?: (done: number, total: number) => void;
}

/** A Chinchilla fit's data and starts, ready to run (see fitChinchilla and ./parallel.ts). */
export interface ChinchillaProblem {
  /** The rows the starts run on: every row, or above CHINCHILLA_LARGE_N a strided subsample. */
  lN: Float64Array;
  lD: Float64Array;
  lL: Float64Array;
  /** Every row, when lN, lD, lL are a subsample (the best end point is polished here); else null. */
  all: { lN: Float64Array; lD: Float64Array; lL: Float64Array } | null;
  loss: Loss;
  /** Starts, 5 values each ([a, b, e, alpha, beta]), grid first in the reference order. */
  starts: Float64Array;
  count: number;
}

/** Validate the input and lay out the starts. */
export function chinchillaProblem(
  N: ArrayLike<number>,
  D: ArrayLike<number>,
  L: ArrayLike<number>,
  opts: ChinchillaFitOptions = {},
): ChinchillaProblem {
  const n = L.length;
  checkLength("N", N, n, "L");
  checkLength("D", D, n, "L");
  const lN = logColumn("N", N);
  const lD = logColumn("D", D);
  const lL = logColumn("L", L);
  checkCount("Chinchilla", n, 5);
  const loss = opts.loss ?? DEFAULT_LOSS;
  const grid = opts.grid ?? CHINCHILLA_GRID;
  const extra = opts.extraStarts ?? [];
  for (const p of extra) {
    if (![p.E, p.A, p.B].every((v) => v > 0 && Number.isFinite(v)) || ![p.alpha, p.beta].every(Number.isFinite)) {
      throw new FitInputError(`extra start ${JSON.stringify(p)} needs finite alpha, beta and positive finite E, A, B`);
    }
  }
  const count = grid.alpha.length * grid.beta.length * grid.e.length * grid.a.length * grid.b.length + extra.length;
  const starts = new Float64Array(5 * count);
  let i = 0;
  const put = (a: number, b: number, e: number, alpha: number, beta: number): void => {
    starts[i++] = a; starts[i++] = b; starts[i++] = e; starts[i++] = alpha; starts[i++] = beta;
  };
  // Same order as the reference script's itertools.product(alpha, beta, e, a, b).
  for (const alpha of grid.alpha)
    for (const beta of grid.beta)
      for (const e of grid.e)
        for (const a of grid.a)
          for (const b of grid.b) put(a, b, e, alpha, beta);
  for (const p of extra) put(Math.log(p.A), Math.log(p.B), Math.log(p.E), p.alpha, p.beta);
  if (n <= CHINCHILLA_LARGE_N) return { lN, lD, lL, all: null, loss, starts, count };
  const sub = stride(n, CHINCHILLA_SUBSAMPLE);
  const pick = (v: Float64Array) => Float64Array.from(sub, (k) => v[k]);
  return { lN: pick(lN), lD: pick(lD), lL: pick(lL), all: { lN, lD, lL }, loss, starts, count };
}

/**
 * The objective of a problem (each thread builds its own: it keeps work buffers). Build it
 * once per problem and thread and reuse it: V8 specialises the first closure of a function
 * literal to its captured data, and the code of every later closure of the same literal runs
 * ~25-45% slower (measured on the Chinchilla fit), so the starts and the polish of one fit
 * share one objective.
 */
export function problemObjective(p: ChinchillaProblem): Objective {
  return chinchillaObjective(p.lN, p.lD, p.lL, p.loss);
}

/** Polish the merged end points of a problem's starts and return the fit. */
export function finishChinchilla(
  p: ChinchillaProblem,
  top: readonly EndPoint[],
  evaluations: number,
  fn: Objective = problemObjective(p),
): FitResult<ChinchillaParams> {
  if (top.length === 0) throw new FitInputError("Chinchilla fit: no start reached a finite objective");
  let best = polish(fn, 5, top);
  const rows = p.all ?? p;
  if (p.all) {
    // The subsample's optimum, polished on every row (as the power law's large-input path).
    evaluations += best.evaluations;
    best = polish(chinchillaObjective(rows.lN, rows.lD, rows.lL, p.loss), 5, [{ f: Infinity, x: best.x, index: 0 }], LARGE_POLISH_OPTS);
  }
  const bx = best.x;
  return {
    form: "chinchilla",
    n: rows.lL.length,
    params: { E: Math.exp(bx[2]), A: Math.exp(bx[0]), B: Math.exp(bx[1]), alpha: bx[3], beta: bx[4] },
    loss: p.loss,
    objective: best.f,
    rmse_log: rms(chinchillaResiduals(bx, rows.lN, rows.lD, rows.lL)),
    starts: p.count,
    evaluations: evaluations + best.evaluations,
    theta: Float64Array.from(bx),
  };
}

/** Fit L = E + A / N^alpha + B / D^beta (see the file comment for the method). */
export function fitChinchilla(
  N: ArrayLike<number>,
  D: ArrayLike<number>,
  L: ArrayLike<number>,
  opts: ChinchillaFitOptions = {},
): FitResult<ChinchillaParams> {
  const p = chinchillaProblem(N, D, L, opts);
  let done = 0;
  const onStart = opts.onProgress ? () => opts.onProgress!(++done, p.count) : undefined;
  const fn = problemObjective(p);
  const r = runStarts(fn, 5, p.starts, 0, p.count, onStart);
  return finishChinchilla(p, r.top, r.evaluations, fn);
}

/** Chinchilla prediction E + A / N^alpha + B / D^beta. */
export function chinchillaLoss(p: ChinchillaParams, N: number, D: number): number {
  return p.E + p.A * Math.pow(N, -p.alpha) + p.B * Math.pow(D, -p.beta);
}

/** Power-law prediction E + A x^-alpha. */
export function powerLawLoss(p: PowerLawParams, x: number): number {
  return p.E + p.A * Math.pow(x, -p.alpha);
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
 * (dim 3), or over [a, alpha] with e fixed (dim 2; e = -inf for E = 0). As the Chinchilla
 * objective: e^(a - alpha log x) once per distinct x, and no log per datum outside Huber's
 * quadratic zone (the sum of those residuals is the log of a product of ratios).
 */
function powerLawObjectiveHuber(lx: Float64Array, lL: Float64Array, delta: number, eFixed: number | null): Objective {
  const n = lL.length;
  const halfDelta = 0.5 * delta;
  const upper = Math.exp(delta), lower = Math.exp(-delta);
  const invL = lL.map((v) => Math.exp(-v));
  const dx = distinct(lx);
  const lxu = dx.values, ix = dx.index, nx = lxu.length;
  const ux = new Float64Array(nx);
  return (x: Float64Array, g: Float64Array): number => {
    const a = x[0], alpha = x[1];
    const e = eFixed === null ? x[2] : eFixed;
    expAffine(ux, a, alpha, lxu, nx);
    const ee = Math.exp(e);
    let fq = 0;
    let prodPos = 1, logPos = 0, nPos = 0;
    let prodNeg = 1, logNeg = 0, nNeg = 0;
    let ga = 0, galpha = 0, ge = 0;
    for (let k = 0; k < n; k++) {
      let u1 = ux[ix[k]];
      let u2 = ee;
      let s = u1 + u2;
      let h: number;
      if (s > 1e-280 && s < 1e280) {
        const q = s * invL[k];
        if (q > upper) {
          prodPos *= q;
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
        const t1 = a - alpha * lx[k];
        const m = t1 > e ? t1 : e;
        u1 = Math.exp(t1 - m);
        u2 = Math.exp(e - m);
        s = u1 + u2;
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
      const w1 = hs * u1;
      ga += w1;
      galpha -= w1 * lx[k];
      ge += hs * u2;
    }
    g[0] = ga; g[1] = galpha;
    if (eFixed === null) g[2] = ge;
    const sumPos = nPos > 0 ? logPos + Math.log(prodPos) : 0;
    const sumNeg = nNeg > 0 ? logNeg + Math.log(prodNeg) : 0;
    return fq + delta * (sumPos - nPos * halfDelta) - delta * (sumNeg + nNeg * halfDelta);
  };
}

/** Summed (weighted) squared log residuals for the power law (see chinchillaObjectiveSquared). */
function powerLawObjectiveSquared(lx: Float64Array, lL: Float64Array, wPos: number, eFixed: number | null): Objective {
  const n = lL.length;
  const invL = lL.map((v) => Math.exp(-v));
  const dx = distinct(lx);
  const lxu = dx.values, ix = dx.index, nx = lxu.length;
  const ux = new Float64Array(nx);
  return (x: Float64Array, g: Float64Array): number => {
    const a = x[0], alpha = x[1];
    const e = eFixed === null ? x[2] : eFixed;
    expAffine(ux, a, alpha, lxu, nx);
    const ee = Math.exp(e);
    let f = 0, ga = 0, galpha = 0, ge = 0;
    for (let k = 0; k < n; k++) {
      let u1 = ux[ix[k]];
      let u2 = ee;
      let s = u1 + u2;
      let r: number;
      if (s > 1e-280 && s < 1e280) {
        r = Math.log(s * invL[k]);
      } else {
        const t1 = a - alpha * lx[k];
        const m = t1 > e ? t1 : e;
        u1 = Math.exp(t1 - m);
        u2 = Math.exp(e - m);
        s = u1 + u2;
        r = m + Math.log(s) - lL[k];
      }
      const w = r > 0 ? wPos : 1;
      f += w * r * r;
      const hs = (2 * w * r) / s;
      const w1 = hs * u1;
      ga += w1;
      galpha -= w1 * lx[k];
      ge += hs * u2;
    }
    g[0] = ga; g[1] = galpha;
    if (eFixed === null) g[2] = ge;
    return f;
  };
}

function powerLawObjective(lx: Float64Array, lL: Float64Array, loss: Loss, eFixed: number | null): Objective {
  switch (loss.name) {
    case "huber": return powerLawObjectiveHuber(lx, lL, loss.delta, eFixed);
    case "mse": return powerLawObjectiveSquared(lx, lL, 1, eFixed);
    case "asymmetric": return powerLawObjectiveSquared(lx, lL, loss.penalty, eFixed);
  }
}

/** Log residuals of the power law at [a, alpha] with log E = e (may be -inf). */
function powerLawResiduals(a: number, alpha: number, e: number, lx: Float64Array, lL: Float64Array): Float64Array {
  const out = new Float64Array(lL.length);
  for (let k = 0; k < lL.length; k++) {
    const t1 = a - alpha * lx[k];
    const m = t1 > e ? t1 : e;
    out[k] = m + Math.log(Math.exp(t1 - m) + Math.exp(e - m)) - lL[k];
  }
  return out;
}

/**
 * The power-law objective the fit minimises, for inspection and diagnostics: fn(x, g) at
 * x = [a, alpha, e] (E free) or [a, alpha] (E fixed to fixE; 0 for a pure power law).
 */
export function powerLawObjectiveFn(x: ArrayLike<number>, L: ArrayLike<number>, loss: Loss = DEFAULT_LOSS, fixE: number | null = null): Objective {
  checkLength("x", x, L.length, "L");
  return powerLawObjective(logColumn("x", x), logColumn("L", L), loss, fixE === null ? null : Math.log(fixE));
}

export interface PowerLawFitOptions {
  /** null/undefined: fit E; a number >= 0: hold E at this value (0: a pure power law). */
  fixE?: number | null;
  /** The objective (default Huber, delta 1e-3: DEFAULT_LOSS; makeLoss gives another). */
  loss?: Loss;
  /** Called as the fit goes, with (work done, total work). */
  onProgress?: (done: number, total: number) => void;
}

/** Every k-th of n indices, about `m` of them. */
function stride(n: number, m: number): Int32Array {
  const k = Math.ceil(n / m);
  const out = new Int32Array(Math.ceil(n / k));
  for (let i = 0; i < out.length; i++) out[i] = i * k;
  return out;
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
  const loss = opts.loss ?? DEFAULT_LOSS;
  const fixE = opts.fixE ?? null;
  if (fixE !== null && !(Number.isFinite(fixE) && fixE >= 0)) {
    throw new FitInputError(`fixed E must be a finite number >= 0, got ${fixE}`);
  }
  let xmin = Infinity, xmax = -Infinity;
  for (let k = 0; k < n; k++) {
    if (lx[k] < xmin) xmin = lx[k];
    if (lx[k] > xmax) xmax = lx[k];
  }
  const eFixed = fixE === null ? null : Math.log(fixE); // log 0 = -inf: a pure power law
  const dim = eFixed === null ? 3 : 2;
  checkCount(fixE === 0 ? "power-law (E = 0)" : "power-law", n, dim);
  if (!(xmax > xmin)) throw new FitInputError("power-law fit: all x values are equal, the exponent is undetermined");

  // The grid of starts, on every row or (large inputs) on a strided subsample.
  const sub = n > LARGE_N ? stride(n, LARGE_N / 2) : null;
  const gridFn = sub
    ? powerLawObjective(Float64Array.from(sub, (i) => lx[i]), Float64Array.from(sub, (i) => lL[i]), loss, eFixed)
    : powerLawObjective(lx, lL, loss, eFixed);
  const es = eFixed === null ? POWERLAW_GRID.e : [eFixed];
  const count = POWERLAW_GRID.alpha.length * es.length * POWERLAW_GRID.a.length;
  const starts = new Float64Array(dim * count);
  let i = 0;
  for (const alpha of POWERLAW_GRID.alpha)
    for (const e of es)
      for (const a of POWERLAW_GRID.a) {
        starts[i++] = a; starts[i++] = alpha;
        if (dim === 3) starts[i++] = e;
      }
  let done = 0;
  const total = count + (sub ? 1 : 0);
  const onStart = opts.onProgress ? () => opts.onProgress!(++done, total) : undefined;
  const r = runStarts(gridFn, dim, starts, 0, count, onStart);
  if (r.top.length === 0) throw new FitInputError("power-law fit: no start reached a finite objective");
  let best;
  let evaluations = r.evaluations;
  if (sub) {
    // Polish the subsample's end points there, then only the best one on every row.
    const pre = polish(gridFn, dim, r.top);
    evaluations += pre.evaluations;
    // From the subsample's optimum: f tolerance 2.2e-11 x max(|f|, 1), a few dozen passes over the rows.
    best = polish(powerLawObjective(lx, lL, loss, eFixed), dim, [{ f: Infinity, x: pre.x, index: 0 }], LARGE_POLISH_OPTS);
    onStart?.();
  } else {
    best = polish(gridFn, dim, r.top);
  }
  evaluations += best.evaluations;
  const bx = best.x;
  const e = eFixed === null ? bx[2] : eFixed;
  return {
    form: "powerlaw", n,
    params: { E: fixE === null ? Math.exp(e) : fixE, A: Math.exp(bx[0]), alpha: bx[1] },
    loss,
    objective: best.f,
    rmse_log: rms(powerLawResiduals(bx[0], bx[1], e, lx, lL)),
    starts: count,
    evaluations,
    theta: Float64Array.from(bx),
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
export function quantileSorted(v: ArrayLike<number>, q: number): number {
  const h = (v.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, v.length - 1);
  return v[lo] + (h - lo) * (v[hi] - v[lo]);
}

/** The central `level` percentile interval of the values (any order; not modified). */
export function percentileInterval(v: ArrayLike<number>, level: number): [number, number] {
  const sorted = Float64Array.from(v).sort();
  const lo = (1 - level) / 2;
  return [quantileSorted(sorted, lo), quantileSorted(sorted, 1 - lo)];
}

function checkBootstrap(nRows: number, K: number, level: number): void {
  if (!(Number.isInteger(nRows) && nRows >= 1)) throw new FitInputError(`bootstrap needs at least one row, got ${nRows}`);
  if (!(Number.isInteger(K) && K >= 2)) throw new FitInputError(`bootstrap needs K >= 2 resamples, got ${K}`);
  if (!(level > 0 && level < 1)) throw new FitInputError(`bootstrap level must be in (0, 1), got ${level}`);
}

/**
 * The K resamples of a bootstrap, drawn with the seeded project Rng (reproducible): by row,
 * nRows row indices drawn with replacement; by cluster (`clusters`: the rows of each run), as
 * many clusters as there are, drawn with replacement, their rows concatenated. Points of one
 * training run are strongly correlated, so resampling whole runs gives honest intervals.
 */
export function resampleIndices(nRows: number, K: number, seed: number, clusters?: readonly Int32Array[] | null): Int32Array[] {
  const rng = new Rng(seed);
  const out: Int32Array[] = [];
  for (let r = 0; r < K; r++) {
    if (!clusters) {
      const idx = new Int32Array(nRows);
      for (let i = 0; i < nRows; i++) idx[i] = rng.nextInt(nRows);
      out.push(idx);
      continue;
    }
    const pick: Int32Array[] = [];
    let size = 0;
    for (let c = 0; c < clusters.length; c++) {
      const cl = clusters[rng.nextInt(clusters.length)];
      pick.push(cl);
      size += cl.length;
    }
    const idx = new Int32Array(size);
    let at = 0;
    for (const cl of pick) { idx.set(cl, at); at += cl.length; }
    out.push(idx);
  }
  return out;
}

/** Per parameter, the values over the resamples (each an object of numeric parameters). */
export function collectSamples(params: readonly object[]): Record<string, Float64Array> {
  const samples: Record<string, Float64Array> = {};
  params.forEach((p, r) => {
    for (const [key, v] of Object.entries(p)) {
      if (typeof v !== "number") continue;
      (samples[key] ??= new Float64Array(params.length))[r] = v;
    }
  });
  return samples;
}

/** Percentile intervals of every parameter's samples. */
export function intervalsOf(samples: Record<string, Float64Array>, level: number): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const key of Object.keys(samples)) out[key] = percentileInterval(samples[key], level);
  return out;
}

/**
 * Nonparametric bootstrap: K times, resample nRows row indices with replacement (seeded
 * project Rng, so the result is reproducible), refit with fitFn, and return for every numeric
 * parameter the percentile interval [(1 - level) / 2, (1 + level) / 2] (default 2.5%, 97.5%).
 * Errors thrown by fitFn propagate.
 */
export function bootstrap<P extends object>(
  fitFn: (idx: Int32Array) => { params: P },
  nRows: number,
  K: number,
  seed: number,
  level = 0.95,
  onProgress?: (done: number, total: number) => void,
  clusters?: readonly Int32Array[] | null,
): Record<keyof P & string, [number, number]> {
  checkBootstrap(nRows, K, level);
  const params = resampleIndices(nRows, K, seed, clusters).map((idx, r) => {
    const p = fitFn(idx).params;
    onProgress?.(r + 1, K);
    return p;
  });
  return intervalsOf(collectSamples(params), level) as Record<keyof P & string, [number, number]>;
}

export function take(v: ArrayLike<number>, idx: Int32Array): Float64Array {
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
  /** Resample these clusters of rows (e.g. one per run) rather than single rows. */
  clusters?: readonly Int32Array[] | null;
  onProgress?: (done: number, total: number) => void;
}

function atLeastTiny(v: number): number {
  return v > 1e-300 ? v : 1e-300;
}

/**
 * Options of a Chinchilla bootstrap refit: BOOTSTRAP_CHINCHILLA_GRID (32 starts) plus the
 * full-data optimum rather than the 4500-start grid, to save time (the point estimate is the
 * caller's full-grid fit).
 */
export function chinchillaRefitOptions(full: FitResult<ChinchillaParams>, loss: Loss, grid?: ChinchillaGrid): ChinchillaFitOptions {
  return {
    loss,
    grid: grid ?? BOOTSTRAP_CHINCHILLA_GRID,
    // A fitted E, A or B can underflow to 0 (its log went to -inf, e.g. no irreducible loss
    // in the data): warm-start from the smallest positive value instead.
    extraStarts: [{ ...full.params, E: atLeastTiny(full.params.E), A: atLeastTiny(full.params.A), B: atLeastTiny(full.params.B) }],
  };
}

/** Bootstrap intervals for a Chinchilla fit (refits as chinchillaRefitOptions). */
export function bootstrapChinchilla(
  N: ArrayLike<number>,
  D: ArrayLike<number>,
  L: ArrayLike<number>,
  full: FitResult<ChinchillaParams>,
  opts: BootstrapOptions & { loss?: Loss; grid?: ChinchillaGrid } = {},
): Record<keyof ChinchillaParams, [number, number]> {
  const fitOpts = chinchillaRefitOptions(full, opts.loss ?? full.loss ?? DEFAULT_LOSS, opts.grid);
  return bootstrap(
    (idx) => fitChinchilla(take(N, idx), take(D, idx), take(L, idx), fitOpts),
    L.length, opts.K ?? 100, opts.seed ?? 0, opts.level ?? 0.95, opts.onProgress, opts.clusters,
  );
}

/** Bootstrap intervals for a power-law fit (each refit is the full, cheap, 150-start fit). */
export function bootstrapPowerLaw(
  x: ArrayLike<number>,
  L: ArrayLike<number>,
  opts: BootstrapOptions & PowerLawFitOptions = {},
): Record<keyof PowerLawParams, [number, number]> {
  const fitOpts: PowerLawFitOptions = { fixE: opts.fixE, loss: opts.loss };
  return bootstrap(
    (idx) => fitPowerLaw(take(x, idx), take(L, idx), fitOpts),
    L.length, opts.K ?? 100, opts.seed ?? 0, opts.level ?? 0.95, opts.onProgress, opts.clusters,
  );
}
