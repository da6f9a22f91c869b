/** Input validation of the fits: lengths, logs of positive finite values, counts, Huber's delta. */

import { FitInputError } from "./result.js";

export function checkLength(name: string, v: ArrayLike<number>, n: number, ref: string): void {
  if (v.length !== n) {
    throw new FitInputError(`${name} has ${v.length} values but ${ref} has ${n}`, name);
  }
}

/** log of each value, throwing on non-finite or non-positive values. */
export function logColumn(name: string, v: ArrayLike<number>): Float64Array {
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== "number" || !Number.isFinite(x)) {
      throw new FitInputError(`${name} at row ${i} is ${String(x)}: not a finite number`, name, i);
    }
    if (x <= 0) {
      throw new FitInputError(`${name} at row ${i} is ${x}: must be > 0 (its log is taken)`, name, i);
    }
    out[i] = Math.log(x);
  }
  return out;
}

export function checkCount(form: string, n: number, params: number): void {
  if (n < params) {
    throw new FitInputError(`${form} fit needs at least ${params} data points (one per parameter), got ${n}`);
  }
}

export function checkDelta(delta: number): void {
  if (!(delta > 0) || !Number.isFinite(delta)) {
    throw new FitInputError(`Huber delta must be a positive finite number, got ${delta}`);
  }
}
