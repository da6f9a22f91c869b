/**
 * WebAssembly kernels of the Chinchilla fit's objectives (src/fit/wasm.ts binds them;
 * the JavaScript objectives in src/fit/chinchilla.ts are the reference and the fallback),
 * compiled with AssemblyScript (npm run build):
 *
 *   npx asc asm/fit.ts -O3 --runtime stub --noAssert --enable simd --importMemory \
 *     --use abort= -o dist/asm/fit.wasm
 *
 * Bit-identical to the JavaScript: every operation is the same IEEE-754 double operation in
 * the same order (WebAssembly never fuses a multiply and an add), e^x is src/engine/exp.ts's
 * method with its tables copied into this memory by the caller (set_tables), and Math.exp and
 * Math.log, where the JavaScript calls them, are imported from JavaScript (env.exp, env.log).
 * The SIMD part is the exps: two arguments per f64x2, each lane computing exactly the scalar
 * formula. All pointers are byte offsets into the imported memory.
 */

// @ts-ignore: decorator
@external("env", "exp")
declare function jsExp(x: f64): f64;
// @ts-ignore: decorator
@external("env", "log")
declare function jsLog(x: f64): f64;

let TAB: usize = 0;
let TAB_LO: usize = 0;
let INV_C: f64 = 0;
let C_HI: f64 = 0;
let C_LO: f64 = 0;
const SHIFT: f64 = 6755399441055744.0;

/** Where the caller put 2^(j/256) (hi and lo, 256 doubles each), and exp.ts's constants. */
export function set_tables(tab: usize, tabLo: usize, invC: f64, cHi: f64, cLo: f64): void {
  TAB = tab;
  TAB_LO = tabLo;
  INV_C = invC;
  C_HI = cHi;
  C_LO = cLo;
}

// @ts-ignore: decorator
@inline
function pow2(k: i32): f64 {
  // 2^(k >> 8) for |x| < 700: the exponent is within the normal range, so this is exact.
  return reinterpret<f64>(<i64>((k >> 8) + 1023) << 52);
}

/** exp.ts's expAffine for one argument. */
function expOne(x: f64): f64 {
  if (!(x < 700 && x > -700)) return jsExp(x);
  const kf = x * INV_C + SHIFT - SHIFT;
  const r = x - kf * C_HI - kf * C_LO;
  const k = <i32>kf;
  const j = (<usize>(k & 255)) << 3;
  const p2 = pow2(k);
  const t = load<f64>(TAB + j) * p2;
  const q = r * (1 + r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0))));
  return t + (t * q + load<f64>(TAB_LO + j) * p2);
}

/**
 * out[i] = e^(a - b v[i]), i < n: exp.ts's expAffine, two lanes at a time. The integer k comes
 * from the bits of x / C + SHIFT (its low mantissa bits hold k + 2^51 exactly), so j and
 * 2^(k >> 8) are SIMD integer operations; only the table reads are per lane.
 */
export function exp_affine(out: usize, a: f64, b: f64, v: usize, n: i32): void {
  const va = f64x2.splat(a), vb = f64x2.splat(b);
  const vInvC = f64x2.splat(INV_C), vShift = f64x2.splat(SHIFT);
  const vChi = f64x2.splat(C_HI), vClo = f64x2.splat(C_LO);
  const one = f64x2.splat(1.0), half = f64x2.splat(0.5);
  const c6 = f64x2.splat(1.0 / 6.0), c24 = f64x2.splat(1.0 / 24.0);
  const hiBound = f64x2.splat(700.0), loBound = f64x2.splat(-700.0);
  const mask = i64x2.splat(255), bias = i64x2.splat(<i64>1023 - (<i64>1 << 43));
  const vTwo52 = f64x2.splat(4503599627370496.0);
  const tab = TAB, tabLo = TAB_LO;
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = (<usize>i) << 3;
    const x = f64x2.sub(va, f64x2.mul(vb, v128.load(v + o)));
    if (!i64x2.all_true(v128.and(f64x2.lt(x, hiBound), f64x2.gt(x, loBound)))) {
      store<f64>(out + o, expOne(f64x2.extract_lane(x, 0)));
      store<f64>(out + o, expOne(f64x2.extract_lane(x, 1)), 8);
      continue;
    }
    const y = f64x2.add(f64x2.mul(x, vInvC), vShift);
    const kf = f64x2.sub(y, vShift);
    // The bits of y minus those of 2^52 are k + 2^51 >= 0, a multiple of 256 away from k: so
    // j = k & 255 and k >> 8 = ((k + 2^51) >>> 8) - 2^43 use only native SIMD shifts.
    const k51 = i64x2.sub(y, vTwo52);
    const j = i64x2.shl(v128.and(k51, mask), 3);
    const j0 = <usize>i64x2.extract_lane(j, 0), j1 = <usize>i64x2.extract_lane(j, 1);
    const p2 = i64x2.shl(i64x2.add(i64x2.shr_u(k51, 8), bias), 52);
    const r = f64x2.sub(f64x2.sub(x, f64x2.mul(kf, vChi)), f64x2.mul(kf, vClo));
    const hi = v128.load64_lane(tab + j1, v128.load64_zero(tab + j0), 1);
    const lo = v128.load64_lane(tabLo + j1, v128.load64_zero(tabLo + j0), 1);
    const t = f64x2.mul(hi, p2);
    const q = f64x2.mul(r, f64x2.add(one, f64x2.mul(r, f64x2.add(half, f64x2.mul(r, f64x2.add(c6, f64x2.mul(r, c24)))))));
    v128.store(out + o, f64x2.add(t, f64x2.add(f64x2.mul(t, q), f64x2.mul(lo, p2))));
  }
  for (; i < n; i++) store<f64>(out + ((<usize>i) << 3), expOne(a - b * load<f64>(v + ((<usize>i) << 3))));
}

// @ts-ignore: decorator
@inline
function f64at(p: usize, k: i32): f64 {
  return load<f64>(p + ((<usize>k) << 3));
}

// @ts-ignore: decorator
@inline
function i32at(p: usize, k: i32): i32 {
  return load<i32>(p + ((<usize>k) << 2));
}

/**
 * The data of one Chinchilla objective (scaling.ts's ChinchillaData, at these offsets): n rows;
 * lN, lD, lL, invL (n doubles each); the distinct log N and log D values lNu (nN), lDu (nD) and
 * each row's index into them iN, iD (n int32 each); work buffers uN (nN), uD (nD); g (5).
 */
let rows: i32 = 0, nN: i32 = 0, nD: i32 = 0;
let gLN: usize = 0, gLD: usize = 0, gLL: usize = 0, gInvL: usize = 0;
let pLNu: usize = 0, pLDu: usize = 0, gIN: usize = 0, gID: usize = 0;
let gUN: usize = 0, gUD: usize = 0, pG: usize = 0;

export function set_data(
  n: i32, distinctN: i32, distinctD: i32,
  lN: usize, lD: usize, lL: usize, invL: usize, lNu: usize, lDu: usize, iN: usize, iD: usize,
  uN: usize, uD: usize, g: usize,
): void {
  rows = n; nN = distinctN; nD = distinctD;
  gLN = lN; gLD = lD; gLL = lL; gInvL = invL;
  pLNu = lNu; pLDu = lDu; gIN = iN; gID = iD;
  gUN = uN; gUD = uD; pG = g;
}

let Lm: f64 = 0;

/**
 * Row k's three terms shifted by the largest exponent m (for when their plain sum over- or
 * underflows), as scaling.ts's shiftedTerms: Lu1, Lu2, Lu3, their sum Ls, and Lm.
 */
function shifted(k: i32, a: f64, b: f64, e: f64, alpha: f64, beta: f64): void {
  const t1 = a - alpha * f64at(gLN, k);
  const t2 = b - beta * f64at(gLD, k);
  let m = t1 > t2 ? t1 : t2;
  if (e > m) m = e;
  Lu1 = jsExp(t1 - m);
  Lu2 = jsExp(t2 - m);
  Lu3 = jsExp(e - m);
  Ls = Lu1 + Lu2 + Lu3;
  Lm = m;
}

// One datum of the Huber objective done the scalar way (rare: in Huber's zone, or s out of
// range), results in these globals: its h = Huber'(r), the terms u1, u2, u3 and their sum s
// (shifted for s out of range), its fq contribution, and whether it counts in the products.
let Lh: f64 = 0, Lu1: f64 = 0, Lu2: f64 = 0, Lu3: f64 = 0, Ls: f64 = 0, Lfq: f64 = 0;
let Lpos: bool = false, Lneg: bool = false;

function huberDatum(
  k: i32, u1: f64, u2: f64, u3: f64, s: f64, a: f64, b: f64, e: f64, alpha: f64, beta: f64,
  delta: f64, upper: f64, lower: f64,
): void {
  const halfDelta = 0.5 * delta;
  Lpos = false;
  Lneg = false;
  Lfq = 0;
  if (s > 1e-280 && s < 1e280) {
    const q = s * f64at(gInvL, k);
    if (q > upper) {
      Lpos = true;
      Lh = delta;
    } else if (q < lower) {
      Lneg = true;
      Lh = -delta;
    } else {
      const r = jsLog(q);
      Lfq = 0.5 * r * r;
      Lh = r;
    }
    Lu1 = u1;
    Lu2 = u2;
    Lu3 = u3;
    Ls = s;
  } else {
    shifted(k, a, b, e, alpha, beta); // sets Lu1, Lu2, Lu3, Ls
    const r = Lm + jsLog(Ls) - f64at(gLL, k);
    if (r > delta) {
      Lfq = delta * (r - halfDelta);
      Lh = delta;
    } else if (r < -delta) {
      Lfq = -(delta * (r + halfDelta));
      Lh = -delta;
    } else {
      Lfq = 0.5 * r * r;
      Lh = r;
    }
  }
}

/**
 * scaling.ts's chinchillaObjectiveHuber at x = [a, b, e, alpha, beta]; the gradient goes to g.
 * Rows are taken in pairs, one per f64x2 lane: lane 0 sums the even rows and lane 1 the odd
 * ones (the JavaScript keeps the same two sets of sums), and the two are added at the end.
 * A pair where a row is inside Huber's zone or out of range goes through huberDatum.
 */
export function chinchilla_huber(a: f64, b: f64, e: f64, alpha: f64, beta: f64, delta: f64, upper: f64, lower: f64): f64 {
  // Globals to locals: a global is re-read after every call (the imports could change it).
  const n = rows, pLN = gLN, pLD = gLD, pInvL = gInvL, pIN = gIN, pID = gID, pUN = gUN, pUD = gUD;
  const halfDelta = 0.5 * delta;
  exp_affine(pUN, a, alpha, pLNu, nN);
  exp_affine(pUD, b, beta, pLDu, nD);
  const ee = jsExp(e);
  const zero = f64x2.splat(0), one = f64x2.splat(1);
  const vU3 = f64x2.splat(ee), vUp = f64x2.splat(upper), vLow = f64x2.splat(lower);
  const vDelta = f64x2.splat(delta), vNegDelta = f64x2.splat(-delta);
  const vTiny = f64x2.splat(1e-280), vHuge = f64x2.splat(1e280), vFlushUp = f64x2.splat(1e20), vFlushDown = f64x2.splat(1e-20);
  let fq = zero, prodPos = one, logPos = zero, nPos = zero, prodNeg = one, logNeg = zero, nNeg = zero;
  let ga = zero, gb = zero, ge = zero, galpha = zero, gbeta = zero;
  let k = 0;
  for (; k + 2 <= n; k += 2) {
    const o8 = (<usize>k) << 3, o4 = (<usize>k) << 2;
    const i0 = (<usize>load<i32>(pIN + o4)) << 3, i1 = (<usize>load<i32>(pIN + o4, 4)) << 3;
    const d0 = (<usize>load<i32>(pID + o4)) << 3, d1 = (<usize>load<i32>(pID + o4, 4)) << 3;
    let u1 = v128.load64_lane(pUN + i1, v128.load64_zero(pUN + i0), 1);
    let u2 = v128.load64_lane(pUD + d1, v128.load64_zero(pUD + d0), 1);
    let u3 = vU3;
    let s = f64x2.add(f64x2.add(u1, u2), u3);
    const q = f64x2.mul(s, v128.load(pInvL + o8));
    let pos = f64x2.gt(q, vUp), neg = f64x2.lt(q, vLow);
    let h: v128;
    const inRange = v128.and(f64x2.gt(s, vTiny), f64x2.lt(s, vHuge));
    if (i64x2.all_true(v128.and(inRange, v128.or(pos, neg)))) {
      h = v128.bitselect(vDelta, vNegDelta, pos);
    } else {
      huberDatum(k, f64x2.extract_lane(u1, 0), f64x2.extract_lane(u2, 0), ee, f64x2.extract_lane(s, 0), a, b, e, alpha, beta, delta, upper, lower);
      const h0 = Lh, a0 = Lu1, b0 = Lu2, c0 = Lu3, s0 = Ls, f0 = Lfq, p0 = Lpos, n0 = Lneg;
      huberDatum(k + 1, f64x2.extract_lane(u1, 1), f64x2.extract_lane(u2, 1), ee, f64x2.extract_lane(s, 1), a, b, e, alpha, beta, delta, upper, lower);
      h = f64x2.replace_lane(f64x2.splat(h0), 1, Lh);
      u1 = f64x2.replace_lane(f64x2.splat(a0), 1, Lu1);
      u2 = f64x2.replace_lane(f64x2.splat(b0), 1, Lu2);
      u3 = f64x2.replace_lane(f64x2.splat(c0), 1, Lu3);
      s = f64x2.replace_lane(f64x2.splat(s0), 1, Ls);
      fq = f64x2.add(fq, f64x2.replace_lane(f64x2.splat(f0), 1, Lfq)); // fq >= +0: adding +0 is exact
      pos = i64x2.replace_lane(i64x2.splat(p0 ? -1 : 0), 1, Lpos ? -1 : 0);
      neg = i64x2.replace_lane(i64x2.splat(n0 ? -1 : 0), 1, Lneg ? -1 : 0);
    }
    // Products of the ratios beyond the zone (times 1 elsewhere: exact), flushed to their log.
    prodPos = f64x2.mul(prodPos, v128.bitselect(q, one, pos));
    prodNeg = f64x2.mul(prodNeg, v128.bitselect(q, one, neg));
    nPos = f64x2.add(nPos, v128.and(pos, one));
    nNeg = f64x2.add(nNeg, v128.and(neg, one));
    if (v128.any_true(v128.or(f64x2.gt(prodPos, vFlushUp), f64x2.lt(prodNeg, vFlushDown)))) {
      let p0 = f64x2.extract_lane(prodPos, 0), p1 = f64x2.extract_lane(prodPos, 1);
      let l0 = f64x2.extract_lane(logPos, 0), l1 = f64x2.extract_lane(logPos, 1);
      if (p0 > 1e20) { l0 += jsLog(p0); p0 = 1; }
      if (p1 > 1e20) { l1 += jsLog(p1); p1 = 1; }
      prodPos = f64x2.replace_lane(f64x2.splat(p0), 1, p1);
      logPos = f64x2.replace_lane(f64x2.splat(l0), 1, l1);
      let m0 = f64x2.extract_lane(prodNeg, 0), m1 = f64x2.extract_lane(prodNeg, 1);
      let k0 = f64x2.extract_lane(logNeg, 0), k1 = f64x2.extract_lane(logNeg, 1);
      if (m0 < 1e-20) { k0 += jsLog(m0); m0 = 1; }
      if (m1 < 1e-20) { k1 += jsLog(m1); m1 = 1; }
      prodNeg = f64x2.replace_lane(f64x2.splat(m0), 1, m1);
      logNeg = f64x2.replace_lane(f64x2.splat(k0), 1, k1);
    }
    const hs = f64x2.div(h, s);
    const w1 = f64x2.mul(hs, u1), w2 = f64x2.mul(hs, u2);
    ga = f64x2.add(ga, w1);
    gb = f64x2.add(gb, w2);
    ge = f64x2.add(ge, f64x2.mul(hs, u3));
    galpha = f64x2.sub(galpha, f64x2.mul(w1, v128.load(pLN + o8)));
    gbeta = f64x2.sub(gbeta, f64x2.mul(w2, v128.load(pLD + o8)));
  }
  // Lane sums as scalars; an odd last row joins lane 0.
  let fq0 = f64x2.extract_lane(fq, 0), pp0 = f64x2.extract_lane(prodPos, 0), lp0 = f64x2.extract_lane(logPos, 0);
  let np0 = f64x2.extract_lane(nPos, 0), pn0 = f64x2.extract_lane(prodNeg, 0), ln0 = f64x2.extract_lane(logNeg, 0);
  let nn0 = f64x2.extract_lane(nNeg, 0);
  let ga0 = f64x2.extract_lane(ga, 0), gb0 = f64x2.extract_lane(gb, 0), ge0 = f64x2.extract_lane(ge, 0);
  let gal0 = f64x2.extract_lane(galpha, 0), gbe0 = f64x2.extract_lane(gbeta, 0);
  if (k < n) {
    const u1 = f64at(pUN, load<i32>(pIN + ((<usize>k) << 2)));
    const u2 = f64at(pUD, load<i32>(pID + ((<usize>k) << 2)));
    huberDatum(k, u1, u2, ee, u1 + u2 + ee, a, b, e, alpha, beta, delta, upper, lower);
    fq0 += Lfq;
    if (Lpos) {
      pp0 *= Ls * f64at(pInvL, k);
      np0 += 1;
      if (pp0 > 1e20) { lp0 += jsLog(pp0); pp0 = 1; }
    }
    if (Lneg) {
      pn0 *= Ls * f64at(pInvL, k);
      nn0 += 1;
      if (pn0 < 1e-20) { ln0 += jsLog(pn0); pn0 = 1; }
    }
    const hs = Lh / Ls;
    const w1 = hs * Lu1, w2 = hs * Lu2;
    ga0 += w1;
    gb0 += w2;
    ge0 += hs * Lu3;
    gal0 -= w1 * f64at(pLN, k);
    gbe0 -= w2 * f64at(pLD, k);
  }
  const pp1 = f64x2.extract_lane(prodPos, 1), pn1 = f64x2.extract_lane(prodNeg, 1);
  const np1 = f64x2.extract_lane(nPos, 1), nn1 = f64x2.extract_lane(nNeg, 1);
  store<f64>(pG, ga0 + f64x2.extract_lane(ga, 1));
  store<f64>(pG, gb0 + f64x2.extract_lane(gb, 1), 8);
  store<f64>(pG, ge0 + f64x2.extract_lane(ge, 1), 16);
  store<f64>(pG, gal0 + f64x2.extract_lane(galpha, 1), 24);
  store<f64>(pG, gbe0 + f64x2.extract_lane(gbeta, 1), 32);
  const sumPos = (np0 > 0 ? lp0 + jsLog(pp0) : 0) + (np1 > 0 ? f64x2.extract_lane(logPos, 1) + jsLog(pp1) : 0);
  const sumNeg = (nn0 > 0 ? ln0 + jsLog(pn0) : 0) + (nn1 > 0 ? f64x2.extract_lane(logNeg, 1) + jsLog(pn1) : 0);
  const nP = np0 + np1, nN2 = nn0 + nn1;
  return fq0 + f64x2.extract_lane(fq, 1) + delta * (sumPos - nP * halfDelta) - delta * (sumNeg + nN2 * halfDelta);
}

// @ts-ignore: decorator
@external("env", "logs")
declare function jsLogs(p: usize, n: i32): void;

let gScratch: usize = 0;

/** Where chinchilla_squared keeps its n logs (n doubles). */
export function set_scratch(p: usize): void {
  gScratch = p;
}

/**
 * scaling.ts's chinchillaObjectiveSquared (weight wPos on r > 0) at x = [a, b, e, alpha, beta].
 * It needs a log per row: the arguments are gathered first and their logs taken by one call
 * to JavaScript's Math.log over them all (env.logs), which costs far less than a call per row.
 */
export function chinchilla_squared(a: f64, b: f64, e: f64, alpha: f64, beta: f64, wPos: f64): f64 {
  // Globals to locals: a global is re-read after every call (the imports could change it).
  const n = rows, pLN = gLN, pLD = gLD, pLL = gLL, pInvL = gInvL, pIN = gIN, pID = gID, pUN = gUN, pUD = gUD;
  const pR = gScratch;
  exp_affine(pUN, a, alpha, pLNu, nN);
  exp_affine(pUD, b, beta, pLDu, nD);
  const ee = jsExp(e);
  // Pass 1: the argument of each row's log (s / L, or the shifted sum when s is out of range).
  for (let k = 0; k < n; k++) {
    const s = f64at(pUN, i32at(pIN, k)) + f64at(pUD, i32at(pID, k)) + ee;
    if (s > 1e-280 && s < 1e280) {
      store<f64>(pR + ((<usize>k) << 3), s * f64at(pInvL, k));
    } else {
      shifted(k, a, b, e, alpha, beta);
      store<f64>(pR + ((<usize>k) << 3), Ls);
    }
  }
  jsLogs(pR, n);
  // Pass 2: the residuals, the objective and the gradient, row by row as the JavaScript.
  let f: f64 = 0;
  let ga: f64 = 0, gb: f64 = 0, ge: f64 = 0, galpha: f64 = 0, gbeta: f64 = 0;
  for (let k = 0; k < n; k++) {
    let u1 = f64at(pUN, i32at(pIN, k));
    let u2 = f64at(pUD, i32at(pID, k));
    let u3 = ee;
    let s = u1 + u2 + u3;
    let r: f64;
    if (s > 1e-280 && s < 1e280) {
      r = f64at(pR, k);
    } else {
      shifted(k, a, b, e, alpha, beta);
      u1 = Lu1;
      u2 = Lu2;
      u3 = Lu3;
      s = Ls;
      r = Lm + f64at(pR, k) - f64at(pLL, k);
    }
    const w: f64 = r > 0 ? wPos : 1;
    f += w * r * r;
    const hs = (2 * w * r) / s;
    const w1 = hs * u1, w2 = hs * u2;
    ga += w1;
    gb += w2;
    ge += hs * u3;
    galpha -= w1 * f64at(pLN, k);
    gbeta -= w2 * f64at(pLD, k);
  }
  store<f64>(pG, ga);
  store<f64>(pG, gb, 8);
  store<f64>(pG, ge, 16);
  store<f64>(pG, galpha, 24);
  store<f64>(pG, gbeta, 32);
  return f;
}
