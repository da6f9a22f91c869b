/**
 * The power-law objective (see ./index.ts): the summed loss of the log residuals of
 * L = E + A x^-alpha, over [a, alpha, e] or [a, alpha] with E fixed, with its analytic gradient.
 */

import type { Objective } from "../engine/optim/lbfgs.js";
import { expAffine } from "../engine/exp.js";
import { DEFAULT_LOSS, type Loss } from "./loss.js";
import { checkLength, logColumn } from "./check.js";
import { distinct } from "./rows.js";

/** The data as both objectives read them: 1/L per row, and the distinct log x with each row's index into them. */
function powerLawData(lx: Float64Array, lL: Float64Array): { n: number; invL: Float64Array; lxu: Float64Array; ix: Int32Array; nx: number; ux: Float64Array } {
  const invL = lL.map((v) => Math.exp(-v));
  const dx = distinct(lx);
  const lxu = dx.values, ix = dx.index, nx = lxu.length;
  return { n: lL.length, invL, lxu, ix, nx, ux: new Float64Array(nx) };
}

/** The two terms of shiftedTerms, e^(t_i - m) for t = (a - alpha log x, e). */
const SHIFTED = new Float64Array(2);

/**
 * A row's two terms shifted by their larger exponent m, for when their plain sum over- or
 * underflows: writes the terms to SHIFTED, returns m, so that LSE = m + log(sum) (as the
 * Chinchilla objective's shiftedTerms).
 */
function shiftedTerms(a: number, alpha: number, e: number, lxk: number): number {
  const t1 = a - alpha * lxk;
  const m = t1 > e ? t1 : e;
  SHIFTED[0] = Math.exp(t1 - m);
  SHIFTED[1] = Math.exp(e - m);
  return m;
}

/**
 * Summed Huber objective for LSE(a - alpha log x, e) vs log L over x = [a, alpha, e]
 * (dim 3), or over [a, alpha] with e fixed (dim 2; e = -inf for E = 0). As the Chinchilla
 * objective: e^(a - alpha log x) once per distinct x, and no log per datum outside Huber's
 * quadratic zone (the sum of those residuals is the log of a product of ratios).
 */
function powerLawObjectiveHuber(lx: Float64Array, lL: Float64Array, delta: number, eFixed: number | null): Objective {
  const { n, invL, lxu, ix, nx, ux } = powerLawData(lx, lL);
  const halfDelta = 0.5 * delta;
  const upper = Math.exp(delta), lower = Math.exp(-delta);
  return (x: Float64Array, g: Float64Array): number => {
    const a = x[0], alpha = x[1];
    const e = eFixed === null ? x[2] : eFixed;
    expAffine(ux, a, alpha, lxu, nx);
    const ee = Math.exp(e);
    let fq = 0;
    let prodPos = 1, logPos = 0, nPos = 0;
    let prodNeg = 1, logNeg = 0, nNeg = 0;
    let ga = 0, galpha = 0, ge = 0;
    for (let k = 0; k < n; k++) {
      let u1 = ux[ix[k]];
      let u2 = ee;
      let s = u1 + u2;
      let h: number;
      if (s > 1e-280 && s < 1e280) {
        const q = s * invL[k];
        if (q > upper) {
          prodPos *= q;
          if (prodPos > 1e20) { logPos += Math.log(prodPos); prodPos = 1; }
          nPos++;
          h = delta;
        } else if (q < lower) {
          prodNeg *= q;
          if (prodNeg < 1e-20) { logNeg += Math.log(prodNeg); prodNeg = 1; }
          nNeg++;
          h = -delta;
        } else {
          const r = Math.log(q);
          fq += 0.5 * r * r;
          h = r;
        }
      } else {
        const m = shiftedTerms(a, alpha, e, lx[k]);
        u1 = SHIFTED[0];
        u2 = SHIFTED[1];
        s = u1 + u2;
        const r = m + Math.log(s) - lL[k];
        if (r > delta) {
          fq += delta * (r - halfDelta);
          h = delta;
        } else if (r < -delta) {
          fq -= delta * (r + halfDelta);
          h = -delta;
        } else {
          fq += 0.5 * r * r;
          h = r;
        }
      }
      const hs = h / s;
      const w1 = hs * u1;
      ga += w1;
      galpha -= w1 * lx[k];
      ge += hs * u2;
    }
    g[0] = ga; g[1] = galpha;
    if (eFixed === null) g[2] = ge;
    const sumPos = nPos > 0 ? logPos + Math.log(prodPos) : 0;
    const sumNeg = nNeg > 0 ? logNeg + Math.log(prodNeg) : 0;
    return fq + delta * (sumPos - nPos * halfDelta) - delta * (sumNeg + nNeg * halfDelta);
  };
}

/** Summed (weighted) squared log residuals for the power law (see chinchillaObjectiveSquared). */
function powerLawObjectiveSquared(lx: Float64Array, lL: Float64Array, wPos: number, eFixed: number | null): Objective {
  const { n, invL, lxu, ix, nx, ux } = powerLawData(lx, lL);
  return (x: Float64Array, g: Float64Array): number => {
    const a = x[0], alpha = x[1];
    const e = eFixed === null ? x[2] : eFixed;
    expAffine(ux, a, alpha, lxu, nx);
    const ee = Math.exp(e);
    let f = 0, ga = 0, galpha = 0, ge = 0;
    for (let k = 0; k < n; k++) {
      let u1 = ux[ix[k]];
      let u2 = ee;
      let s = u1 + u2;
      let r: number;
      if (s > 1e-280 && s < 1e280) {
        r = Math.log(s * invL[k]);
      } else {
        const m = shiftedTerms(a, alpha, e, lx[k]);
        u1 = SHIFTED[0];
        u2 = SHIFTED[1];
        s = u1 + u2;
        r = m + Math.log(s) - lL[k];
      }
      const w = r > 0 ? wPos : 1;
      f += w * r * r;
      const hs = (2 * w * r) / s;
      const w1 = hs * u1;
      ga += w1;
      galpha -= w1 * lx[k];
      ge += hs * u2;
    }
    g[0] = ga; g[1] = galpha;
    if (eFixed === null) g[2] = ge;
    return f;
  };
}

export function powerLawObjective(lx: Float64Array, lL: Float64Array, loss: Loss, eFixed: number | null): Objective {
  switch (loss.name) {
    case "huber": return powerLawObjectiveHuber(lx, lL, loss.delta, eFixed);
    case "mse": return powerLawObjectiveSquared(lx, lL, 1, eFixed);
    case "asymmetric": return powerLawObjectiveSquared(lx, lL, loss.penalty, eFixed);
  }
}

/** Log residuals of the power law at [a, alpha] with log E = e (may be -inf). */
export function powerLawResiduals(a: number, alpha: number, e: number, lx: Float64Array, lL: Float64Array): Float64Array {
  const out = new Float64Array(lL.length);
  for (let k = 0; k < lL.length; k++) {
    const m = shiftedTerms(a, alpha, e, lx[k]);
    out[k] = m + Math.log(SHIFTED[0] + SHIFTED[1]) - lL[k];
  }
  return out;
}

/**
 * The power-law objective the fit minimises, for inspection and diagnostics: fn(x, g) at
 * x = [a, alpha, e] (E free) or [a, alpha] (E fixed to fixE; 0 for a pure power law).
 */
export function powerLawObjectiveFn(x: ArrayLike<number>, L: ArrayLike<number>, loss: Loss = DEFAULT_LOSS, fixE: number | null = null): Objective {
  checkLength("x", x, L.length, "L");
  return powerLawObjective(logColumn("x", x), logColumn("L", L), loss, fixE === null ? null : Math.log(fixE));
}
