/**
 * What a Resource run keeps and returns, whichever way it integrates: the recorded trace, the
 * run guard, the switch log, and the ModelOutput.
 */
import { RunGuard } from "../guard.js";
import type { Crossings, ModelOutput } from "../types.js";
import { divergenceCause, type ResourceDynamics } from "./dynamics.js";

export interface Recorder {
  t: number[];
  loss: number[];
  level: number[][];
}

export function newRecorder(n: number): Recorder {
  return { t: [], loss: [], level: Array.from({ length: n }, () => []) };
}

export function record(rec: Recorder, t: number, L: number, s: Float64Array): void {
  rec.t.push(t);
  rec.loss.push(L);
  for (let i = 0; i < s.length; i++) rec.level[i].push(s[i]);
}

export function output(dyn: ResourceDynamics, rec: Recorder, crossings: Crossings, y: Float64Array, time: number, extra: Record<string, unknown>, guard: RunGuard): ModelOutput {
  const s = new Float64Array(dyn.n);
  dyn.levels(y, s);
  const why = Array.isArray(dyn.cfg.skills.correlation) ? ", driven there by the negative entries of skills.correlation" : "";
  return {
    frequencies: Array.from(dyn.pBase),
    initialLevel: new Array(dyn.n).fill(dyn.s0()),
    trace: rec,
    crossings: guard.withhold(crossings),
    final: { loss: dyn.loss(y), level: Array.from(s), time },
    extra: { eta_eff: dyn.rate, ...extra },
    warnings: guard.warnings(why),
  };
}

/** The run guard (./guard.ts): mse levels 1 - u live in [0, 1], and a correlation matrix with
 * negative entries can push u above 1 (a level below 0): a warning within LEVEL_TOL, beyond it
 * a divergence (with clip: false, a warning however far); ce levels are sigmoids, so only the
 * loss is guarded. */
export function resourceGuard(dyn: ResourceDynamics, y0: Float64Array): RunGuard {
  const mse = dyn.cfg.loss === "mse";
  // Unclipped maps (clip: false) and correlations derived from Geometry vectors (Fig 8) leave
  // [0, 1] by design, by any amount: only the loss guard stops them; the range gives warnings.
  const c = dyn.cfg.skills.correlation;
  const unbounded = !dyn.clip || (typeof c === "object" && c !== null && !Array.isArray(c));
  const range = mse ? { lo: 0, hi: 1, ...(unbounded ? { tol: Infinity } : {}) } : null;
  return new RunGuard({ initialLoss: dyn.loss(y0), range, soft: true, cause: divergenceCause(dyn.cfg) });
}

/** When each switch turned on or off: `switches` in the run's summary (times in the model's units). */
export class SwitchLog {
  private readonly events: { skill: number; at_level: number; frequency: number; on: number[]; off: number[] }[];
  constructor(private readonly dyn: ResourceDynamics) {
    this.events = dyn.switches.map((w) => ({ skill: w.skill + 1, at_level: w.at, frequency: w.frequency, on: [], off: [] }));
  }
  /** Record the current `active` flags as of time t (call after they changed). */
  note(t: number): void {
    const a = this.dyn.active;
    for (let k = 0; k < a.length; k++) {
      const e = this.events[k];
      const was = e.on.length > e.off.length;
      if (a[k] && !was) e.on.push(t);
      if (!a[k] && was) e.off.push(t);
    }
  }
  extra(): Record<string, unknown> {
    return this.events.length > 0 ? { switches: this.events } : {};
  }
}
