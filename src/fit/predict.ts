/** The fitted law at given points, and --predict's bootstrap intervals (confidence and prediction). */
import { Rng } from "../engine/rng.js";
import { chinchillaLoss, percentileInterval, powerLawLoss, type ChinchillaParams, type FitResult, type PowerLawParams } from "./index.js";
import type { AnyParams, FitPlan, Prediction } from "./outcome.js";

/** The law at a point (x values in the plan's --x order). */
export function lawAt(form: FitPlan["form"], p: AnyParams, x: readonly number[]): number {
  return form === "chinchilla" ? chinchillaLoss(p as ChinchillaParams, x[0], x[1]) : powerLawLoss(p as PowerLawParams, x[0]);
}

/** Draws of the data's residual scatter per bootstrap refit, for prediction intervals. */
const SCATTER_DRAWS = 20;

export function predictions(plan: FitPlan, fit: FitResult<AnyParams>, xs: Float64Array[], ys: Float64Array, samples: AnyParams[] | null): Prediction[] | null {
  if (!plan.predict) return null;
  // Log residuals of the data about the fitted law (data minus law): the scatter of one run.
  const resid = new Float64Array(ys.length);
  for (let k = 0; k < ys.length; k++) resid[k] = Math.log(ys[k]) - Math.log(lawAt(plan.form, fit.params, xs.map((c) => c[k])));
  const level = plan.bootstrap?.level ?? 0.95;
  return plan.predict.map((pt, j) => {
    const x = Object.fromEntries(plan.x.map((c, i) => [c, pt[i]]));
    const predicted = lawAt(plan.form, fit.params, pt);
    if (!samples) return { x, predicted, confidence: null, prediction: null };
    const mean = Float64Array.from(samples, (p) => lawAt(plan.form, p, pt));
    const rng = new Rng((plan.bootstrap!.seed + 1 + j) >>> 0);
    const draws = new Float64Array(mean.length * SCATTER_DRAWS);
    for (let b = 0; b < mean.length; b++) {
      for (let m = 0; m < SCATTER_DRAWS; m++) draws[b * SCATTER_DRAWS + m] = mean[b] * Math.exp(resid[rng.nextInt(resid.length)]);
    }
    return { x, predicted, confidence: percentileInterval(mean, level), prediction: percentileInterval(draws, level) };
  });
}
