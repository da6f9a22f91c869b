/**
 * Drawing skill indices i.i.d. from a discrete distribution p: Walker's alias method in
 * Vose's numerically stable construction (M. D. Vose, IEEE TSE 17(9), 1991).
 *
 *   set-up O(n): prob[i] in [0, 1], alias[i], so that
 *     P(draw = i) = (prob[i] + sum_{j: alias[j] = i} (1 - prob[j])) / n = p_i;
 *   draw O(1):   x = u * n (u uniform in [0, 1)), column c = floor(x), coin f = x - c;
 *                return c if f < prob[c], else alias[c].
 *
 * Each draw consumes exactly one `rng.nextDouble()` (two 32-bit words), so the stream
 * position after B draws is fixed: the Geometry model's documented order of draws relies
 * on this. A batch is returned as counts per distinct skill, so a gradient step touches
 * only the skills that were drawn.
 */
import type { Rng } from "./rng.js";

export class AliasSampler {
  /** Number of outcomes. */
  readonly n: number;
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;
  private uniforms = new Float64Array(0); // scratch for one batch of uniform draws

  /** p: non-negative weights (normalised here; need not sum to 1), at least one positive. */
  constructor(
    p: ArrayLike<number>,
    private readonly rng: Rng,
  ) {
    const n = p.length;
    if (n === 0) throw new Error("AliasSampler: empty distribution");
    if (n >= 2 ** 31) throw new Error("AliasSampler: too many outcomes");
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = p[i];
      if (!(w >= 0) || !Number.isFinite(w)) throw new Error(`AliasSampler: weight ${i} is ${w}`);
      total += w;
    }
    if (!(total > 0)) throw new Error("AliasSampler: all weights are zero");
    this.n = n;
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = new Float64Array(n);
    for (let i = 0; i < n; i++) scaled[i] = (p[i] / total) * n;
    // Vose: two stacks of indices, small (< 1) and large (>= 1), processed in a fixed order.
    const small = new Int32Array(n);
    const large = new Int32Array(n);
    let ns = 0, nl = 0;
    for (let i = 0; i < n; i++) {
      if (scaled[i] < 1) small[ns++] = i;
      else large[nl++] = i;
    }
    while (ns > 0 && nl > 0) {
      const s = small[--ns];
      const l = large[--nl];
      this.prob[s] = scaled[s];
      this.alias[s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1;
      if (scaled[l] < 1) small[ns++] = l;
      else large[nl++] = l;
    }
    // Whatever is left is 1 up to rounding.
    while (nl > 0) {
      const l = large[--nl];
      this.prob[l] = 1;
      this.alias[l] = l;
    }
    while (ns > 0) {
      const s = small[--ns];
      this.prob[s] = 1;
      this.alias[s] = s;
    }
  }

  /** The alias table (read-only views): a WebAssembly twin of sampleCounts draws from it. */
  get table(): { readonly prob: Float64Array; readonly alias: Int32Array } {
    return { prob: this.prob, alias: this.alias };
  }

  /** One index drawn from p. */
  draw(): number {
    const x = this.rng.nextDouble() * this.n;
    const c = x | 0;
    return x - c < this.prob[c] ? c : this.alias[c];
  }

  /**
   * Draw B indices and tally them: counts[i] += number of times i was drawn, and the
   * distinct indices are written to touched[0..m) in order of first draw; returns m.
   * counts must be zero on entry (the caller resets counts[touched[k]] after use, which
   * keeps the whole cycle O(B) instead of O(n)); touched needs room for min(B, n) + 1
   * entries (the last one is scratch: the loop is written without data-dependent branches,
   * which are unpredictable here and cost more than the extra store).
   */
  sampleCounts(B: number, counts: Int32Array, touched: Int32Array): number {
    if (touched.length < Math.min(B, this.n) + 1) throw new Error("sampleCounts: touched needs min(B, n) + 1 entries");
    const prob = this.prob, alias = this.alias, n = this.n;
    if (this.uniforms.length < B) this.uniforms = new Float64Array(B); // once per run
    const u = this.uniforms;
    this.rng.fillDoubles(u, B); // the same values as B calls of nextDouble
    let m = 0;
    for (let b = 0; b < B; b++) {
      const x = u[b] * n;
      const c = x | 0; // floor: 0 <= x < n < 2^31
      // i = (x - c < prob[c]) ? c : alias[c], branch-free
      const i = c ^ ((c ^ alias[c]) & -+(x - c >= prob[c]));
      const k = counts[i];
      counts[i] = k + 1;
      touched[m] = i;
      m += +(k === 0);
    }
    return m;
  }
}
