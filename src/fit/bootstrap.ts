/** Bootstrap percentile intervals of the fits, by row or by cluster of rows (one per run). */

import { Rng } from "../engine/rng.js";
import { FitInputError, type ChinchillaParams, type FitResult, type PowerLawParams } from "./result.js";
import { DEFAULT_LOSS, type Loss } from "./loss.js";
import { BOOTSTRAP_CHINCHILLA_GRID, fitChinchilla, type ChinchillaFitOptions, type ChinchillaGrid } from "./chinchilla.js";
import { fitPowerLaw, type PowerLawFitOptions } from "./powerlaw.js";

/** Percentile of sorted values, linear interpolation between order statistics (NumPy's default). */
export function quantileSorted(v: ArrayLike<number>, q: number): number {
  const h = (v.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, v.length - 1);
  return v[lo] + (h - lo) * (v[hi] - v[lo]);
}

/** The central `level` percentile interval of the values (any order; not modified). */
export function percentileInterval(v: ArrayLike<number>, level: number): [number, number] {
  const sorted = Float64Array.from(v).sort();
  const lo = (1 - level) / 2;
  return [quantileSorted(sorted, lo), quantileSorted(sorted, 1 - lo)];
}

function checkBootstrap(nRows: number, K: number, level: number): void {
  if (!(Number.isInteger(nRows) && nRows >= 1)) throw new FitInputError(`bootstrap needs at least one row, got ${nRows}`);
  if (!(Number.isInteger(K) && K >= 2)) throw new FitInputError(`bootstrap needs K >= 2 resamples, got ${K}`);
  if (!(level > 0 && level < 1)) throw new FitInputError(`bootstrap level must be in (0, 1), got ${level}`);
}

/**
 * The K resamples of a bootstrap, drawn with the seeded project Rng (reproducible): by row,
 * nRows row indices drawn with replacement; by cluster (`clusters`: the rows of each run), as
 * many clusters as there are, drawn with replacement, their rows concatenated. Points of one
 * training run are strongly correlated, so resampling whole runs gives honest intervals.
 */
export function resampleIndices(nRows: number, K: number, seed: number, clusters?: readonly Int32Array[] | null): Int32Array[] {
  const rng = new Rng(seed);
  const out: Int32Array[] = [];
  for (let r = 0; r < K; r++) {
    if (!clusters) {
      const idx = new Int32Array(nRows);
      for (let i = 0; i < nRows; i++) idx[i] = rng.nextInt(nRows);
      out.push(idx);
      continue;
    }
    const pick: Int32Array[] = [];
    let size = 0;
    for (let c = 0; c < clusters.length; c++) {
      const cl = clusters[rng.nextInt(clusters.length)];
      pick.push(cl);
      size += cl.length;
    }
    const idx = new Int32Array(size);
    let at = 0;
    for (const cl of pick) { idx.set(cl, at); at += cl.length; }
    out.push(idx);
  }
  return out;
}

/** Per parameter, the values over the resamples (each an object of numeric parameters). */
export function collectSamples(params: readonly object[]): Record<string, Float64Array> {
  const samples: Record<string, Float64Array> = {};
  params.forEach((p, r) => {
    for (const [key, v] of Object.entries(p)) {
      if (typeof v !== "number") continue;
      (samples[key] ??= new Float64Array(params.length))[r] = v;
    }
  });
  return samples;
}

/** Percentile intervals of every parameter's samples. */
export function intervalsOf(samples: Record<string, Float64Array>, level: number): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const key of Object.keys(samples)) out[key] = percentileInterval(samples[key], level);
  return out;
}

/**
 * Nonparametric bootstrap: K times, resample nRows row indices with replacement (seeded
 * project Rng, so the result is reproducible), refit with fitFn, and return for every numeric
 * parameter the percentile interval [(1 - level) / 2, (1 + level) / 2] (default 2.5%, 97.5%).
 * Errors thrown by fitFn propagate.
 */
export function bootstrap<P extends object>(
  fitFn: (idx: Int32Array) => { params: P },
  nRows: number,
  K: number,
  seed: number,
  level = 0.95,
  onProgress?: (done: number, total: number) => void,
  clusters?: readonly Int32Array[] | null,
): Record<keyof P & string, [number, number]> {
  checkBootstrap(nRows, K, level);
  const params = resampleIndices(nRows, K, seed, clusters).map((idx, r) => {
    const p = fitFn(idx).params;
    onProgress?.(r + 1, K);
    return p;
  });
  return intervalsOf(collectSamples(params), level) as Record<keyof P & string, [number, number]>;
}

export function take(v: ArrayLike<number>, idx: Int32Array): Float64Array {
  const out = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = v[idx[i]];
  return out;
}

export interface BootstrapOptions {
  /** Resamples (default 100). */
  K?: number;
  /** Rng seed (default 0). */
  seed?: number;
  /** Central coverage of the percentile interval (default 0.95). */
  level?: number;
  /** Resample these clusters of rows (e.g. one per run) rather than single rows. */
  clusters?: readonly Int32Array[] | null;
  onProgress?: (done: number, total: number) => void;
}

function atLeastTiny(v: number): number {
  return v > 1e-300 ? v : 1e-300;
}

/**
 * Options of a Chinchilla bootstrap refit: BOOTSTRAP_CHINCHILLA_GRID (32 starts) plus the
 * full-data optimum rather than the 4500-start grid, to save time (the point estimate is the
 * caller's full-grid fit).
 */
export function chinchillaRefitOptions(full: FitResult<ChinchillaParams>, loss: Loss, grid?: ChinchillaGrid): ChinchillaFitOptions {
  return {
    loss,
    grid: grid ?? BOOTSTRAP_CHINCHILLA_GRID,
    // A fitted E, A or B can underflow to 0 (its log went to -inf, e.g. no irreducible loss
    // in the data): warm-start from the smallest positive value instead.
    extraStarts: [{ ...full.params, E: atLeastTiny(full.params.E), A: atLeastTiny(full.params.A), B: atLeastTiny(full.params.B) }],
  };
}

/** Bootstrap intervals for a Chinchilla fit (refits as chinchillaRefitOptions). */
export function bootstrapChinchilla(
  N: ArrayLike<number>,
  D: ArrayLike<number>,
  L: ArrayLike<number>,
  full: FitResult<ChinchillaParams>,
  opts: BootstrapOptions & { loss?: Loss; grid?: ChinchillaGrid } = {},
): Record<keyof ChinchillaParams, [number, number]> {
  const fitOpts = chinchillaRefitOptions(full, opts.loss ?? full.loss ?? DEFAULT_LOSS, opts.grid);
  return bootstrap(
    (idx) => fitChinchilla(take(N, idx), take(D, idx), take(L, idx), fitOpts),
    L.length, opts.K ?? 100, opts.seed ?? 0, opts.level ?? 0.95, opts.onProgress, opts.clusters,
  );
}

/** Bootstrap intervals for a power-law fit (each refit is the full, cheap, 150-start fit). */
export function bootstrapPowerLaw(
  x: ArrayLike<number>,
  L: ArrayLike<number>,
  opts: BootstrapOptions & PowerLawFitOptions = {},
): Record<keyof PowerLawParams, [number, number]> {
  const fitOpts: PowerLawFitOptions = { fixE: opts.fixE, loss: opts.loss };
  return bootstrap(
    (idx) => fitPowerLaw(take(x, idx), take(L, idx), fitOpts),
    L.length, opts.K ?? 100, opts.seed ?? 0, opts.level ?? 0.95, opts.onProgress, opts.clusters,
  );
}
