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
