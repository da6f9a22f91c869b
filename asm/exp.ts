/**
 * The exponential shared by the WebAssembly kernels (asm/dense.ts: silu, softmax; asm/geometry-step.ts:
 * the Geometry batch weights). Not a module of its own: imported by the entry files, so exp_v's
 * v128 signature never crosses the JavaScript boundary.
 */
// ---------------------------------------------------------------------------------------
// exp, as fdlibm's e_exp.c (Sun Microsystems, 1993), which is V8's Math.exp
// (src/base/ieee754.cc, with its exp(1) = E special case) and src/engine/exp.ts's fdlibmExp:
// the same IEEE-754 double operations in the same order, so the same bits (tested against
// both on many inputs, edge cases included). Only + - * / and exact bit operations; no fused
// multiply-add.

const LN2HI: f64 = 6.93147180369123816490e-01;
const LN2LO: f64 = 1.90821492927058770002e-10;
const INVLN2: f64 = 1.44269504088896338700e+00;
const P1: f64 = 1.66666666666666019037e-01;
const P2: f64 = -2.77777777770155933842e-03;
const P3: f64 = 6.61375632143793436117e-05;
const P4: f64 = -1.65339022054652515390e-06;
const P5: f64 = 4.13813679705723846039e-08;
const EXP1: f64 = 2.718281828459045;
const HUGE: f64 = 1.0e+300;
const TWOM1000: f64 = 9.33263618503218878990e-302;
const TWO1023: f64 = 8.988465674311579539e+307;

/** fdlibm's exp, one value. */
export function exp_s(x: f64): f64 {
  const bits = reinterpret<u64>(x);
  let hx = <u32>(bits >> 32);
  const xsb = hx >> 31;
  hx &= 0x7fffffff;
  let hi = 0.0, lo = 0.0;
  let k: i32 = 0;
  if (hx >= 0x40862e42) {
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | <u32>bits) != 0) return x + x; // NaN
      return xsb == 0 ? x : 0.0; // exp(+-inf) = inf, 0
    }
    if (x > 7.09782712893383973096e+02) return HUGE * HUGE; // overflow
    if (x < -7.45133219101941108420e+02) return TWOM1000 * TWOM1000; // underflow
  }
  if (hx > 0x3fd62e42) { // |x| > 0.5 ln2
    if (hx < 0x3ff0a2b2) { // and |x| < 1.5 ln2
      if (x == 1.0) return EXP1;
      hi = xsb != 0 ? x + LN2HI : x - LN2HI;
      lo = xsb != 0 ? -LN2LO : LN2LO;
      k = 1 - <i32>xsb - <i32>xsb;
    } else {
      k = <i32>(INVLN2 * x + (xsb != 0 ? -0.5 : 0.5));
      const t = <f64>k;
      hi = x - t * LN2HI; // exact
      lo = t * LN2LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) { // |x| < 2^-28
    return 1.0 + x;
  }
  const t = x * x;
  const twopk = reinterpret<f64>(<u64>(0x3ff + (k >= -1021 ? k : k + 1000)) << 52);
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) {
    if (k == 1024) return y * 2.0 * TWO1023;
    return y * twopk;
  }
  return y * twopk * TWOM1000;
}

/**
 * fdlibm's exp on two lanes. Lanes with |x| < 708 (so |k| <= 1021: no overflow, no scaling
 * beyond 2^k) take the branch-free vector form of exp_s's three paths (exp_core: |x| < 2^-28:
 * 1 + x; |x| <= 0.5 ln2: k = 0; else k = trunc(x / ln2 +- 1/2), which for 0.5 ln2 < |x| <
 * 1.5 ln2 is exp_s's k = +-1 with the same hi and lo), each lane's result chosen by its path; a
 * pair with any other lane (large, infinite, NaN) goes through exp_s lane by lane.
 */
// @ts-ignore: decorator
@inline
export function exp_v(x: v128): v128 {
  if (!i64x2.all_true(f64x2.lt(f64x2.abs(x), f64x2.splat(708.0)))) {
    return f64x2.replace_lane(f64x2.splat(exp_s(f64x2.extract_lane(x, 0))), 1, exp_s(f64x2.extract_lane(x, 1)));
  }
  return exp_core(x);
}

/** Both pairs within exp_core's range (|x| < 708 in every lane). */
// @ts-ignore: decorator
@inline
export function exp_ok2(x0: v128, x1: v128): bool {
  const lim = f64x2.splat(708.0);
  return i64x2.all_true(v128.and(f64x2.lt(f64x2.abs(x0), lim), f64x2.lt(f64x2.abs(x1), lim)));
}

// @ts-ignore: decorator
@inline
export function exp_core(x: v128): v128 {
  const ax = f64x2.abs(x);
  const sign = v128.and(x, i64x2.splat(0x8000000000000000));
  const half = v128.or(f64x2.splat(0.5), sign);
  const t = f64x2.trunc(f64x2.add(f64x2.mul(f64x2.splat(INVLN2), x), half));
  const hi = f64x2.sub(x, f64x2.mul(t, f64x2.splat(LN2HI)));
  const lo = f64x2.mul(t, f64x2.splat(LN2LO));
  const big = f64x2.ge(ax, f64x2.splat(reinterpret<f64>(0x3fd62e4300000000)));
  const r = v128.bitselect(f64x2.sub(hi, lo), x, big);
  const rr = f64x2.mul(r, r);
  let p = f64x2.mul(rr, f64x2.splat(P5));
  p = f64x2.mul(rr, f64x2.add(f64x2.splat(P4), p));
  p = f64x2.mul(rr, f64x2.add(f64x2.splat(P3), p));
  p = f64x2.mul(rr, f64x2.add(f64x2.splat(P2), p));
  p = f64x2.mul(rr, f64x2.add(f64x2.splat(P1), p));
  const c = f64x2.sub(r, p);
  const one = f64x2.splat(1.0), two = f64x2.splat(2.0);
  const rc = f64x2.mul(r, c);
  const q = f64x2.div(rc, v128.bitselect(f64x2.sub(two, c), f64x2.sub(c, two), big));
  const yk = f64x2.sub(one, f64x2.sub(f64x2.sub(lo, q), hi));
  const twopk = i64x2.shl(f64x2.add(t, f64x2.splat(1023.0 + 6755399441055744.0)), 52);
  const y0 = f64x2.sub(one, f64x2.sub(q, r));
  let y = v128.bitselect(f64x2.mul(yk, twopk), y0, big);
  y = v128.bitselect(f64x2.add(one, x), y, f64x2.lt(ax, f64x2.splat(reinterpret<f64>(0x3e30000000000000))));
  return v128.bitselect(f64x2.splat(EXP1), y, f64x2.eq(x, one));
}

