/**
 * What every model returns: plain arrays, no I/O. The reporters (src/report/) turn this
 * into text, JSON and CSV; the timeline (onset/half/learned per skill) comes from
 * src/models/timeline.ts, measured on every step (or on the ODE's dense output).
 */
import { RunError } from "../errors.js";

/** Recorded trajectory at bounded times: level[i][k] is skill i+1's level at t[k]. */
export interface Trace {
  t: number[];
  loss: number[];
  level: number[][];
  /** Optional model-specific series recorded at the same times (e.g. geometry diagnostics). */
  extra?: Record<string, number[] | number[][]>;
}

/** First time each skill's progress exceeds each threshold (null: never). Index: skill order. */
export interface Crossings {
  onset: (number | null)[];
  half: (number | null)[];
  learned: (number | null)[];
  /** Per skill: why its timeline is withheld (the times above are null but do not mean "never
   * reached"), or null; absent when no skill's timeline is withheld. */
  withheld?: (string | null)[];
}

export interface ModelOutput {
  /** p_i as the model used them, in skill order (explicit lists as given, not normalised). */
  frequencies: number[];
  /** s_i(0): 0 for most models, 1/2 for geometry with ce loss. */
  initialLevel: number[];
  trace: Trace;
  crossings: Crossings;
  final: { loss: number; level: number[]; time: number };
  /** Model-specific summary numbers (e.g. eta_eff, t0, module speed-up), all JSON-safe. */
  extra: Record<string, unknown>;
  /** What a reader must know to trust the numbers (e.g. a skill whose level left the model's
   * range, so its timeline is withheld); printed by the text report, `warnings` in the JSON. */
  warnings?: string[];
}

/** Hooks a model may call while it runs; the CLI supplies them, tests usually do not. */
export interface RunHooks {
  /** done/total in the model's own time units; called at most a few hundred times. */
  onProgress?: (done: number, total: number) => void;
}

/** A run that produced NaN/Infinity or blew up (see RunGuard in ./guard.ts): the CLI
 * reports it and exits 1. `what` says what happened to the quantity. */
export class DivergenceError extends RunError {
  constructor(
    readonly step: number,
    readonly quantity: string,
    readonly likelyCause: string,
    readonly what = "is not finite",
  ) {
    super(`diverged at ${Number.isInteger(step) ? `step ${step}` : `t = ${Number(step.toPrecision(6))}`}: ${quantity} ${what}. Likely cause: ${likelyCause}`);
  }
  override line(): string {
    return `run failed: ${this.message}`;
  }
}
