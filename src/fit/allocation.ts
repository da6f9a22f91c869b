/** The compute-optimal allocation of a fitted Chinchilla law. */

import { FitInputError, type ChinchillaParams } from "./result.js";
import { chinchillaLoss } from "./chinchilla.js";

export interface ComputeOptimal {
  /** N_opt ∝ C^a, a = beta / (alpha + beta). */
  a: number;
  /** D_opt ∝ C^b, b = alpha / (alpha + beta). */
  b: number;
  /** G = (alpha A / (beta B))^(1 / (alpha + beta)). */
  G: number;
  rows: { C: number; N_opt: number; D_opt: number; loss: number }[];
}

/**
 * Minimise E + A / N^alpha + B / D^beta subject to C = k N D (k FLOPs per parameter per
 * token, 6 by default): N_opt = G (C/k)^a, D_opt = G^-1 (C/k)^b.
 */
export function computeOptimal(p: ChinchillaParams, C: number[], flopsPerParamToken = 6): ComputeOptimal {
  for (const key of ["A", "B", "alpha", "beta"] as const) {
    if (!(p[key] > 0 && Number.isFinite(p[key]))) {
      throw new FitInputError(`compute-optimal allocation needs ${key} > 0 and finite, got ${p[key]}`);
    }
  }
  if (!Number.isFinite(p.E)) throw new FitInputError(`compute-optimal allocation needs a finite E, got ${p.E}`);
  const k = flopsPerParamToken;
  if (!(k > 0 && Number.isFinite(k))) throw new FitInputError(`FLOPs per parameter-token must be > 0, got ${k}`);
  const s = p.alpha + p.beta;
  const a = p.beta / s;
  const b = p.alpha / s;
  const G = Math.pow((p.alpha * p.A) / (p.beta * p.B), 1 / s);
  const rows = C.map((c, i) => {
    if (!(c > 0 && Number.isFinite(c))) throw new FitInputError(`C at row ${i} is ${c}: must be a positive finite number`, "C", i);
    const N_opt = G * Math.pow(c / k, a);
    const D_opt = Math.pow(c / k, b) / G;
    return { C: c, N_opt, D_opt, loss: chinchillaLoss(p, N_opt, D_opt) };
  });
  return { a, b, G, rows };
}
