/** The objectives a fit minimises: Huber, squared and asymmetric squared log residuals. */

import { FitInputError } from "./result.js";
import { checkDelta } from "./check.js";

/** The objective a fit minimises (see ./index.ts). */
export type LossName = "huber" | "mse" | "asymmetric";
export const LOSS_NAMES: readonly LossName[] = ["huber", "mse", "asymmetric"];

export interface Loss {
  name: LossName;
  /** Huber's delta (used by huber only). */
  delta: number;
  /** Weight of over-predictions, r > 0 (used by asymmetric only). */
  penalty: number;
}

export const DEFAULT_DELTA = 1e-3;
export const DEFAULT_PENALTY = 10;
export const DEFAULT_LOSS: Loss = Object.freeze({ name: "huber", delta: DEFAULT_DELTA, penalty: DEFAULT_PENALTY }) as Loss;

/** A validated Loss (FitInputError on an unknown name, delta <= 0 or penalty < 1). */
export function makeLoss(name: string = "huber", delta: number = DEFAULT_DELTA, penalty: number = DEFAULT_PENALTY): Loss {
  if (!(LOSS_NAMES as readonly string[]).includes(name)) {
    throw new FitInputError(`unknown loss "${name}": expected ${LOSS_NAMES.join(", ")}`);
  }
  checkDelta(delta);
  if (!(Number.isFinite(penalty) && penalty >= 1)) {
    throw new FitInputError(`the asymmetric loss's penalty must be a finite number >= 1 (over-predictions weigh K times more), got ${penalty}`);
  }
  return { name: name as LossName, delta, penalty };
}

/** "sum of Huber(1e-3) of log residuals", for reports. */
export function describeLoss(l: Loss): string {
  switch (l.name) {
    case "huber": return `sum of Huber(${l.delta}) of log residuals`;
    case "mse": return "sum of squared log residuals";
    case "asymmetric": return `sum of squared log residuals, over-predictions weighted ${l.penalty}x`;
  }
}

/** The loss of one log residual r = log prediction - log L. */
export function lossOf(l: Loss, r: number): number {
  switch (l.name) {
    case "huber": return huber(r, l.delta);
    case "mse": return r * r;
    case "asymmetric": return (r > 0 ? l.penalty : 1) * r * r;
  }
}
/** Huber loss, scipy.special.huber's convention. */
export function huber(r: number, delta: number = DEFAULT_DELTA): number {
  const a = Math.abs(r);
  return a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
}
