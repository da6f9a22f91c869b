/**
 * Which times a run keeps in its trace. Long runs keep a bounded number of points,
 * log-spaced by default so both the early onset and the late tail are resolved.
 * Always includes t = 0 and the final time; discrete times are unique integers.
 */
import type { RecordSpec } from "../config/schema.js";
import { RunGuard } from "./guard.js";

export function recordTimes(horizon: number, spec: RecordSpec, discrete: boolean): number[] {
  const end = discrete ? Math.floor(horizon) : horizon;
  if (end <= 0 || (discrete && end < 1)) return [0];
  if (spec === "every") {
    if (!discrete) throw new Error("record: every needs a discrete model");
    return Array.from({ length: end + 1 }, (_, k) => k);
  }
  const K = spec.points;
  const out: number[] = [0];
  const first = discrete ? 1 : end / 1e4; // log axis starts at the first update (or T/10^4)
  for (let k = 0; k < K - 1; k++) {
    const f = K === 2 ? 1 : k / (K - 2);
    let t = spec.spacing === "log" ? first * Math.pow(end / first, f) : (K === 2 ? end : ((k + 1) / (K - 1)) * end);
    if (discrete) t = Math.round(t);
    if (k === K - 2) t = end;
    if (t > out[out.length - 1]) out.push(t);
  }
  return out;
}

/**
 * The trace of a closed-form model at the recorded times: the loss and each of n skills'
 * levels, every value checked by the run guard every model runs (a closed form stays in
 * [0, 1]; leaving it is a bug in `form`, which the error names), and the guard's warnings.
 */
export function closedFormTrace(
  times: number[],
  n: number,
  lossAt: (t: number) => number,
  levelAt: (i: number, t: number) => number,
  form: string,
): { trace: { t: number[]; loss: number[]; level: number[][] }; warnings: string[] } {
  const trace = { t: times, loss: [] as number[], level: Array.from({ length: n }, () => [] as number[]) };
  const guard = new RunGuard({ initialLoss: lossAt(0), range: { lo: 0, hi: 1 }, cause: `the ${form} closed form left [0, 1] (a bug)` });
  for (const t of times) {
    const L = lossAt(t);
    guard.loss(t, L);
    trace.loss.push(L);
    for (let i = 0; i < n; i++) {
      const s = levelAt(i, t);
      guard.level(t, i, s);
      trace.level[i].push(s);
    }
  }
  return { trace, warnings: guard.warnings() };
}
