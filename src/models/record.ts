/**
 * Which times a run keeps in its trace. Long runs keep a bounded number of points,
 * log-spaced by default so both the early onset and the late tail are resolved.
 * Always includes t = 0 and the final time; discrete times are unique integers.
 */
import type { RecordSpec } from "../config/schema.js";

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
