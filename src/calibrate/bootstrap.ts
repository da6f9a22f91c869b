/**
 * The bootstrap of a calibration: resample the units (the skills of one observed run, or the
 * runs when several are given, e.g. seeds) with replacement as weights on the observed curves,
 * refit from the optimum, and take percentile intervals of the refitted parameters.
 */
import type { Minimum } from "../engine/optim/nelder-mead.js";
import { Rng } from "../engine/rng.js";
import type { Objective } from "./objective.js";
import type { Plan } from "./plan.js";
import type { CalibrationResult } from "./result.js";

/**
 * K resamples seeded by `seed`; `f` is the objective in log space, `refit` the local search from
 * a start, `onRefit(b)` hears of each refit done. The objective's weights are 1 again after.
 */
export function bootstrapCalibration(
  p: Plan,
  obj: Objective,
  opt: Minimum,
  settings: { K: number; seed: number; level: number },
  f: (x: Float64Array) => number,
  refit: (start: Minimum, step: Float64Array) => Minimum,
  onRefit: (b: number) => void,
): { intervals: Record<string, [number, number]>; bootstrap: NonNullable<CalibrationResult["bootstrap"]> } {
  const P = p.params.length;
  const { K, seed, level } = settings;
  const unit = p.runs > 1 ? "seeds" : "skills";
  const units = unit === "seeds" ? p.runs : p.n;
  const rng = new Rng(seed, 0xca11b);
  const draws: number[][] = p.params.map(() => []);
  const step = new Float64Array(P).fill(0.1);
  let failed = 0;
  for (let b = 0; b < K; b++) {
    obj.weights.fill(0);
    for (let d = 0; d < units; d++) {
      const u = rng.nextInt(units);
      if (unit === "seeds") for (let i = 0; i < p.n; i++) obj.weights[u * p.n + i]++;
      else for (let r = 0; r < p.runs; r++) obj.weights[r * p.n + u]++;
    }
    const start: Minimum = { x: Float64Array.from(opt.x), f: f(opt.x) };
    const m = refit(start, step);
    onRefit(b);
    if (!Number.isFinite(m.f)) { failed++; continue; }
    for (let j = 0; j < P; j++) draws[j].push(Math.exp(m.x[j]));
  }
  obj.weights.fill(1);
  const intervals: Record<string, [number, number]> = {};
  const a = (1 - level) / 2;
  p.params.forEach((q, j) => {
    const s = draws[j].sort((x, y) => x - y);
    intervals[q.name] = s.length ? [quantile(s, a), quantile(s, 1 - a)] : [NaN, NaN];
  });
  return { intervals, bootstrap: { K, unit, level, seed, failed } };
}

function quantile(sorted: number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const a = Math.floor(h), b = Math.min(sorted.length - 1, a + 1);
  return sorted[a] + (h - a) * (sorted[b] - sorted[a]);
}
