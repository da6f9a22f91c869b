/**
 * The Geometry model's per-step scalar work, in WebAssembly (compiled into both
 * asm/geometry.ts and asm/geometry32.ts): the batch's alias draws and the
 * batch weights. Each does exactly the operations of its JavaScript twin, in the same order,
 * so results are bit-identical (tested):
 *
 *   sample_counts  AliasSampler.sampleCounts (src/engine/sampling.ts) with Rng.fillDoubles
 *                  (src/engine/rng.ts): B draws, each one double u from two xoshiro128** words,
 *                  (hi * 2^26 + lo) / 2^53; x = u n, c = trunc(x), i = x - c < prob[c] ? c : alias[c];
 *                  counts[i] += 1, distinct indices to touched in order of first draw.
 *   batch_weight   batchWeights (src/models/geometry/step.ts): w_k = -(counts_i / B) (1 - s(z_k)),
 *                  1 - s = 1 - z (mse) or e^-z / (1 + e^-z) (z >= 0), 1 / (1 + e^z) (ce), with
 *                  fdlibm's exp (asm/dense.ts exp_s, bit for bit V8's Math.exp); resets counts_i.
 *
 *   list_due       OverlapWatch.listDue (src/models/timeline.ts): every i with mc[i] <= moved and
 *                  due[i] <= reach, in increasing order (comparisons only: exact).
 *
 * Pointers are byte offsets into the imported memory; st holds the generator's four state
 * words (i32), read at entry and written back at exit.
 */
import { exp_s } from "./dense";

/** B alias draws tallied into counts (i32, zero on entry) and touched (i32, min(B, n) + 1); returns m. */
export function sample_counts(st: usize, prob: usize, alias: usize, n: i32, B: i32, counts: usize, touched: usize): i32 {
  let s0 = load<u32>(st), s1 = load<u32>(st, 4), s2 = load<u32>(st, 8), s3 = load<u32>(st, 12);
  const nf = <f64>n;
  let m = 0;
  for (let b = 0; b < B; b++) {
    // two xoshiro128** steps, as Rng.fillDoubles
    const hi = rotl<u32>(s1 * 5, 7) * 9 >> 5;
    let t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl<u32>(s3, 11);
    const lo = rotl<u32>(s1 * 5, 7) * 9 >> 6;
    t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl<u32>(s3, 11);
    const u = (<f64>hi * 67108864.0 + <f64>lo) / 9007199254740992.0;
    const x = u * nf;
    const c = <i32>x; // 0 <= x < n
    // i = x - c < prob[c] ? c : alias[c], without a branch (it would be mispredicted half the time)
    const a = load<i32>(alias + ((<usize>c) << 2));
    const i = c ^ ((c ^ a) & -<i32>(x - <f64>c >= load<f64>(prob + ((<usize>c) << 3))));
    const ci = counts + ((<usize>i) << 2);
    const k = load<i32>(ci);
    store<i32>(ci, k + 1);
    store<i32>(touched + ((<usize>m) << 2), i);
    m += <i32>(k == 0);
  }
  store<u32>(st, s0);
  store<u32>(st, s1, 4);
  store<u32>(st, s2, 8);
  store<u32>(st, s3, 12);
  return m;
}

/** wb[k] = -(counts_i / B) (1 - s(zb[k])), i = touched[k]; counts_i reset to 0 (the fused
 * batch_gradient of asm/geometry.ts and asm/geometry32.ts calls it for each drawn row). */
// @ts-ignore: decorator
@inline
export function batch_weight(zb: usize, touched: usize, counts: usize, k: i32, B: i32, ce: bool, wb: usize): void {
  const ko = (<usize>k) << 3;
  const ci = counts + ((<usize>load<i32>(touched + ((<usize>k) << 2))) << 2);
  const z = load<f64>(zb + ko);
  let r: f64;
  if (!ce) r = 1.0 - z;
  else if (z >= 0) {
    const e = exp_s(-z);
    r = e / (1.0 + e);
  } else r = 1.0 / (1.0 + exp_s(z));
  store<f64>(wb + ko, -(<f64>load<i32>(ci) / <f64>B) * r);
  store<i32>(ci, 0);
}

/** out[0..q) = every i < n with mc[i] <= moved and due[i] <= reach, increasing; returns q. */
export function list_due(mc: usize, due: usize, n: i32, moved: f64, reach: f64, out: usize): i32 {
  const mv = f64x2.splat(moved), rv = f64x2.splat(reach);
  let q = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 3;
    const c01 = v128.and(f64x2.le(v128.load(mc + o), mv), f64x2.le(v128.load(due + o), rv));
    const c23 = v128.and(f64x2.le(v128.load(mc + o, 16), mv), f64x2.le(v128.load(due + o, 16), rv));
    if (!v128.any_true(v128.or(c01, c23))) continue; // the common case: none of the four is due
    const bits = i64x2.bitmask(c01) | (i64x2.bitmask(c23) << 2);
    for (let l = 0; l < 4; l++) {
      if (bits & (1 << l)) {
        store<i32>(out + ((<usize>q) << 2), i + l);
        q++;
      }
    }
  }
  for (; i < n; i++) {
    const o = (<usize>i) << 3;
    if (load<f64>(mc + o) <= moved && load<f64>(due + o) <= reach) {
      store<i32>(out + ((<usize>q) << 2), i);
      q++;
    }
  }
  return q;
}
