/**
 * The Chinchilla fit of L(N, D) = E + A / N^alpha + B / D^beta: its start grids, its problem
 * (data and starts, ready to run on one thread or several), and the fit (see ./index.ts).
 */

import type { Objective } from "../engine/optim/lbfgs.js";
import { FitInputError, type ChinchillaParams, type FitResult } from "./result.js";
import { DEFAULT_LOSS, type Loss } from "./loss.js";
import { checkCount, checkLength, logColumn } from "./check.js";
import { rms, stride } from "./rows.js";
import { LARGE_POLISH_OPTS, polish, range, runStarts, type EndPoint } from "./multistart.js";
import { chinchillaObjective, chinchillaResiduals } from "./chinchilla-objective.js";

/** Start grid for the Chinchilla fit (values in the fitted coordinates). */
export interface ChinchillaGrid { alpha: number[]; beta: number[]; e: number[]; a: number[]; b: number[] }

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

/**
 * Above this many rows the Chinchilla starts run on a strided subsample of at most
 * CHINCHILLA_SUBSAMPLE rows (683-1,024: every k-th row): 4,500 starts cost about 1.3 ms of CPU
 * per row (measured, rows of distinct N and D), so the grid's cost stops growing with the rows.
 */
export const CHINCHILLA_LARGE_N = 2048;
export const CHINCHILLA_SUBSAMPLE = 1024;

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

/** Fit L = E + A / N^alpha + B / D^beta (the method is in ./index.ts). */
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
