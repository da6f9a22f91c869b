/**
 * Seeded pseudo-random numbers: xoshiro128** (Blackman & Vigna 2018) on 32-bit integers.
 *
 * Why not seedrandom: every draw here is plain 32-bit integer arithmetic (Math.imul, shifts),
 * so the stream is identical on every machine and V8 keeps it in registers in hot loops
 * (the Geometry model draws ~10^8 batch indices in a scaling sweep). Streams for sweep runs
 * are derived from (seed, run id) by hashing, never by sharing a generator.
 * Gaussians use the Marsaglia polar method (one Math.log and Math.sqrt per pair; V8's
 * Math.log is a port of fdlibm and gives the same bits on every platform).
 */

/** Mix a 32-bit integer (murmur3 finaliser). */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Split a non-negative integer below 2^53 into 32-bit words and fold them into one hash. */
function hashWords(h: number, x: number): number {
  const lo = x >>> 0;
  const hi = Math.floor(x / 4294967296) >>> 0;
  h = fmix32((h ^ lo) + 0x9e3779b9);
  h = fmix32((h ^ hi) + 0x7f4a7c15);
  return h;
}

/** A 32-bit seed derived deterministically from a base seed and any number of stream ids. */
export function deriveSeed(seed: number, ...ids: number[]): number {
  let h = hashWords(0x2545f491, seed);
  for (const id of ids) h = hashWords(h ^ 0x68e31da4, id);
  return h >>> 0;
}

export class Rng {
  // The four state words, as signed 32-bit integers in a typed array: plain numbers above
  // 2^30 would be boxed as heap numbers on every store (about 8x slower per draw in V8).
  private readonly st = new Int32Array(4);
  private spare = 0;
  private hasSpare = false;

  /** seed: a non-negative integer (< 2^53); ids: optional stream ids (e.g. a run id). */
  constructor(seed: number, ...ids: number[]) {
    let h = deriveSeed(seed, ...ids);
    // splitmix-style expansion of one 32-bit seed into four non-zero words.
    const next = () => {
      h = (h + 0x9e3779b9) >>> 0;
      return fmix32(h) || 0x1234567;
    };
    this.st[0] = next();
    this.st[1] = next();
    this.st[2] = next();
    this.st[3] = next();
  }

  /**
   * The whole state, for a WebAssembly twin drawing the same stream (the Geometry model's
   * kernels) and back: the four words into words[0..4), and the pending normal deviate of the
   * polar method (NaN when there is none) returned.
   */
  getState(words: Int32Array): number {
    words.set(this.st);
    return this.hasSpare ? this.spare : NaN;
  }

  /** Continue from a state given as getState gives it. */
  setState(words: Int32Array, spare: number): void {
    this.st.set(words.subarray(0, 4));
    this.hasSpare = !Number.isNaN(spare);
    this.spare = this.hasSpare ? spare : 0;
  }

  /** The state words as unsigned integers (read-only; for tests). */
  get s0(): number { return this.st[0] >>> 0; }
  get s1(): number { return this.st[1] >>> 0; }
  get s2(): number { return this.st[2] >>> 0; }
  get s3(): number { return this.st[3] >>> 0; }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const st = this.st;
    const s0 = st[0], s1 = st[1];
    let s2 = st[2], s3 = st[3];
    const r = Math.imul(s1, 5);
    const result = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    st[1] = s1 ^ s2;
    st[0] = s0 ^ s3;
    st[2] = s2 ^ t;
    st[3] = (s3 << 11) | (s3 >>> 21);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  nextDouble(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /**
   * out[0..count) = the next `count` values of nextDouble(), bit for bit, with the state kept
   * in locals for the whole loop (the batch sampler's hot path: about twice as fast).
   */
  fillDoubles(out: Float64Array, count: number): void {
    const st = this.st;
    let s0 = st[0], s1 = st[1], s2 = st[2], s3 = st[3];
    for (let k = 0; k < count; k++) {
      // two xoshiro128** steps, exactly as nextUint32
      let r = Math.imul(s1, 5);
      const hi = Math.imul((r << 7) | (r >>> 25), 9) >>> 5;
      let t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      r = Math.imul(s1, 5);
      const lo = Math.imul((r << 7) | (r >>> 25), 9) >>> 6;
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      out[k] = (hi * 67108864 + lo) / 9007199254740992;
    }
    st[0] = s0;
    st[1] = s1;
    st[2] = s2;
    st[3] = s3;
  }

  /** Uniform integer in [0, n), n <= 2^32 (multiply-shift; bias < n / 2^32, negligible here). */
  nextInt(n: number): number {
    return Math.floor((this.nextUint32() / 4294967296) * n);
  }

  /** Standard normal deviate (Marsaglia polar method). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.nextDouble() - 1;
      v = 2 * this.nextDouble() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    this.hasSpare = true;
    return u * f;
  }

  /** Fill `out` with standard normal deviates. */
  fillNormal(out: Float64Array, scale = 1): void {
    for (let i = 0; i < out.length; i++) out[i] = scale * this.normal();
  }
}
