/**
 * The quantization model of neural scaling (Michaud, Liu, Girit, Tegmark 2023; docs/models.md,
 * "Quantization model").
 *
 *   p_k = k^-(alpha+1) / Z,  k = 1..n_q,  Z = sum_k k^-(alpha+1)     (zipf = alpha + 1)
 *   parameter limit  n_N = floor(N / C)
 *   data limit       quantum k is learned once D p_k >= tau, D = S B samples after S steps
 *   learned          k <= n_N and S >= S_k,  S_k = ceil(tau / (B p_k))  (first step with S B p_k >= tau)
 *   loss             L(S) = sum_k p_k (a if learned else b) = a + (b - a) sum_{k > n(S)} p_k,
 *                    n(S) = min(n_N, #{k : S B p_k >= tau})
 *   closed forms     L(N) - a ~ (b - a) n_N^-alpha / (alpha Z)   (slope -alpha in N, n_N << n_q)
 *                    L(D) - a ~ D^(-alpha/(alpha+1))
 *
 * Closed form, so timelines are exact: a quantum's level jumps from 0 to 1 at S_k, and every
 * threshold is crossed at that step. The tails sum_{k > m} p_k are summed from the rarest
 * quantum up, so a small tail keeps its digits (not 1 minus a sum close to 1).
 */
import { closedFormTrace, recordTimes } from "../record.js";
import type { ModelOutput } from "../types.js";
import type { QuantaConfig } from "./schema.js";

/** Frequencies p_k (k = 1..n_q, index k - 1) and tails tail[m] = sum_{j >= m} p[j] (tail[n_q] = 0). */
export function quantaFrequencies(nq: number, zipf: number): { p: Float64Array; tail: Float64Array; Z: number } {
  const p = new Float64Array(nq);
  let Z = 0;
  for (let k = nq; k >= 1; k--) {
    p[k - 1] = Math.pow(k, -zipf);
    Z += p[k - 1];
  }
  const tail = new Float64Array(nq + 1);
  for (let j = nq - 1; j >= 0; j--) {
    p[j] /= Z;
    tail[j] = tail[j + 1] + p[j];
  }
  return { p, tail, Z };
}

/** #{k : D p_k >= tau}: p is non-increasing, so a binary search on the same product the learning rule uses. */
export function quantaSeen(p: Float64Array, D: number, tau: number): number {
  let lo = 0, hi = p.length; // the answer lies in [lo, hi]
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (D * p[mid] >= tau) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first step S >= 1 with (S B) p >= tau, or null when there is none (p = 0). */
export function learningStep(p: number, B: number, tau: number): number | null {
  if (!(p > 0)) return null;
  let S = Math.max(1, Math.ceil(tau / (B * p)));
  if (!Number.isFinite(S)) return null;
  while (S > 1 && (S - 1) * B * p >= tau) S--;
  while (S * B * p < tau) S++;
  return S;
}

export function runQuanta(cfg: QuantaConfig): ModelOutput {
  const nq = cfg.quanta, n = cfg.skills.count, B = cfg.batch, tau = cfg.tau;
  const a = cfg.learned_loss, b = cfg.unlearned_loss;
  const zipf = cfg.skills.frequencies.zipf;
  const { p, tail, Z } = quantaFrequencies(nq, zipf);
  const nN = Math.min(nq, Math.floor(cfg.params / cfg.params_per_quantum));
  const T = Math.floor(cfg.steps);
  const learnedCount = (S: number) => Math.min(nN, quantaSeen(p, S * B, tau));
  const lossAt = (S: number) => a + (b - a) * tail[learnedCount(S)];

  // S_k of the tracked quanta (null: never within the run, or beyond the parameter limit).
  const at: (number | null)[] = Array.from({ length: n }, (_, i) => {
    if (i >= nN) return null;
    const S = learningStep(p[i], B, tau);
    return S !== null && S <= T ? S : null;
  });
  const times = recordTimes(T, cfg.record, true);
  const { trace } = closedFormTrace(times, n, lossAt, (i, t) => (at[i] !== null && t >= at[i]! ? 1 : 0), "quantization");
  const nEnd = learnedCount(T);
  const alpha = zipf - 1;
  return {
    frequencies: Array.from(p.subarray(0, n)),
    initialLevel: new Array(n).fill(0),
    trace,
    crossings: { onset: at.slice(), half: at.slice(), learned: at.slice() },
    final: { loss: lossAt(T), level: at.map((s) => (s !== null ? 1 : 0)), time: T },
    extra: {
      alpha,
      Z,
      samples: T * B, // D
      quanta_learned: nEnd,
      parameter_limit: nN, // floor(N / C), at most n_q
      data_limit: quantaSeen(p, T * B, tau), // quanta seen tau times in D samples
      limited_by: nEnd === nN && quantaSeen(p, T * B, tau) > nN ? "parameters" : "data",
      predicted_exponents: { N: alpha, D: alpha / (alpha + 1) }, // for n << n_q
    },
    warnings: [],
  };
}
