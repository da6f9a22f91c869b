/**
 * The Chinchilla objective (see ./index.ts): the summed loss of the log residuals of
 * L = E + A / N^alpha + B / D^beta over x = [a, b, e, alpha, beta], with its analytic gradient.
 */

import type { Objective } from "../engine/optim/lbfgs.js";
import { expAffine } from "../engine/exp.js";
import { wasmChinchillaObjective, type ChinchillaArrays } from "./wasm.js";
import { DEFAULT_LOSS, type Loss } from "./loss.js";
import { checkLength, logColumn } from "./check.js";
import { distinct } from "./rows.js";

/** The three terms of shiftedTerms, e^(t_i - m) for t = (a - alpha log N, b - beta log D, e). */
const SHIFTED = new Float64Array(3);

/**
 * A row's terms shifted by their largest exponent m, for when their plain sum over- or
 * underflows (far-out line-search trials): writes the terms to SHIFTED, returns m, so that
 * LSE = m + log(sum). asm/fit.ts's shifted() is the same arithmetic.
 */
function shiftedTerms(a: number, b: number, e: number, alpha: number, beta: number, lNk: number, lDk: number): number {
  const t1 = a - alpha * lNk;
  const t2 = b - beta * lDk;
  let m = t1 > t2 ? t1 : t2;
  if (e > m) m = e;
  SHIFTED[0] = Math.exp(t1 - m);
  SHIFTED[1] = Math.exp(t2 - m);
  SHIFTED[2] = Math.exp(e - m);
  return m;
}

/**
 * Summed Huber objective over x = [a, b, e, alpha, beta] with its analytic gradient.
 *
 * Per datum k the prediction is LSE_k = log(u1 + u2 + u3) with u1 = e^(a - alpha log N_k)
 * and u2 = e^(b - beta log D_k), each computed once per distinct N and D (isoFLOP grids
 * repeat model sizes), and u3 = e^e once per call. The residual r_k = log(s_k / L_k) only needs
 * its own log inside the quadratic zone |r_k| <= delta: beyond it Huber is linear, the
 * gradient needs only sign(r_k), and the sum of those r_k is the log of the product of the
 * ratios s_k / L_k, so one log per call (the product is flushed to its log before it could
 * overflow) replaces one log per datum. On the 240 Figure 4 rows (140 distinct N) that is
 * ~1.6 exps per datum and a log only for the few data in the quadratic zone.
 * When s_k leaves [1e-280, 1e280] (far-out line-search trials) the datum is recomputed
 * shifted by its largest term, so nothing overflows for any x. The even and the odd rows are
 * summed apart and added at the end: the order of the two-lane WebAssembly kernel.
 */
function chinchillaObjectiveHuber(d: ChinchillaArrays, delta: number): Objective {
  const { lN, lD, lL, invL, lNu, iN, lDu, iD } = d;
  const n = lL.length, nN = lNu.length, nD = lDu.length;
  const halfDelta = 0.5 * delta;
  const upper = Math.exp(delta), lower = Math.exp(-delta); // r > delta <=> s / L > e^delta
  const uN = new Float64Array(nN), uD = new Float64Array(nD);
  const acc = new Float64Array(2 * LANE); // the sums of the even rows, then of the odd rows
  return (x: Float64Array, g: Float64Array): number => {
    const a = x[0], b = x[1], e = x[2], alpha = x[3], beta = x[4];
    expAffine(uN, a, alpha, lNu, nN);
    expAffine(uD, b, beta, lDu, nD);
    const ee = Math.exp(e);
    acc.fill(0);
    acc[PROD_POS] = acc[LANE + PROD_POS] = acc[PROD_NEG] = acc[LANE + PROD_NEG] = 1;
    for (let k = 0; k < n; k++) {
      const o = (k & 1) * LANE;
      let u1 = uN[iN[k]];
      let u2 = uD[iD[k]];
      let u3 = ee;
      let s = u1 + u2 + u3;
      let h: number; // Huber'(r)
      if (s > 1e-280 && s < 1e280) {
        const q = s * invL[k];
        if (q > upper) {
          // sum r = log(prodPos) + logPos; q < 1e281 / L, so the product stays below 1e301 before a flush
          let p = acc[o + PROD_POS] * q;
          if (p > 1e20) { acc[o + LOG_POS] += Math.log(p); p = 1; }
          acc[o + PROD_POS] = p;
          acc[o + N_POS] += 1;
          h = delta;
        } else if (q < lower) {
          let p = acc[o + PROD_NEG] * q;
          if (p < 1e-20) { acc[o + LOG_NEG] += Math.log(p); p = 1; }
          acc[o + PROD_NEG] = p;
          acc[o + N_NEG] += 1;
          h = -delta;
        } else {
          const r = Math.log(q);
          acc[o + FQ] += 0.5 * r * r;
          h = r;
        }
      } else {
        const m = shiftedTerms(a, b, e, alpha, beta, lN[k], lD[k]);
        u1 = SHIFTED[0];
        u2 = SHIFTED[1];
        u3 = SHIFTED[2];
        s = u1 + u2 + u3;
        const r = m + Math.log(s) - lL[k];
        if (r > delta) {
          acc[o + FQ] += delta * (r - halfDelta);
          h = delta;
        } else if (r < -delta) {
          acc[o + FQ] -= delta * (r + halfDelta);
          h = -delta;
        } else {
          acc[o + FQ] += 0.5 * r * r;
          h = r;
        }
      }
      const hs = h / s;
      const w1 = hs * u1, w2 = hs * u2;
      acc[o + GA] += w1;
      acc[o + GB] += w2;
      acc[o + GE] += hs * u3;
      acc[o + GALPHA] -= w1 * lN[k];
      acc[o + GBETA] -= w2 * lD[k];
    }
    for (let i = 0; i < 5; i++) g[i] = acc[GA + i] + acc[LANE + GA + i];
    const sumPos = lanePart(acc, 0, N_POS, LOG_POS, PROD_POS) + lanePart(acc, LANE, N_POS, LOG_POS, PROD_POS);
    const sumNeg = lanePart(acc, 0, N_NEG, LOG_NEG, PROD_NEG) + lanePart(acc, LANE, N_NEG, LOG_NEG, PROD_NEG);
    const nPos = acc[N_POS] + acc[LANE + N_POS], nNeg = acc[N_NEG] + acc[LANE + N_NEG];
    return acc[FQ] + acc[LANE + FQ] + delta * (sumPos - nPos * halfDelta) - delta * (sumNeg + nNeg * halfDelta);
  };
}

// The Huber objective's sums, kept separately for the even and the odd rows (one f64x2 lane
// each in asm/fit.ts, which must add in the same order to give the same bits): the
// quadratic-zone and shifted-path terms, the products of the ratios beyond the zone on each
// side (flushed to logs), their counts, and the gradient.
const FQ = 0, PROD_POS = 1, LOG_POS = 2, N_POS = 3, PROD_NEG = 4, LOG_NEG = 5, N_NEG = 6;
const GA = 7, GB = 8, GE = 9, GALPHA = 10, GBETA = 11, LANE = 12;

/** One lane's sum of the residuals beyond the zone on one side: logs so far + log of the product. */
function lanePart(acc: Float64Array, o: number, count: number, logs: number, prod: number): number {
  return acc[o + count] > 0 ? acc[o + logs] + Math.log(acc[o + prod]) : 0;
}

/**
 * Summed (weighted) squared log residuals for the Chinchilla form, over x = [a, b, e, alpha,
 * beta]: sum_k w_k r_k^2 with w_k = wPos when r_k > 0, else 1 (mse: wPos = 1). One log per
 * datum; the same overflow guard as the Huber objective.
 */
function chinchillaObjectiveSquared(d: ChinchillaArrays, wPos: number): Objective {
  const { lN, lD, lL, invL, lNu, iN, lDu, iD } = d;
  const n = lL.length, nN = lNu.length, nD = lDu.length;
  const uN = new Float64Array(nN), uD = new Float64Array(nD);
  return (x: Float64Array, g: Float64Array): number => {
    const a = x[0], b = x[1], e = x[2], alpha = x[3], beta = x[4];
    expAffine(uN, a, alpha, lNu, nN);
    expAffine(uD, b, beta, lDu, nD);
    const ee = Math.exp(e);
    let f = 0;
    let ga = 0, gb = 0, ge = 0, galpha = 0, gbeta = 0;
    for (let k = 0; k < n; k++) {
      let u1 = uN[iN[k]];
      let u2 = uD[iD[k]];
      let u3 = ee;
      let s = u1 + u2 + u3;
      let r: number;
      if (s > 1e-280 && s < 1e280) {
        r = Math.log(s * invL[k]);
      } else {
        const m = shiftedTerms(a, b, e, alpha, beta, lN[k], lD[k]);
        u1 = SHIFTED[0];
        u2 = SHIFTED[1];
        u3 = SHIFTED[2];
        s = u1 + u2 + u3;
        r = m + Math.log(s) - lL[k];
      }
      const w = r > 0 ? wPos : 1;
      f += w * r * r;
      const hs = (2 * w * r) / s;
      const w1 = hs * u1, w2 = hs * u2;
      ga += w1;
      gb += w2;
      ge += hs * u3;
      galpha -= w1 * lN[k];
      gbeta -= w2 * lD[k];
    }
    g[0] = ga; g[1] = gb; g[2] = ge; g[3] = galpha; g[4] = gbeta;
    return f;
  };
}

/** What both objectives precompute: 1 / L, and the distinct log N and log D with each row's index. */
function chinchillaArrays(lN: Float64Array, lD: Float64Array, lL: Float64Array): ChinchillaArrays {
  const dN = distinct(lN), dD = distinct(lD);
  return { lN, lD, lL, invL: lL.map((v) => Math.exp(-v)), lNu: dN.values, iN: dN.index, lDu: dD.values, iD: dD.index };
}

/** The objective: on WebAssembly when it loads (./wasm.ts, the same bits), else in JavaScript. */
export function chinchillaObjective(lN: Float64Array, lD: Float64Array, lL: Float64Array, loss: Loss): Objective {
  const d = chinchillaArrays(lN, lD, lL);
  const wPos = loss.name === "asymmetric" ? loss.penalty : 1;
  const w = wasmChinchillaObjective(d, loss.name === "huber" ? loss.delta : null, wPos);
  if (w) return w;
  return loss.name === "huber" ? chinchillaObjectiveHuber(d, loss.delta) : chinchillaObjectiveSquared(d, wPos);
}

/**
 * The Chinchilla objective the fit minimises, for inspection and tests: returns
 * fn(x, g) = summed loss at x = [a, b, e, alpha, beta], writing its gradient into g.
 */
export function chinchillaObjectiveFn(
  N: ArrayLike<number>,
  D: ArrayLike<number>,
  L: ArrayLike<number>,
  loss: Loss = DEFAULT_LOSS,
): Objective {
  checkLength("N", N, L.length, "L");
  checkLength("D", D, L.length, "L");
  return chinchillaObjective(logColumn("N", N), logColumn("D", D), logColumn("L", L), loss);
}

/** Log residuals (log prediction - log L) of the Chinchilla form at x = [a, b, e, alpha, beta]. */
export function chinchillaResiduals(x: Float64Array, lN: Float64Array, lD: Float64Array, lL: Float64Array): Float64Array {
  const out = new Float64Array(lL.length);
  for (let k = 0; k < lL.length; k++) {
    const t1 = x[0] - x[3] * lN[k];
    const t2 = x[1] - x[4] * lD[k];
    const m = Math.max(t1, t2, x[2]);
    out[k] = m + Math.log(Math.exp(t1 - m) + Math.exp(t2 - m) + Math.exp(x[2] - m)) - lL[k];
  }
  return out;
}
