/**
 * The objective: the toy model's levels (or progress) at the plan's observed times for given
 * parameter values, and the weighted mean squared residual over the observed points.
 */
import type { Config } from "../config/schema.js";
import { calibrationOf } from "./common.js";
import type { Plan } from "./plan.js";
import type { CalibrationResult } from "./result.js";

/** Evaluates the toy model for parameter values and the weighted mean squared residual. */
export class Objective {
  readonly K: number;
  readonly out: Float64Array; // n*K model values at plan.times
  readonly weights: Float64Array; // per curve (runs*n)
  evaluations = 0;
  private readonly cfg: Record<string, any>;

  constructor(readonly plan: Plan) {
    this.K = plan.times.length;
    this.out = new Float64Array(plan.n * this.K);
    this.weights = new Float64Array(plan.runs * plan.n).fill(1);
    this.cfg = { ...plan.base }; // the trial config: the base with the fitted keys replaced
  }

  /** The toy config for values (in plan.params order). */
  configFor(values: ArrayLike<number>): Config {
    const c: Record<string, any> = { ...this.plan.base };
    this.apply(c, values);
    return c as Config;
  }

  private apply(c: Record<string, any>, values: ArrayLike<number>): void {
    const ps = this.plan.params;
    for (let j = 0; j < ps.length; j++) ps[j].set(c, values[j]);
  }

  /** Run the model at these parameter values into `out` (compared quantity); false if it failed. */
  evaluateModel(values: ArrayLike<number>, times: Float64Array = this.plan.times, out: Float64Array = this.out): boolean {
    this.evaluations++;
    this.apply(this.cfg, values);
    const cfg = this.cfg as Config;
    if (!calibrationOf(cfg.model).levelsAt(cfg, times, out)) return false;
    if (this.plan.compare.mode !== "level" && this.plan.modelS0 !== 0) {
      const s0 = this.plan.modelS0;
      for (let j = 0; j < out.length; j++) out[j] = (out[j] - s0) / (1 - s0);
    }
    return true;
  }

  /** Weighted mean squared residual at these values (Infinity if the model failed). */
  mse(values: ArrayLike<number>): number {
    if (!this.evaluateModel(values)) return Infinity;
    const { pIdx, pVal, pCurve } = this.plan;
    const out = this.out, w = this.weights;
    let s = 0, z = 0;
    for (let j = 0; j < pIdx.length; j++) {
      const wj = w[pCurve[j]];
      if (wj === 0) continue;
      const r = out[pIdx[j]] - pVal[j];
      s += wj * r * r;
      z += wj;
    }
    return z > 0 && Number.isFinite(s) ? s / z : Infinity;
  }

  /** sqrt(w_j) r_j for every point into res (model already evaluated); returns the weight sum. */
  residuals(res: Float64Array): number {
    const { pIdx, pVal, pCurve } = this.plan;
    let z = 0;
    for (let j = 0; j < pIdx.length; j++) {
      const wj = this.weights[pCurve[j]];
      res[j] = wj === 0 ? 0 : Math.sqrt(wj) * (this.out[pIdx[j]] - pVal[j]);
      z += wj;
    }
    return z;
  }
}

/** The fitted model's curves at `times` (for the figure): values[i][k]. */
export function fittedCurves(p: Plan, result: CalibrationResult, times: Float64Array): number[][] {
  const obj = new Objective(p);
  const vals = Float64Array.from(p.params, (q) => result.params[q.name]);
  const out = new Float64Array(p.n * times.length);
  obj.evaluateModel(vals, times, out);
  return Array.from({ length: p.n }, (_, i) => Array.from(out.subarray(i * times.length, (i + 1) * times.length)));
}
