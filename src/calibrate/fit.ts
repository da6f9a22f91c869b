/**
 * The fit: a log-spaced grid search, then Nelder-Mead and Levenberg-Marquardt in log space from
 * the best grid point (the method is in ./index.ts); the per-skill errors, the bootstrap
 * (./bootstrap.ts), the identification check (./identification.ts) and the notes at the optimum.
 */
import type { Config } from "../config/schema.js";
import { nelderMead, type Minimum } from "../engine/optim/nelder-mead.js";
import { levenbergMarquardt, type LeastSquares } from "../engine/optim/levenberg-marquardt.js";
import { bootstrapCalibration } from "./bootstrap.js";
import { CalibrateError, calibrationOf, fmt } from "./common.js";
import { identification } from "./identification.js";
import { Objective } from "./objective.js";
import type { CalibrateOptions, Param, Plan } from "./plan.js";
import type { CalibrationResult } from "./result.js";

/** f over the log-spaced grid (G points per parameter); the best point. */
function gridSearch(ps: Param[], G: number, f: (x: Float64Array) => number, onPoint?: (done: number) => void): Minimum {
  const P = ps.length;
  const x = new Float64Array(P);
  const best: Minimum = { x: new Float64Array(P), f: Infinity };
  const total = Math.pow(G, P);
  for (let c = 0; c < total; c++) {
    let r = c;
    for (let j = 0; j < P; j++) {
      const g = r % G;
      r = Math.floor(r / G);
      const lo = Math.log(ps[j].lo), hi = Math.log(ps[j].hi);
      x[j] = G === 1 ? (lo + hi) / 2 : lo + ((hi - lo) * g) / (G - 1);
    }
    const v = f(x);
    if (v < best.f) {
      best.f = v;
      best.x.set(x);
    }
    if (onPoint && (c & 15) === 15) onPoint(c + 1);
  }
  return best;
}

export const TOLERANCE = "parameters to a relative 1e-6 when the data identify them (Levenberg-Marquardt to a step below 1e-13 in log space)";

export function calibrate(p: Plan, opts: CalibrateOptions): CalibrationResult {
  const obj = new Objective(p);
  const P = p.params.length;
  const G = opts.grid ?? 21;
  const vals = new Float64Array(P);
  const lo = p.params.map((q) => Math.log(q.min)), hi = p.params.map((q) => Math.log(q.max));
  const inBounds = (x: Float64Array) => x.every((v, j) => v >= lo[j] && v <= hi[j]);
  const toValues = (x: Float64Array, out: Float64Array) => { for (let j = 0; j < P; j++) out[j] = Math.exp(x[j]); };
  const f = (x: Float64Array) => {
    if (!inBounds(x)) return Infinity;
    toValues(x, vals);
    return obj.mse(vals);
  };
  // The residuals in log space, for Levenberg-Marquardt (its own buffer of parameter values).
  const lmVals = new Float64Array(P);
  const leastSquares: LeastSquares = {
    count: obj.plan.pIdx.length,
    residuals: (x, res) => {
      toValues(x, lmVals);
      if (!obj.evaluateModel(lmVals)) return NaN;
      return obj.residuals(res);
    },
    objective: (x) => {
      toValues(x, lmVals);
      return obj.mse(lmVals);
    },
  };
  const bootK = opts.bootstrap?.K ?? 0;
  const gridPoints = P === 0 ? 0 : Math.pow(G, P);
  // Progress: each grid point, the refinement, each bootstrap refit.
  // Progress in trials (model runs), as the budget counts them: each grid point one, the
  // refinement and each bootstrap refit their estimated share, so the bar moves with the work.
  const total = gridPoints + REFINE_TRIALS + bootK * REFIT_TRIALS;
  const progress = (d: number) => opts.onProgress?.(Math.min(d, total), total);
  checkBudget(p, gridPoints, bootK);

  const fitFrom = (start: Minimum, step: Float64Array): Minimum => {
    const nm = nelderMead(f, start.x, step, 1e-5); // near enough for Levenberg-Marquardt, which finishes the job
    const best = nm.f <= start.f ? nm : start;
    return levenbergMarquardt(leastSquares, best, inBounds);
  };

  let opt: Minimum;
  if (P === 0) opt = { x: new Float64Array(0), f: obj.mse(vals) };
  else {
    const g = gridSearch(p.params, G, f, progress);
    if (!Number.isFinite(g.f)) throw new CalibrateError("the toy model failed (not finite) at every grid point; check the --set keys");
    const step = Float64Array.from(p.params, (q) => (Math.log(q.hi) - Math.log(q.lo)) / Math.max(1, G - 1));
    opt = fitFrom(g, step);
  }
  progress(gridPoints + REFINE_TRIALS);
  toValues(opt.x, vals);
  const fitted = Float64Array.from(vals);

  // Per-skill errors at the optimum.
  obj.evaluateModel(fitted);
  const se = new Float64Array(p.n), cnt = new Float64Array(p.n);
  for (let j = 0; j < p.pIdx.length; j++) {
    const r = obj.out[p.pIdx[j]] - p.pVal[j];
    const i = p.pCurve[j] % p.n;
    se[i] += r * r;
    cnt[i]++;
  }
  const skills = Array.from({ length: p.n }, (_, i) => ({ index: i + 1, rmse: cnt[i] ? Math.sqrt(se[i] / cnt[i]) : 0, points: cnt[i] }));
  const worst = skills.reduce((a, b) => (b.rmse > a.rmse ? b : a), skills[0]);

  // Bootstrap: resample units (skills, or runs when several), refit from the optimum.
  const { intervals, bootstrap } = opts.bootstrap && P > 0
    ? bootstrapCalibration(p, obj, opt, opts.bootstrap, f, fitFrom, (b) => progress(gridPoints + REFINE_TRIALS + (b + 1) * REFIT_TRIALS))
    : { intervals: null, bootstrap: null };

  const config = obj.configFor(fitted);
  const params: Record<string, number> = {};
  p.params.forEach((q, j) => (params[q.name] = fitted[j]));
  const atBound = p.params.filter((q, j) => opt.x[j] - lo[j] < 1e-3 || hi[j] - opt.x[j] < 1e-3).map((q) => q.name);
  const notes = [...p.notes];
  const evaluations = obj.evaluations; // the search's; the identification check below is not part of it
  const notIdentified = P > 0 ? identification(obj, p, opt, toValues) : null;
  if (notIdentified) notes.push(`not identified: ${notIdentified}; the value depends on where the search starts (e.g. --grid), not on the data`);
  for (const name of atBound) notes.push(`${name} ran to its search bound: the curves do not constrain it (for N0: a very large N0 is independent, exponential learning; a very small one strictly serial)`);
  if (p.frequencyNote) notes.push(`frequencies: ${p.frequencyNote}`);
  return {
    model: p.model,
    params,
    fixed: fixedOf(config, p.params.map((q) => q.name)),
    rmse: Math.sqrt(opt.f),
    n_points: p.pIdx.length,
    skills,
    worst_skill: { index: worst.index, rmse: worst.rmse },
    intervals,
    bootstrap,
    config,
    compare: p.compare.text,
    time_alignment: calibrationOf(config.model).timeAlignment(config),
    search: {
      grid: p.params.map((q) => ({ name: q.name, lo: q.lo, hi: q.hi, points: G, centre: q.start })),
      evaluations,
      at_bound: atBound,
      not_identified: notIdentified,
      tolerance: TOLERANCE,
    },
    notes,
  };
}

const sci = (x: number): string => (Math.abs(x) >= 1e5 ? Number(x.toPrecision(3)).toExponential() : fmt(x));

/** Trials (model runs) the refinement takes, about, and each bootstrap refit: what the budget and the progress bar count. */
const REFINE_TRIALS = 400;
const REFIT_TRIALS = 150;

/** Work (skill-steps of the map) a calibration may take before it is refused: minutes at most. */
export const MAP_WORK_BUDGET = 2e10;

/** The map runs every update up to the last observed time for each trial: refuse what would run for hours. */
function checkBudget(p: Plan, gridPoints: number, bootK: number): void {
  const every = calibrationOf(p.base.model).everyUpdate?.(p.base) ?? null;
  if (every === null) return;
  const trials = gridPoints + REFINE_TRIALS + bootK * REFIT_TRIALS; // the refinement takes a few hundred trials at most, a refit about a hundred
  const work = trials * Math.ceil(p.horizon) * p.n;
  if (work > MAP_WORK_BUDGET)
    throw new CalibrateError(
      `the observations run to t = ${sci(p.horizon)}, and ${every.runner} runs every update for each of about ${sci(trials)} trials (${sci(work)} skill-steps, more than the ${sci(MAP_WORK_BUDGET)} a calibration may take); ` +
        `use ${every.instead}, a shorter horizon (--set steps=T leaves later points out) or a coarser --grid`,
    );
}

/** The toy model's other physical settings (what was held fixed). */
function fixedOf(cfg: Config, fitted: string[]): Record<string, unknown> {
  const out = calibrationOf(cfg.model).fixed(cfg, fitted);
  out.frequencies = cfg.skills.frequencies;
  out.steps = cfg.steps;
  return out;
}
