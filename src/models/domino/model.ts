/**
 * The Domino model: strictly serial learning (docs/models.md, "Domino model").
 *
 *   serial:    s_i(t) = clip((t - (r_i - 1) t0) / t0, 0, 1),  t0 = 1 / eta_eff
 *              r_i = skill i's rank by frequency (most frequent first; ties by index)
 *   parallel:  s_i(t) = 1 - exp(-p_i t / tau)                  (tau defaults to t0)
 *   modules:   k equal modules of N/k parameters; skills dealt out by rank (rank r goes to
 *              module (r - 1) mod k); each module runs its own serial Domino with
 *              t0_k = 1 / (2 eta sqrt(N/k))  (= sqrt(k) / eta_eff when `rate` is given).
 *              Predicted speed-up of k balanced modules: sqrt(k); the measured one is
 *              (finish time with one module) / (finish time with k modules).
 *   loss       L = sum_i p_i (1 - s_i)^2
 *
 * Closed forms, so crossing times are exact: serial (r - 1 + th) t0, parallel -tau ln(1 - th) / p_i.
 */
import type { DominoConfig } from "../../config/schema.js";
import { closedFormTrace, recordTimes } from "../record.js";
import { levelAtThreshold, thresholdList } from "../timeline.js";
import { effectiveRate, frequencyOrder, skillFrequencies } from "../skills.js";
import type { ModelOutput } from "../types.js";

/** Rank (0-based) of each skill by frequency, most frequent first, ties broken by index. */
export function frequencyRanks(p: ArrayLike<number>): Int32Array {
  const rank = new Int32Array(p.length);
  frequencyOrder(p).forEach((i, r) => (rank[i] = r));
  return rank;
}

interface Schedule {
  /** Start time and duration of each skill's learning (serial), or its time constant (parallel). */
  start: Float64Array;
  span: Float64Array;
  finish: number;
}

/** Serial schedule with k modules: per-module rank and per-module t0. */
function serialSchedule(rank: Int32Array, t0k: number, k: number): Schedule {
  const n = rank.length;
  const start = new Float64Array(n), span = new Float64Array(n).fill(t0k);
  let finish = 0;
  for (let i = 0; i < n; i++) {
    const posInModule = Math.floor(rank[i] / k); // dealt out: ranks m, m+k, m+2k, ... share module m
    start[i] = posInModule * t0k;
    finish = Math.max(finish, start[i] + t0k);
  }
  return { start, span, finish };
}

/** t0 of one module when the N parameters are split k ways. */
function moduleT0(cfg: DominoConfig, k: number): number {
  return cfg.rate !== undefined ? Math.sqrt(k) / cfg.rate : 1 / (2 * cfg.lr * Math.sqrt(cfg.params / k));
}

/** The closed form of a configured Domino: s_i(t) and the time s_i first reaches x. */
function dominoCurves(cfg: DominoConfig) {
  const n = cfg.skills.count;
  const p = skillFrequencies(cfg.skills.frequencies, n);
  const rate = effectiveRate(cfg);
  const t0 = 1 / rate;
  const parallel = cfg.variant === "parallel";
  const tau = cfg.tau ?? t0;
  const rank = frequencyRanks(p);
  const k = cfg.modules;
  const sched = parallel ? null : serialSchedule(rank, moduleT0(cfg, k), k);
  const level = (i: number, t: number): number =>
    sched ? Math.min(1, Math.max(0, (t - sched.start[i]) / sched.span[i])) : 1 - Math.exp((-p[i] * t) / tau);
  const crossingTime = (i: number, x: number): number =>
    sched ? sched.start[i] + x * sched.span[i] : (-tau * Math.log(1 - x)) / p[i];
  return { n, p, rate, t0, parallel, tau, rank, k, sched, level, crossingTime };
}

/**
 * The levels at given times only (calibration's forward model, src/calibrate/):
 * out[i * K + k] = s_i(times[k]), K = times.length.
 */
export function dominoLevelsAt(cfg: DominoConfig, times: Float64Array, out: Float64Array): void {
  const { n, level } = dominoCurves(cfg);
  const K = times.length;
  for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) out[i * K + k] = level(i, times[k]);
}

export function runDomino(cfg: DominoConfig): ModelOutput {
  const { n, p, rate, t0, parallel, tau, rank, k, sched, level, crossingTime } = dominoCurves(cfg);
  const T = cfg.steps;
  // Levels start at 0, so progress and level coincide (timeline.on changes nothing here).
  const th = thresholdList(cfg.timeline).map((x) => levelAtThreshold(x, 0, cfg.timeline.on));

  const times = recordTimes(T, cfg.record, Number.isInteger(T));
  const lossAt = (t: number) => {
    let L = 0;
    for (let i = 0; i < n; i++) L += p[i] * (1 - level(i, t)) ** 2;
    return L;
  };
  const { trace, warnings } = closedFormTrace(times, n, lossAt, level, "Domino");
  const cross = th.map((x) => Array.from({ length: n }, (_, i) => {
    const tc = crossingTime(i, x);
    return tc <= T ? tc : null;
  }));

  const extra: Record<string, unknown> = { eta_eff: rate, t0 };
  if (parallel) extra.tau = tau;
  else {
    const one = serialSchedule(rank, moduleT0(cfg, 1), 1).finish;
    extra.modules = {
      k,
      t0_module: moduleT0(cfg, k),
      finish_time: sched!.finish,
      finish_time_one_module: one,
      speedup: one / sched!.finish,
      predicted_speedup: Math.sqrt(k),
    };
  }
  return {
    frequencies: Array.from(p),
    initialLevel: new Array(n).fill(0),
    trace,
    crossings: { onset: cross[0], half: cross[1], learned: cross[2] },
    final: { loss: lossAt(T), level: Array.from({ length: n }, (_, i) => level(i, T)), time: T },
    extra,
    warnings,
  };
}
