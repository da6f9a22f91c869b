/**
 * Skill set-up shared by every model: the frequencies p_i and the effective rate.
 *
 *   zipf: a         p_i = i^-a / sum_j j^-a
 *   exponential: r  p_i = r^-i / sum_j r^-j
 *   [p_1, ...]      used exactly as given (NOT normalised; the compositional examples
 *                   use unnormalised weights). The Geometry model normalises for sampling.
 *   eta_eff = 2 eta sqrt(N), unless `rate` is given.
 */
import type { Frequencies } from "../config/schema.js";

export function skillFrequencies(freq: Frequencies, count: number): Float64Array {
  const p = new Float64Array(count);
  if (Array.isArray(freq)) {
    for (let i = 0; i < count; i++) p[i] = freq[i];
    return p;
  }
  let z = 0;
  for (let i = 0; i < count; i++) {
    p[i] = "zipf" in freq ? Math.pow(i + 1, -freq.zipf) : Math.pow(freq.exponential, -(i + 1));
    z += p[i];
  }
  for (let i = 0; i < count; i++) p[i] /= z;
  return p;
}

/** Skill indices (0-based) by frequency, most frequent first; ties broken by index. */
export function frequencyOrder(p: ArrayLike<number>): number[] {
  return Array.from({ length: p.length }, (_, i) => i).sort((a, b) => p[b] - p[a] || a - b);
}

/** p / sum(p): the distribution skills are drawn from. */
export function normalised(p: Float64Array): Float64Array {
  let z = 0;
  for (let i = 0; i < p.length; i++) z += p[i];
  const q = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) q[i] = p[i] / z;
  return q;
}

/** eta_eff = 2 eta sqrt(N), or `rate` when the config gives it directly. */
export function effectiveRate(cfg: { lr: number; params: number; rate?: number }): number {
  return cfg.rate ?? 2 * cfg.lr * Math.sqrt(cfg.params);
}
