/**
 * WebAssembly kernels of the Chinchilla fit's objectives (src/analysis/fit-wasm.ts binds them;
 * the JavaScript objectives in src/analysis/scaling.ts are the reference and the fallback),
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
 * from the bits of x / C + SHIFT (its low mantissa bits hold k + 2^51 exactly), so j, the
 * exponent and 2^(k >> 8) are SIMD integer operations; only the table reads are per lane.
 */
export function exp_affine(out: usize, a: f64, b: f64, v: usize, n: i32): void {
  const va = f64x2.splat(a), vb = f64x2.splat(b);
  const vInvC = f64x2.splat(INV_C), vShift = f64x2.splat(SHIFT);
  const vChi = f64x2.splat(C_HI), vClo = f64x2.splat(C_LO);
  const one = f64x2.splat(1.0), half = f64x2.splat(0.5);
  const c6 = f64x2.splat(1.0 / 6.0), c24 = f64x2.splat(1.0 / 24.0);
  const hiBound = f64x2.splat(700.0), loBound = f64x2.splat(-700.0);
  const mask = i64x2.splat(255), bias = i64x2.splat(1023);
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
    const k = i64x2.sub(y, vShift); // the bits: k as a signed integer
    const j = i64x2.shl(v128.and(k, mask), 3);
    const j0 = <usize>i64x2.extract_lane(j, 0), j1 = <usize>i64x2.extract_lane(j, 1);
    const p2 = i64x2.shl(i64x2.add(i64x2.shr_s(k, 8), bias), 52);
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

/** scaling.ts's chinchillaObjectiveHuber at x = [a, b, e, alpha, beta]; the gradient goes to g. */
export function chinchilla_huber(a: f64, b: f64, e: f64, alpha: f64, beta: f64, delta: f64, upper: f64, lower: f64): f64 {
  // Globals to locals: a global is re-read after every call (the imports could change it).
  const n = rows, pLN = gLN, pLD = gLD, pLL = gLL, pInvL = gInvL, pIN = gIN, pID = gID, pUN = gUN, pUD = gUD;
  const halfDelta = 0.5 * delta;
  exp_affine(pUN, a, alpha, pLNu, nN);
  exp_affine(pUD, b, beta, pLDu, nD);
  const ee = jsExp(e);
  let fq: f64 = 0;
  let prodPos: f64 = 1, logPos: f64 = 0;
  let nPos: i32 = 0;
  let prodNeg: f64 = 1, logNeg: f64 = 0;
  let nNeg: i32 = 0;
  let ga: f64 = 0, gb: f64 = 0, ge: f64 = 0, galpha: f64 = 0, gbeta: f64 = 0;
  for (let k = 0; k < n; k++) {
    let u1 = f64at(pUN, i32at(pIN, k));
    let u2 = f64at(pUD, i32at(pID, k));
    let u3 = ee;
    let s = u1 + u2 + u3;
    let h: f64;
    if (s > 1e-280 && s < 1e280) {
      const q = s * f64at(pInvL, k);
      if (q > upper) {
        prodPos *= q;
        if (prodPos > 1e20) { logPos += jsLog(prodPos); prodPos = 1; }
        nPos++;
        h = delta;
      } else if (q < lower) {
        prodNeg *= q;
        if (prodNeg < 1e-20) { logNeg += jsLog(prodNeg); prodNeg = 1; }
        nNeg++;
        h = -delta;
      } else {
        const r = jsLog(q);
        fq += 0.5 * r * r;
        h = r;
      }
    } else {
      const t1 = a - alpha * f64at(pLN, k);
      const t2 = b - beta * f64at(pLD, k);
      let m = t1 > t2 ? t1 : t2;
      if (e > m) m = e;
      u1 = jsExp(t1 - m);
      u2 = jsExp(t2 - m);
      u3 = jsExp(e - m);
      s = u1 + u2 + u3;
      const r = m + jsLog(s) - f64at(pLL, k);
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
  const sumPos = nPos > 0 ? logPos + jsLog(prodPos) : 0;
  const sumNeg = nNeg > 0 ? logNeg + jsLog(prodNeg) : 0;
  return fq + delta * (sumPos - <f64>nPos * halfDelta) - delta * (sumNeg + <f64>nNeg * halfDelta);
}

/** scaling.ts's chinchillaObjectiveSquared (weight wPos on r > 0) at x = [a, b, e, alpha, beta]. */
export function chinchilla_squared(a: f64, b: f64, e: f64, alpha: f64, beta: f64, wPos: f64): f64 {
  // Globals to locals: a global is re-read after every call (the imports could change it).
  const n = rows, pLN = gLN, pLD = gLD, pLL = gLL, pInvL = gInvL, pIN = gIN, pID = gID, pUN = gUN, pUD = gUD;
  exp_affine(pUN, a, alpha, pLNu, nN);
  exp_affine(pUD, b, beta, pLDu, nD);
  const ee = jsExp(e);
  let f: f64 = 0;
  let ga: f64 = 0, gb: f64 = 0, ge: f64 = 0, galpha: f64 = 0, gbeta: f64 = 0;
  for (let k = 0; k < n; k++) {
    let u1 = f64at(pUN, i32at(pIN, k));
    let u2 = f64at(pUD, i32at(pID, k));
    let u3 = ee;
    let s = u1 + u2 + u3;
    let r: f64;
    if (s > 1e-280 && s < 1e280) {
      r = jsLog(s * f64at(pInvL, k));
    } else {
      const t1 = a - alpha * f64at(pLN, k);
      const t2 = b - beta * f64at(pLD, k);
      let m = t1 > t2 ? t1 : t2;
      if (e > m) m = e;
      u1 = jsExp(t1 - m);
      u2 = jsExp(t2 - m);
      u3 = jsExp(e - m);
      s = u1 + u2 + u3;
      r = m + jsLog(s) - f64at(pLL, k);
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
