/** Row helpers shared by the fits: distinct values, strided subsamples, RMS. */

/**
 * Distinct values of v (exact) and, for every datum, the index of its value among them.
 * When the first few thousand values are mostly distinct (a CSV of a million different x),
 * hashing all of them would cost more than it saves: each datum is then its own value.
 */
export function distinct(v: Float64Array): { values: Float64Array; index: Int32Array } {
  if (v.length > 8192) {
    const probe = new Set<number>();
    for (let k = 0; k < 4096; k++) probe.add(v[k]);
    if (probe.size > 2048) return { values: v, index: Int32Array.from({ length: v.length }, (_, k) => k) };
  }
  const seen = new Map<number, number>();
  const index = new Int32Array(v.length);
  const values: number[] = [];
  for (let k = 0; k < v.length; k++) {
    let j = seen.get(v[k]);
    if (j === undefined) {
      j = values.length;
      values.push(v[k]);
      seen.set(v[k], j);
    }
    index[k] = j;
  }
  return { values: Float64Array.from(values), index };
}

/** Every k-th of n indices, about `m` of them. */
export function stride(n: number, m: number): Int32Array {
  const k = Math.ceil(n / m);
  const out = new Int32Array(Math.ceil(n / k));
  for (let i = 0; i < out.length; i++) out[i] = i * k;
  return out;
}

export function rms(v: Float64Array): number {
  let ss = 0;
  for (let k = 0; k < v.length; k++) ss += v[k] * v[k];
  return Math.sqrt(ss / v.length);
}
