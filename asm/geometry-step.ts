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
 *                  fdlibm's exp (asm/exp.ts exp_s, bit for bit V8's Math.exp); resets counts_i.
 *
 *   fill_normals   Rng.fillNormal (src/engine/rng.ts): Marsaglia's polar method on the same
 *                  doubles, with fdlibm's log (log_s below, bit for bit V8's Math.log) and the
 *                  correctly rounded sqrt; the pending second deviate carried in and out.
 *   list_due       OverlapWatch.listDue (src/models/timeline.ts): every i with mc[i] <= moved and
 *                  due[i] <= reach, in increasing order (comparisons only: exact).
 *
 * Pointers are byte offsets into the imported memory; st holds the generator's four state
 * words (i32), read at entry and written back at exit.
 * The state stays in four locals through each loop: AssemblyScript has no multiple returns or
 * references to locals, and a helper would keep it in memory or globals, so the xoshiro128**
 * step is written out at each draw (six times in this file).
 */
import { exp_s, exp_v } from "./exp";

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

/** batch_weight for rows k..k+4: with ce, the four exp(-|z|) on two lanes at a time (exp_v,
 * asm/exp.ts: bit for bit exp_s, so bit for bit batch_weight: exp_s(-z) for z >= 0 and exp_s(z)
 * for z < 0 are both exp(-|z|); the numerator of e / (1 + e) or 1 / (1 + e) is picked per lane by
 * z >= 0). */
// @ts-ignore: decorator
@inline
export function batch_weight4(zb: usize, touched: usize, counts: usize, k: i32, B: i32, ce: bool, wb: usize): void {
  if (!ce) {
    batch_weight(zb, touched, counts, k, B, ce, wb);
    batch_weight(zb, touched, counts, k + 1, B, ce, wb);
    batch_weight(zb, touched, counts, k + 2, B, ce, wb);
    batch_weight(zb, touched, counts, k + 3, B, ce, wb);
    return;
  }
  const ko = (<usize>k) << 3;
  const zero = f64x2.splat(0.0), one = f64x2.splat(1.0);
  const z01 = v128.load(zb + ko), z23 = v128.load(zb + ko, 16);
  const e01 = exp_v(f64x2.neg(f64x2.abs(z01))), e23 = exp_v(f64x2.neg(f64x2.abs(z23)));
  const d01 = f64x2.add(one, e01), d23 = f64x2.add(one, e23);
  const r01 = f64x2.div(v128.bitselect(e01, one, f64x2.ge(z01, zero)), d01);
  const r23 = f64x2.div(v128.bitselect(e23, one, f64x2.ge(z23, zero)), d23);
  const tk = touched + ((<usize>k) << 2);
  const c0 = counts + ((<usize>load<i32>(tk)) << 2);
  const c1 = counts + ((<usize>load<i32>(tk, 4)) << 2);
  const c2 = counts + ((<usize>load<i32>(tk, 8)) << 2);
  const c3 = counts + ((<usize>load<i32>(tk, 12)) << 2);
  const b = <f64>B;
  store<f64>(wb + ko, -(<f64>load<i32>(c0) / b) * f64x2.extract_lane(r01, 0));
  store<i32>(c0, 0);
  store<f64>(wb + ko, -(<f64>load<i32>(c1) / b) * f64x2.extract_lane(r01, 1), 8);
  store<i32>(c1, 0);
  store<f64>(wb + ko, -(<f64>load<i32>(c2) / b) * f64x2.extract_lane(r23, 0), 16);
  store<i32>(c2, 0);
  store<f64>(wb + ko, -(<f64>load<i32>(c3) / b) * f64x2.extract_lane(r23, 1), 24);
  store<i32>(c3, 0);
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

// fdlibm's e_log.c (__ieee754_log), which V8's Math.log is (src/base/ieee754.cc).
const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const TWO54: f64 = 1.80143985094819840000e+16;
const LG1: f64 = 6.666666666666735130e-01;
const LG2: f64 = 3.999999999940941908e-01;
const LG3: f64 = 2.857142874366239149e-01;
const LG4: f64 = 2.222219843214978396e-01;
const LG5: f64 = 1.818357216161805012e-01;
const LG6: f64 = 1.531383769920937332e-01;
const LG7: f64 = 1.479819860511658591e-01;

/** fdlibm's log, one value. */
export function log_s(x: f64): f64 {
  let bits = reinterpret<u64>(x);
  let hx = <i32>(bits >> 32);
  const lx = <u32>bits;
  let k: i32 = 0;
  if (hx < 0x00100000) { // x < 2^-1022
    if (((hx & 0x7fffffff) | lx) == 0) return -TWO54 / 0.0; // log(+-0) = -inf
    if (hx < 0) return (x - x) / 0.0; // log(negative) = NaN
    k -= 54;
    x *= TWO54; // subnormal: scale up
    bits = reinterpret<u64>(x);
    hx = <i32>(bits >> 32);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  let i = (hx + 0x95f64) & 0x100000;
  x = reinterpret<f64>((<u64>(<u32>(hx | (i ^ 0x3ff00000))) << 32) | (reinterpret<u64>(x) & 0xffffffff)); // normalise x or x/2
  k += i >> 20;
  const f = x - 1.0;
  if ((0x000fffff & (2 + hx)) < 3) { // |f| < 2^-20
    if (f == 0.0) {
      if (k == 0) return 0.0;
      const dk = <f64>k;
      return dk * LN2_HI + dk * LN2_LO;
    }
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R;
    const dk = <f64>k;
    return dk * LN2_HI - ((R - dk * LN2_LO) - f);
  }
  const s = f / (2.0 + f);
  const dk = <f64>k;
  const z = s * s;
  i = hx - 0x6147a;
  const w = z * z;
  const j = 0x6b851 - hx;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * LN2_HI - ((s * (f - R) - dk * LN2_LO) - f);
}

/**
 * out[0..count) = the next `count` standard normal deviates of the generator at st (its four
 * words, updated) as Rng.normal gives them; *spare: the pending deviate (NaN: none), updated.
 */
export function fill_normals(st: usize, out: usize, count: i32, spare: usize): void {
  let s0 = load<u32>(st), s1 = load<u32>(st, 4), s2 = load<u32>(st, 8), s3 = load<u32>(st, 12);
  let pending = load<f64>(spare);
  let has = pending == pending;
  for (let k = 0; k < count; k++) {
    let value: f64;
    if (has) {
      value = pending;
      has = false;
    } else {
      let u: f64, v: f64, q: f64;
      do {
        // two doubles, each from two xoshiro128** steps (as Rng.nextDouble)
        let hi = rotl<u32>(s1 * 5, 7) * 9 >> 5;
        let t = s1 << 9;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
        let lo = rotl<u32>(s1 * 5, 7) * 9 >> 6;
        t = s1 << 9;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
        u = 2.0 * ((<f64>hi * 67108864.0 + <f64>lo) / 9007199254740992.0) - 1.0;
        hi = rotl<u32>(s1 * 5, 7) * 9 >> 5;
        t = s1 << 9;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
        lo = rotl<u32>(s1 * 5, 7) * 9 >> 6;
        t = s1 << 9;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl<u32>(s3, 11);
        v = 2.0 * ((<f64>hi * 67108864.0 + <f64>lo) / 9007199254740992.0) - 1.0;
        q = u * u + v * v;
      } while (q >= 1.0 || q == 0.0);
      const f = Math.sqrt((-2.0 * log_s(q)) / q);
      pending = v * f;
      has = true;
      value = u * f;
    }
    store<f64>(out + ((<usize>k) << 3), value);
  }
  store<u32>(st, s0);
  store<u32>(st, s1, 4);
  store<u32>(st, s2, 8);
  store<u32>(st, s3, 12);
  store<f64>(spare, has ? pending : NaN);
}
