/**
 * A table-driven exp for hot loops (the scaling fitter's objectives evaluate ~380 exps per
 * call, ~280,000 calls per Chinchilla fit). Math.exp is a call out of optimised code in V8
 * (~10 ns); expAffine is plain arithmetic in a loop (~4-6 ns per value), and asm/fit.ts runs the
 * same arithmetic two values at a time. Its error against 60-digit decimal arithmetic is at
 * most 0.78 ulp (Math.exp's: 0.79), test/engine/exp.test.ts.
 *
 * Method (as glibc's and musl's exp, Tang 1989): x = k ln2/256 + r with k = round(256 x / ln2)
 * and |r| <= ln2/512; exp(x) = 2^(k >> 8) * 2^((k & 255)/256) * e^r, the middle factor from a
 * 256-entry table (a double plus a correction) and e^r from its Taylor series to r^4 (the r^5 term is below 4e-17
 * relative). ln2/256 is split in two so that k * hi is exact and r carries no cancellation
 * error. Only IEEE-754 double additions and multiplications are used, so the result is the
 * same bit for bit on every machine (JavaScript has no fused multiply-add).
 *
 * Outside |x| < 700 (where the result could overflow or be subnormal) and for NaN it uses
 * Math.exp(x) itself.
 */

const INV_C = 256 / Math.LN2;
// ln2/256 = C_HI + C_LO; C_HI = fdlibm's ln2_hi / 256 (its low 20 bits are zero, so k * C_HI is
// exact for |k| < 2^20, and |k| < 2^18 here).
const C_HI = 6.93147180369123816490e-1 / 256;
const C_LO = 1.90821492927058770002e-10 / 256;
/** Round-to-nearest-integer by the 1.5 * 2^52 shift (exact for |v| < 2^51). */
const SHIFT = 6755399441055744;
/** 2^e for e in [-1024, 1023], at index e + 1024 (exact: only halvings and doublings). */
const POW2 = new Float64Array(2048);
POW2[1024] = 1;
for (let e = 1; e < 1024; e++) POW2[1024 + e] = 2 * POW2[1023 + e];
for (let e = 1; e <= 1024; e++) POW2[1024 - e] = 0.5 * POW2[1025 - e];
/** 2^(j/256) = TABLE[j] + TABLE_LO[j], j = 0..255, to ~2^-105 (see twoToTheJOver256). */
const [TABLE, TABLE_LO] = twoToTheJOver256();

/**
 * The table 2^(j/256) computed in 192-bit fixed point with BigInt (2^(1/2^i) by integer square
 * roots, multiplied along the bits of j), then split into the nearest double and the nearest
 * double to the remainder: no libm call, so it is the same everywhere.
 */
function twoToTheJOver256(): [Float64Array, Float64Array] {
  const P = 192n;
  const ONE = 1n << P;
  const isqrt = (n: bigint): bigint => {
    let x = 1n << BigInt((n.toString(2).length >> 1) + 1);
    for (;;) {
      const y = (x + n / x) >> 1n;
      if (y >= x) return x;
      x = y;
    }
  };
  const roots: bigint[] = []; // roots[i] = 2^(1/2^(i+1))
  let r = isqrt(2n * ONE * ONE);
  for (let i = 0; i < 8; i++) {
    roots.push(r);
    r = isqrt(r * ONE);
  }
  const hi = new Float64Array(256), lo = new Float64Array(256);
  const scale = POW2[1024 - 192];
  for (let j = 0; j < 256; j++) {
    let t = ONE;
    for (let i = 0; i < 8; i++) if (j & (128 >> i)) t = (t * roots[i]) >> P;
    const h = Number(t); // Number(bigint) rounds to nearest; the integer h is exact in BigInt
    hi[j] = h * scale; // * 2^-192 is exact
    lo[j] = Number(t - BigInt(h)) * scale;
  }
  return [hi, lo];
}

/**
 * out[j] = e^(a - b v[j]) for j < n (see the file comment: error below 1 ulp, the same bits on
 * every machine). A loop kernel rather than a scalar function so that nothing is called per
 * element (a non-inlined call returning a double costs more than Math.exp saves).
 */
export function expAffine(out: Float64Array, a: number, b: number, v: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const x = a - b * v[i];
    if (!(x < 700 && x > -700)) {
      out[i] = Math.exp(x);
      continue;
    }
    const kf = x * INV_C + SHIFT - SHIFT;
    const r = x - kf * C_HI - kf * C_LO;
    const k = kf | 0;
    const j = k & 255;
    const p2 = POW2[(k >> 8) + 1024];
    const t = TABLE[j] * p2; // exact: scaling by a power of two, the result normal
    const q = r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24))));
    out[i] = t + (t * q + TABLE_LO[j] * p2);
  }
}

/** The tables and constants above, for the WebAssembly copy of expAffine (asm/fit.ts). */
export const EXP_TABLES = Object.freeze({ hi: TABLE, lo: TABLE_LO, invC: INV_C, cHi: C_HI, cLo: C_LO });

// fdlibm's exp (e_exp.c, Sun Microsystems 1993), as V8 computes Math.exp (src/base/ieee754.cc,
// with its exp(1) = E special case): the reference the network kernels' exp is held to. The
// WebAssembly SIMD copy (asm/exp.ts exp_s, exp_v) does the same operations, so it gives the
// same bits; Math.exp in V8 gives them too, which is why the JavaScript fallbacks may call
// Math.exp (about 3 times faster than this port). test/engine/exp.test.ts checks all three.
const FD_BITS = new Float64Array(1);
const FD_WORDS = new Uint32Array(FD_BITS.buffer); // little-endian: [low, high]
const LN2_HI = 6.93147180369123816490e-1, LN2_LO = 1.90821492927058770002e-10, INV_LN2 = 1.44269504088896338700e0;
const P1 = 1.66666666666666019037e-1, P2 = -2.77777777770155933842e-3, P3 = 6.61375632143793436117e-5;
const P4 = -1.65339022054652515390e-6, P5 = 4.13813679705723846039e-8;
const HUGE = 1.0e300, TWOM1000 = 9.33263618503218878990e-302, TWO1023 = 8.988465674311579539e307;

/** fdlibm's exp(x), bit for bit. */
export function fdlibmExp(x: number): number {
  FD_BITS[0] = x;
  let hx = FD_WORDS[1];
  const lx = FD_WORDS[0];
  const xsb = hx >>> 31;
  hx &= 0x7fffffff;
  let hi = 0, lo = 0, k = 0;
  if (hx >= 0x40862e42) {
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | lx) !== 0) return x + x; // NaN
      return xsb === 0 ? x : 0; // exp(+-inf) = inf, 0
    }
    if (x > 7.09782712893383973096e2) return HUGE * HUGE;
    if (x < -7.45133219101941108420e2) return TWOM1000 * TWOM1000;
  }
  if (hx > 0x3fd62e42) {
    if (hx < 0x3ff0a2b2) {
      if (x === 1) return Math.E;
      hi = xsb ? x + LN2_HI : x - LN2_HI;
      lo = xsb ? -LN2_LO : LN2_LO;
      k = 1 - xsb - xsb;
    } else {
      k = (INV_LN2 * x + (xsb ? -0.5 : 0.5)) | 0;
      hi = x - k * LN2_HI;
      lo = k * LN2_LO;
    }
    x = hi - lo;
  } else if (hx < 0x3e300000) {
    return 1 + x;
  }
  const t = x * x;
  FD_WORDS[1] = 0x3ff00000 + ((k >= -1021 ? k : k + 1000) << 20);
  FD_WORDS[0] = 0;
  const twopk = FD_BITS[0];
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((x * c) / (c - 2) - x);
  const y = 1 - ((lo - (x * c) / (2 - c)) - hi);
  if (k >= -1021) return k === 1024 ? y * 2 * TWO1023 : y * twopk;
  return y * twopk * TWOM1000;
}
