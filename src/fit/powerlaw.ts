/** The power-law fit of L(x) = E + A x^-alpha, E free or fixed (see ./index.ts). */

import { FitInputError, type FitResult, type PowerLawParams } from "./result.js";
import { DEFAULT_LOSS, type Loss } from "./loss.js";
import { checkCount, checkLength, logColumn } from "./check.js";
import { rms, stride } from "./rows.js";
import { LARGE_POLISH_OPTS, polish, range, runStarts } from "./multistart.js";
import { powerLawObjective, powerLawResiduals } from "./powerlaw-objective.js";

/** Above this many rows a power-law grid runs on a strided subsample (see ./index.ts). */
export const LARGE_N = 4096;

/** Start grid for the power law with E free: alpha x e x a = 5 x 5 x 6 = 150 starts. */
export const POWERLAW_GRID = Object.freeze({
  alpha: range(0, 2, 0.5),
  e: range(-1, 1, 0.5),
  a: range(0, 25, 5),
});

export interface PowerLawFitOptions {
  /** null/undefined: fit E; a number >= 0: hold E at this value (0: a pure power law). */
  fixE?: number | null;
  /** The objective (default Huber, delta 1e-3: DEFAULT_LOSS; makeLoss gives another). */
  loss?: Loss;
  /** Called as the fit goes, with (work done, total work). */
  onProgress?: (done: number, total: number) => void;
}

/** Fit L = E + A x^-alpha (the method is in ./index.ts). */
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

/** Power-law prediction E + A x^-alpha. */
export function powerLawLoss(p: PowerLawParams, x: number): number {
  return p.E + p.A * Math.pow(x, -p.alpha);
}
