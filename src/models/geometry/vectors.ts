/**
 * The Geometry model's skill vectors t_i: drawn from the run's Rng (orthogonal, random,
 * gaussian, modular) or given (explicit rows), one flat n x N row-major array. The one
 * vector-drawing code path: a run, the Resource model's `correlation: {from: geometry}` and
 * `run --vectors` all use it.
 */
import type { GeometryConfig, VectorKind } from "../../config/schema.js";
import { Rng } from "../../engine/rng.js";
import { JsWorkspace, makeWorkspace, type Workspace } from "./workspace.js";

export type SkillVectorKind = VectorKind;

/**
 * Fill ws.T with the n skill vectors (flat n x N, row-major), drawing from rng row by row.
 * orthogonal: each Gaussian row is orthogonalised against the rows before it by classical
 * Gram-Schmidt applied twice (CGS2: c = T_<i r, r -= T_<i^T c, twice; "twice is enough",
 * Giraud et al. 2005), then normalised. O(n^2 N) through the same kernels as the run (so
 * JS and wasm agree bit for bit); never an N x N decomposition. Uses ws.theta, ws.g, ws.zb
 * and ws.wb as scratch and leaves theta and g zero.
 */
export function fillSkillVectors(ws: Workspace, kind: SkillVectorKind, n: number, N: number, rng: Rng): void {
  if (kind === "orthogonal" && n > N) {
    throw new Error(`geometry: orthogonal skill vectors need skills.count <= params (got ${n} skills, ${N} params); use vectors: random`);
  }
  const { T, theta: row, g: proj, all, zb, wb } = ws;
  for (let i = 0; i < n; i++) all[i] = i;
  T.fill(0);
  if (kind === "modular") {
    for (let i = 0; i < Math.min(n, N); i++) T[i * N + i] = 1;
    return;
  }
  if (kind === "gaussian") {
    const sqrtN = Math.sqrt(N);
    for (let i = 0; i < n; i++) {
      ws.normals(rng, row);
      for (let j = 0; j < N; j++) T[i * N + j] = row[j] / sqrtN;
    }
    row.fill(0);
    return;
  }
  for (let i = 0; i < n; i++) {
    for (;;) {
      ws.normals(rng, row);
      let norm0 = 0;
      for (let j = 0; j < N; j++) norm0 += row[j] * row[j];
      if (kind === "orthogonal" && i > 0) {
        for (let pass = 0; pass < 2; pass++) {
          ws.dots(all, i); // zb[k] = t_k . r
          for (let k = 0; k < i; k++) wb[k] = zb[k];
          ws.accumulate(all, i); // proj = sum_k c_k t_k
          for (let j = 0; j < N; j++) row[j] -= proj[j];
        }
      }
      let norm = 0;
      for (let j = 0; j < N; j++) norm += row[j] * row[j];
      // A row (numerically) in the span of the previous ones has probability ~0; redraw it.
      if (norm > 1e-12 * norm0 && norm > 0) {
        const inv = 1 / Math.sqrt(norm);
        for (let j = 0; j < N; j++) T[i * N + j] = row[j] * inv;
        break;
      }
    }
  }
  row.fill(0);
  proj.fill(0);
}

/** The n drawn skill vectors (float64) through the fastest float64 kernels (a float32 run
 * rounds them; the orthogonal kind's Gram-Schmidt needs float64 kernels). */
export function drawnVectors(kind: SkillVectorKind, n: number, N: number, rng: Rng): Float64Array {
  const ws = makeWorkspace(n, N, 1);
  fillSkillVectors(ws, kind, n, N, rng);
  return ws.T;
}

/** Explicit rows (config or CSV) into T, as given. */
export function copyRows(T: Float64Array, rows: number[][], N: number): void {
  for (let i = 0; i < rows.length; i++) for (let j = 0; j < N; j++) T[i * N + j] = rows[i][j];
}

/**
 * The n skill vectors as one flat n x N row-major Float64Array, exactly as a Geometry run
 * with these settings and `new Rng(seed)` builds them (the one vector-drawing code path; the
 * Resource model's `correlation: {from: geometry}` and `run --vectors` use it).
 */
export function skillVectors(kind: SkillVectorKind | number[][], n: number, N: number, rng: Rng): Float64Array {
  const ws = new JsWorkspace(n, N, 1);
  if (Array.isArray(kind)) copyRows(ws.T, kind, N);
  else fillSkillVectors(ws, kind, n, N, rng);
  return ws.T;
}

/** The skill vectors a Geometry config draws (its seed, kind, count and params). */
export function geometrySkillVectors(cfg: GeometryConfig): Float64Array {
  return skillVectors(cfg.skills.vectors, cfg.skills.count, cfg.params, new Rng(cfg.seed));
}
