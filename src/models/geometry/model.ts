/**
 * Geometry model: (stochastic) gradient descent on a linear toy network
 * (Liu, Liu, Michaud, Gore, Tegmark 2025, "Physics of Skill Learning"; docs/models.md).
 *
 *   theta in R^N, theta(0) = 0 (or `init`); skill i has a vector t_i in R^N:
 *     orthogonal  orthonormal rows (n <= N): n Gaussian rows, Gram-Schmidt (CGS2)
 *     random      Gaussian rows normalised to length 1 (n may exceed N)
 *     gaussian    Gaussian rows / sqrt(N), not normalised (length ~ 1; the authors' Fig 15)
 *     modular     t_i = e_i for i <= N, t_i = 0 beyond (never learnable)
 *     explicit    rows given in the config (or a CSV file), used as given (any length)
 *   overlap z_i = t_i . theta
 *     mse  s_i = z_i,            l_i = (1 - s_i)^2
 *     ce   s_i = sigmoid(z_i),   l_i = -log s_i = log(1 + e^-z_i)   (initial loss ln 2)
 *   L = sum_i p_i l_i   (p normalised)
 *   gradient estimate (the same form for both losses; for mse it is the gradient of
 *   (1/2)(1 - s)^2, as in the reference code):
 *     batch B  g = -(1/B) sum_b t_{i_b} (1 - s_{i_b}),  i_b ~ p i.i.d., fresh every step
 *     full     g = -sum_i p_i (1 - s_i) t_i
 *     noise    g += sigma Normal(0, I_N)
 *   theta <- optimizer(theta, g)   (src/engine/optimizers.ts); t counts updates applied.
 *
 * Randomness, in this fixed order from one `new Rng(cfg.seed)`: the skill vectors (row by
 * row, N normals each; none for modular or explicit rows), then for every step: the batch (B alias draws,
 * one nextDouble each; none for full batch), then the noise (N normals, only if sigma > 0).
 *
 * Cost: a batch step touches only the m distinct drawn skills, O(m N + N), m <= min(B, n);
 * a full-batch step is O(n N). All z_i (O(n N)) are computed only at recorded steps and at
 * the exact timeline's checkpoints; between them the timeline evaluates only the skills that
 * could have reached a threshold (OverlapWatch, src/models/timeline.ts). Every z_i anywhere
 * comes from the same dot product, so neither the trajectory nor the timeline depends on the
 * record settings.
 *
 * The two O(m N) loops (dot products with the drawn rows, and g = sum_k w_k t_k) run in a
 * WebAssembly SIMD kernel (asm/geometry.ts, built to dist/asm/geometry.wasm) when it is
 * available, else in JavaScript (`dotRow`, `axpyRow`). Both do the same floating-point
 * operations in the same order, so results are bit-identical (tested); only speed differs.
 * `precision: float32` swaps in float32 vectors and kernels (./float32.ts, asm/geometry32.ts).
 */
import { loadWasmModule, type LoadedWasm, type WasmApi } from "../../engine/wasm.js";
import { noteKernels, selectKernels } from "../../engine/kernels.js";
import type { GeometryConfig, VectorKind } from "../../config/schema.js";
import { recordTimes } from "../record.js";
import { CrossingTracker, levelAtThreshold, OverlapWatch, thresholdList } from "../timeline.js";
import { Rng } from "../../engine/rng.js";
import { AliasSampler } from "../../engine/sampling.js";
import { createOptimizer } from "../../engine/optimizers.js";
import { NaturalPreconditioner } from "../../engine/natural.js";
import { normalised, skillFrequencies } from "../skills.js";
import { RunGuard } from "../guard.js";
import { DivergenceError, type ModelOutput, type RunHooks, type Trace } from "../types.js";
import { makeWorkspace32 } from "./float32.js";

export type SkillVectorKind = VectorKind;

// ---------------------------------------------------------------------------------------
// Scalar kernels (flat Float64Array loops, unrolled by 4 with independent accumulators).
// The WebAssembly kernels reproduce exactly this order of operations.

/** t_i . x for the row of T starting at offset `off`, length N: (a0 + a1) + (a2 + a3). */
export function dotRow(T: Float64Array, off: number, x: Float64Array, N: number): number {
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  let j = 0;
  const end4 = N - (N & 3);
  for (; j < end4; j += 4) {
    const o = off + j;
    a0 += T[o] * x[j];
    a1 += T[o + 1] * x[j + 1];
    a2 += T[o + 2] * x[j + 2];
    a3 += T[o + 3] * x[j + 3];
  }
  for (; j < N; j++) a0 += T[off + j] * x[j];
  return (a0 + a1) + (a2 + a3);
}

/** y += w t_i for the row of T starting at `off`. */
function axpyRow(y: Float64Array, w: number, T: Float64Array, off: number, N: number): void {
  let j = 0;
  const end4 = N - (N & 3);
  for (; j < end4; j += 4) {
    const o = off + j;
    y[j] += w * T[o];
    y[j + 1] += w * T[o + 1];
    y[j + 2] += w * T[o + 2];
    y[j + 3] += w * T[o + 3];
  }
  for (; j < N; j++) y[j] += w * T[off + j];
}

/** 1 - s(z): 1 - z for mse, sigmoid(-z) = 1 / (1 + e^z) for ce (stable for any z). */
function residual(z: number, ce: boolean): number {
  if (!ce) return 1 - z;
  if (z >= 0) {
    const e = Math.exp(-z);
    return e / (1 + e);
  }
  return 1 / (1 + Math.exp(z));
}

/** Skill level s(z): z for mse, sigmoid(z) for ce. */
export function skillLevel(z: number, ce: boolean): number {
  if (!ce) return z;
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Skill loss l(z): (1 - z)^2 for mse, log(1 + e^-z) for ce (stable). */
export function skillLoss(z: number, ce: boolean): number {
  if (!ce) return (1 - z) * (1 - z);
  return z >= 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z));
}

// Small per-step loops, kept out of runGeometry so V8 inlines residual/skillLevel into them
// (a non-inlined call returning a double allocates a heap number).

/** Batch weights wb[k] = -(counts_i / B) (1 - s(zb[k])), i = touched[k]; resets those counts. */
function batchWeights(zb: Float64Array, touched: Int32Array, counts: Int32Array, m: number, B: number, ce: boolean, wb: Float64Array): void {
  for (let k = 0; k < m; k++) {
    const i = touched[k];
    wb[k] = -(counts[i] / B) * residual(zb[k], ce);
    counts[i] = 0;
  }
}

/** Full-batch weights wb[i] = -p_i (1 - s(z_i)). */
function fullWeights(z: Float64Array, p: Float64Array, ce: boolean, wb: Float64Array): void {
  for (let i = 0; i < p.length; i++) wb[i] = -p[i] * residual(z[i], ce);
}

/** z = zb[0..n), s_i = s(z_i). */
function levels(zb: Float64Array, ce: boolean, z: Float64Array, s: Float64Array): void {
  for (let i = 0; i < z.length; i++) {
    const zi = zb[i];
    z[i] = zi;
    s[i] = skillLevel(zi, ce);
  }
}

/** Diagnostics: the number of coordinates j with t_ij (-g_j) > 0 (the row at `off`). */
function alignedCount(T: Float64Array, off: number, g: Float64Array, N: number): number {
  let c = 0;
  for (let j = 0; j < N; j++) if (T[off + j] * -g[j] > 0) c++;
  return c;
}

// ---------------------------------------------------------------------------------------
// Set-up and closed-form helpers.

/** |t_i| for each row of T. */
function rowNorms(T: Float64Array, n: number, N: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sq = 0;
    for (let j = i * N; j < (i + 1) * N; j++) sq += T[j] * T[j];
    out[i] = Math.sqrt(sq);
  }
  return out;
}

/** L = sum_i p_i l_i(t_i . theta), p normalised. O(n N). */
export function totalLoss(T: Float64Array, p: ArrayLike<number>, theta: Float64Array, ce: boolean): number {
  const N = theta.length;
  let L = 0;
  for (let i = 0; i < p.length; i++) L += p[i] * skillLoss(dotRow(T, i * N, theta, N), ce);
  return L;
}

/** Full-batch gradient estimate g = -sum_i p_i (1 - s_i) t_i, written into g. O(n N). */
export function fullBatchGradient(T: Float64Array, p: ArrayLike<number>, theta: Float64Array, ce: boolean, g: Float64Array): void {
  const N = theta.length;
  g.fill(0);
  for (let i = 0; i < p.length; i++) axpyRow(g, -p[i] * residual(dotRow(T, i * N, theta, N), ce), T, i * N, N);
}

// ---------------------------------------------------------------------------------------
// Kernel back-ends. A workspace owns the arrays the O(m N) kernels read and write
// (in WebAssembly memory for the wasm back-end) and runs:
//   dots(idx, m)        zb[k] = t_{idx[k]} . theta,        k < m
//   accumulate(idx, m)  g = sum_{k < m, in order} wb[k] t_{idx[k]}

export interface Workspace {
  readonly kind: "js" | "wasm";
  readonly T: Float64Array;
  readonly theta: Float64Array;
  readonly g: Float64Array;
  readonly all: Int32Array; // 0, 1, ..., n-1
  readonly touched: Int32Array; // distinct drawn skills
  readonly zb: Float64Array; // per-index overlaps
  readonly wb: Float64Array; // per-index weights
  readonly nearIdx: Int32Array; // skills the timeline evaluates at a step (n)
  readonly zn: Float64Array; // their overlaps (n)
  dots(idx: Int32Array, m: number): void;
  /** out[k] = t_{idx[k]} . theta, k < m (out: zn or zb). */
  dotsInto(idx: Int32Array, m: number, out: Float64Array): void;
  accumulate(idx: Int32Array, m: number): void;
  /** theta was written (float32 keeps a rounded copy for its kernels; float64: nothing). */
  thetaChanged(): void;
}

class JsWorkspace implements Workspace {
  readonly kind = "js" as const;
  readonly T: Float64Array;
  readonly theta: Float64Array;
  readonly g: Float64Array;
  readonly all: Int32Array;
  readonly touched: Int32Array;
  readonly zb: Float64Array;
  readonly wb: Float64Array;
  readonly nearIdx: Int32Array;
  readonly zn: Float64Array;
  constructor(n: number, private readonly N: number, nTouched: number) {
    this.T = new Float64Array(n * N);
    this.theta = new Float64Array(N);
    this.g = new Float64Array(N);
    this.all = new Int32Array(n);
    this.touched = new Int32Array(nTouched);
    this.zb = new Float64Array(n);
    this.wb = new Float64Array(n);
    this.nearIdx = new Int32Array(n);
    this.zn = new Float64Array(n);
  }
  dots(idx: Int32Array, m: number): void {
    this.dotsInto(idx, m, this.zb);
  }
  dotsInto(idx: Int32Array, m: number, out: Float64Array): void {
    const T = this.T, theta = this.theta, N = this.N;
    for (let k = 0; k < m; k++) out[k] = dotRow(T, idx[k] * N, theta, N);
  }
  accumulate(idx: Int32Array, m: number): void {
    const T = this.T, g = this.g, wb = this.wb, N = this.N;
    g.fill(0);
    for (let k = 0; k < m; k++) axpyRow(g, wb[k], T, idx[k] * N, N);
  }
  thetaChanged(): void {}
}

interface WasmExports {
  dots(T: number, theta: number, idx: number, m: number, N: number, z: number): void;
  accumulate(T: number, idx: number, w: number, m: number, N: number, g: number): void;
}

class WasmWorkspace implements Workspace {
  readonly kind = "wasm" as const;
  readonly T: Float64Array;
  readonly theta: Float64Array;
  readonly g: Float64Array;
  readonly all: Int32Array;
  readonly touched: Int32Array;
  readonly zb: Float64Array;
  readonly wb: Float64Array;
  readonly nearIdx: Int32Array;
  readonly zn: Float64Array;
  private readonly ex: WasmExports;
  /** Throws (RangeError) when the memory cannot be had; the caller then falls back to JS. */
  constructor(api: WasmApi, module: object, n: number, private readonly N: number, nTouched: number) {
    const sizes = [8 * n * N, 8 * N, 8 * N, 4 * n, 4 * nTouched, 8 * n, 8 * n, 4 * n, 8 * n];
    const offsets: number[] = [];
    let bytes = 0;
    for (const size of sizes) {
      offsets.push(bytes);
      bytes += Math.ceil(size / 16) * 16; // 16-byte alignment for v128 loads
    }
    const pages = Math.max(1, Math.ceil(bytes / 65536));
    if (pages > 65536) throw new RangeError("geometry: wasm memory limit (4 GiB)");
    const memory = new api.Memory({ initial: pages, maximum: pages }); // never grows: views stay valid
    this.ex = new api.Instance(module, { env: { memory } }).exports as WasmExports;
    const buf = memory.buffer;
    this.T = new Float64Array(buf, offsets[0], n * N);
    this.theta = new Float64Array(buf, offsets[1], N);
    this.g = new Float64Array(buf, offsets[2], N);
    this.all = new Int32Array(buf, offsets[3], n);
    this.touched = new Int32Array(buf, offsets[4], nTouched);
    this.zb = new Float64Array(buf, offsets[5], n);
    this.wb = new Float64Array(buf, offsets[6], n);
    this.nearIdx = new Int32Array(buf, offsets[7], n);
    this.zn = new Float64Array(buf, offsets[8], n);
  }
  dots(idx: Int32Array, m: number): void {
    this.ex.dots(this.T.byteOffset, this.theta.byteOffset, idx.byteOffset, m, this.N, this.zb.byteOffset);
  }
  dotsInto(idx: Int32Array, m: number, out: Float64Array): void {
    this.ex.dots(this.T.byteOffset, this.theta.byteOffset, idx.byteOffset, m, this.N, out.byteOffset);
  }
  accumulate(idx: Int32Array, m: number): void {
    this.ex.accumulate(this.T.byteOffset, idx.byteOffset, this.wb.byteOffset, m, this.N, this.g.byteOffset);
  }
  thetaChanged(): void {}
}

/** Whether the WebAssembly kernels can be loaded here. */
export function geometryWasmAvailable(): boolean {
  return loadWasm() !== null;
}

function loadWasm(): LoadedWasm | null {
  // dist/src/models/geometry/model.js -> dist/asm/geometry.wasm
  return loadWasmModule(new URL("../../../asm/geometry.wasm", import.meta.url));
}

/** The float64 workspace, on the back-end useKernels("geometry", ...) chose (engine/kernels.ts). */
function makeWorkspace(n: number, N: number, nTouched: number): Workspace {
  return selectKernels<Workspace>("geometry", {
    wasm: () => {
      const w = loadWasm();
      return w ? new WasmWorkspace(w.api, w.module, n, N, nTouched) : null;
    },
    js: () => new JsWorkspace(n, N, nTouched),
    unavailable: "geometry: WebAssembly kernels unavailable (build dist/asm/geometry.wasm)",
  });
}

// ---------------------------------------------------------------------------------------
// Skill vectors.

/**
 * Fill ws.T with the n skill vectors (flat n x N, row-major), drawing from rng row by row.
 * orthogonal: each Gaussian row is orthogonalised against the rows before it by classical
 * Gram-Schmidt applied twice (CGS2: c = T_<i r, r -= T_<i^T c, twice; "twice is enough",
 * Giraud et al. 2005), then normalised. O(n^2 N) through the same kernels as the run (so
 * JS and wasm agree bit for bit); never an N x N decomposition. Uses ws.theta, ws.g, ws.zb
 * and ws.wb as scratch and leaves theta and g zero.
 */
function fillSkillVectors(ws: Workspace, kind: SkillVectorKind, n: number, N: number, rng: Rng): void {
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
      rng.fillNormal(row);
      for (let j = 0; j < N; j++) T[i * N + j] = row[j] / sqrtN;
    }
    row.fill(0);
    return;
  }
  for (let i = 0; i < n; i++) {
    for (;;) {
      rng.fillNormal(row);
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
function drawnVectors(kind: SkillVectorKind, n: number, N: number, rng: Rng): Float64Array {
  const ws = makeWorkspace(n, N, 1);
  fillSkillVectors(ws, kind, n, N, rng);
  return ws.T;
}

/** Explicit rows (config or CSV) into T, as given. */
function copyRows(T: Float64Array, rows: number[][], N: number): void {
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

// ---------------------------------------------------------------------------------------
// Memory.

/** Rough bytes a run will hold (skill vectors, state, trace), so a caller can refuse early. */
export function geometryMemoryBytes(cfg: GeometryConfig): number {
  const n = cfg.skills.count, N = cfg.params;
  const steps = Math.floor(cfg.steps);
  const K = cfg.record === "every" ? steps + 1 : Math.min(cfg.record.points, steps + 1);
  const vectors = 8 * n * N;
  const state = 8 * N * 8 + 8 * 6 * n + 4 * 5 * n; // theta, g, optimizer, scratch; z, s, p, zb, wb, alias; counts, indices
  const perRecord = 8 * (n + 2) * (cfg.diagnostics !== false ? 2 : 1); // JS arrays of doubles
  return vectors + state + K * perRecord + 64 * n; // + crossings
}

// ---------------------------------------------------------------------------------------
// The run.

/** Exact timelines' refresh rule: a new checkpoint (all n overlaps) once the due-skill
 * evaluations since the last one have cost REFRESH_AFTER x n dot products (measured on the
 * 1000-skill bench setting: 1, 2 and 4 cost the same within the noise; 2 is the middle). */
const REFRESH_AFTER = 2;

/**
 * How the timeline is found. "exact" (what every run does): the first step past each
 * threshold, by the bounds of OverlapWatch. The other two are for tests and `npm run bench`
 * only, never for a report: "every-step" evaluates every skill at every step (the brute-force
 * reference the exact timeline must equal), "recorded-only" checks thresholds only at recorded
 * steps (what a run cost before timelines were exact).
 */
export type GeometryTimeline = "exact" | "every-step" | "recorded-only";

let lastStats: { checkpoints: number; dueDotsPerStep: number } | null = null;
/** What the last runGeometry's exact timeline cost: checkpoints (all n overlaps) and the
 * due skills' dot products per step (not part of the output, which must not depend on it). */
export function lastGeometryTimelineStats(): { checkpoints: number; dueDotsPerStep: number } | null {
  return lastStats;
}

export function runGeometry(cfg: GeometryConfig, hooks: RunHooks = {}, timelineMode: GeometryTimeline = "exact"): ModelOutput {
  const n = cfg.skills.count, N = cfg.params;
  const steps = Math.floor(cfg.steps);
  const ce = cfg.loss === "ce";
  const full = cfg.batch === "full";
  const B = full ? 0 : (cfg.batch as number);
  const sigma = cfg.noise;
  const every = timelineMode === "every-step";
  const exact = timelineMode === "exact";

  const freq = skillFrequencies(cfg.skills.frequencies, n);
  const p = normalised(freq);

  const f32 = cfg.precision === "float32"; // float32 kernels and vectors (./float32.ts)
  const ws = f32 ? makeWorkspace32(n, N, Math.min(B, n) + 1) : makeWorkspace(n, N, Math.min(B, n) + 1);
  const { T, theta, g, all, touched, zb, wb, nearIdx, zn } = ws;
  noteKernels("geometry", ws.kind);

  const rng = new Rng(cfg.seed);
  const V = cfg.skills.vectors;
  if (Array.isArray(V)) copyRows(T, V, N);
  else if (f32) T.set(drawnVectors(V, n, N, rng)); // drawn in float64 (the same numbers), rounded below
  else fillSkillVectors(ws, V, n, N, rng);
  for (let i = 0; i < n; i++) all[i] = i;
  if (f32) (ws as ReturnType<typeof makeWorkspace32>).roundVectors();
  if (cfg.init) for (let j = 0; j < N; j++) theta[j] = cfg.init[j];
  ws.thetaChanged();
  const opt = createOptimizer(cfg.optimizer, cfg.lr, N);
  // natural: g <- (F + damping I)^-1 g with F = sum_i w_i t_i t_i^T, w_i = p_i (mse, constant)
  // or p_i s_i (1 - s_i) (ce, from the levels at theta_{t-1}); src/engine/natural.ts
  const natural = cfg.optimizer.name === "natural" ? new NaturalPreconditioner(T, n, N, cfg.optimizer.damping ?? 1e-4) : null;
  const fisherW = new Float64Array(natural ? n : 0);
  const gNat = new Float64Array(natural ? N : 0);
  const sampler = full ? null : new AliasSampler(p, rng);

  const z = new Float64Array(n); // all overlaps, valid for the current theta when zFresh
  const s = new Float64Array(n); // all levels, likewise
  const counts = new Int32Array(n);
  let zFresh = false;

  // s_i(0): 0 (mse) or 1/2 (ce) from theta(0) = 0; with `init`, the level at theta(0).
  const initialLevel = new Array<number>(n).fill(ce ? 0.5 : 0);
  if (cfg.init) {
    ws.dots(all, n);
    for (let i = 0; i < n; i++) initialLevel[i] = skillLevel(zb[i], ce);
  }
  const tracker = new CrossingTracker(initialLevel, cfg.timeline);

  const times = recordTimes(steps, cfg.record, true);
  const trace: Trace = { t: [], loss: [], level: Array.from({ length: n }, () => []) };
  const aligned: number[][] = cfg.diagnostics ? Array.from({ length: n }, () => []) : [];
  const stepLength: number[] = [];
  if (cfg.diagnostics) trace.extra = { aligned, stepLength };

  const cause =
    `learning rate too large for ${cfg.optimizer.name} (lr=${cfg.lr})` + (sigma > 0 ? ` or gradient noise too large (noise=${sigma})` : "");
  const progressEvery = Math.max(1, Math.ceil(steps / 200));
  // Natural gradient: (F + damping I)^-1 amplifies the gradient up to 1/damping along the
  // directions F does not see; an update that overflows after a huge amplification is the
  // damping's doing, not the learning rate's.
  let gAbsMax = 0;
  const naturalCause = (): string => {
    let m = 0;
    for (let j = 0; j < N; j++) m = Math.max(m, Math.abs(g[j]));
    const amp = gAbsMax > 0 ? m / gAbsMax : Infinity;
    const damping = cfg.optimizer.name === "natural" ? cfg.optimizer.damping ?? 1e-4 : 0;
    return amp > 1e6 || !Number.isFinite(amp)
      ? `damping too small for the Fisher matrix (damping=${damping}): the preconditioned gradient (F + damping I)^-1 g is ${Number.isFinite(amp) ? `${amp.toPrecision(3)} times` : "infinitely larger than"} the gradient; raise optimizer.damping`
      : cause;
  };

  // The run guard (./guard.ts): the loss at recorded steps; mse levels (s = z) of independent
  // skill directions in [0, 1] up to LEVEL_TOL wherever they are computed (overshoot is real
  // dynamics of a discrete optimizer, so within the tolerance it is not a warning).
  let guard: RunGuard | null = null;

  /** z_i, s_i for every skill at the current theta, which is theta_t (and the timeline there). */
  const computeAll = (t: number): void => {
    ws.dots(all, n);
    levels(zb, ce, z, s);
    zFresh = true;
    guard?.levels(t, s);
    if (exact || every) tracker.observe(t, s);
  };

  // Exact timelines in batch mode (full batch computes every overlap at every step anyway).
  // At step t + 1 the drawn skills' overlaps at theta_t are computed for the gradient; the
  // timeline at t uses them, and evaluates only the other skills that could have reached an
  // event since the last checkpoint (OverlapWatch: Cauchy-Schwarz on |theta_t - theta_c|).
  // Events: the next threshold (as an overlap; levels are increasing in z), and for mse the
  // guard's limits, so a level leaving the range is caught at its first step too.
  // float32: 3.7 units of 2^-24 per parameter, one more for rounding theta to float32
  const watch = exact && !full ? new OverlapWatch(n, N, rowNorms(T, n, N), f32 ? 2.2e-7 * (1 + 1 / N) : undefined) : null;
  const pos = new Int32Array(watch ? n : 0).fill(-1); // k with touched[k] = i, else -1
  const dueIdx = new Int32Array(watch ? n : 0);
  let spent = 0; // near-set dot products since the checkpoint
  let checkpoints = 0, nearDots = 0;
  const zThreshold = new Float64Array(3 * n); // skill i's threshold j as an overlap, rounded down
  const zLimit = { lo: -Infinity, hi: Infinity };
  /** How far (in z) skill i, at overlap zi, is from its next event. */
  const distanceAt = (i: number, zi: number): number => {
    const j = tracker.nextThreshold(i);
    let d = j < 3 ? zThreshold[3 * i + j] - zi : Infinity;
    if (zi - zLimit.lo < d) d = zi - zLimit.lo;
    if (zLimit.hi - zi < d) d = zLimit.hi - zi;
    return d > 0 ? d : 0;
  };
  const distance = (i: number): number => distanceAt(i, z[i]);
  const checkpoint = (): void => {
    watch!.checkpoint(theta, distance);
    spent = 0;
    checkpoints++;
  };
  const observeAt = (t: number, i: number, zi: number): void => {
    if (!ce) guard!.level(t, i, zi); // s = z
    else if (zi !== zi) guard!.level(t, i, zi); // NaN
    const j = tracker.nextThreshold(i);
    // Below the (rounded-down) overlap of its next threshold, a skill is not past it: skip s(z).
    if (j < 3 && zi >= zThreshold[3 * i + j]) tracker.observeSkill(t, i, skillLevel(zi, ce));
    watch!.evaluated(i, distanceAt(i, zi));
  };
  /** The timeline at step t for the due skills (theta = theta_t; touched/zb: the batch drawn at t + 1). */
  const nearStep = (t: number, m: number): void => {
    const q = watch!.listDue(dueIdx);
    if (q === 0) return;
    for (let k = 0; k < m; k++) pos[touched[k]] = k;
    let m2 = 0;
    for (let r = 0; r < q; r++) {
      const i = dueIdx[r];
      const k = pos[i];
      if (k >= 0) observeAt(t, i, zb[k]); // drawn: a free exact evaluation
      else nearIdx[m2++] = i;
    }
    for (let k = 0; k < m; k++) pos[touched[k]] = -1;
    if (m2 > 0) {
      ws.dotsInto(nearIdx, m2, zn);
      for (let k = 0; k < m2; k++) observeAt(t, nearIdx[k], zn[k]);
    }
    spent += m2;
    nearDots += m2;
    if (spent >= REFRESH_AFTER * n) {
      computeAll(t); // overwrites zb: put the drawn skills' overlaps back (the same values)
      for (let k = 0; k < m; k++) zb[k] = z[touched[k]];
      checkpoint();
    }
  };

  // diagnostics: average: per-step sums since the last recorded time
  const avgAligned = new Float64Array(cfg.diagnostics === "average" ? n : 0);
  let avgLength = 0;
  let avgSteps = 0;

  let rk = 0; // next index into times
  let lastStepSq = 0;
  let distinctTotal = 0;
  let finalLoss = NaN;

  const lossNow = (): number => {
    let L = 0;
    for (let i = 0; i < n; i++) L += p[i] * skillLoss(z[i], ce);
    return L;
  };

  const record = (t: number): void => {
    if (!zFresh) computeAll(t);
    const L = lossNow();
    guard!.loss(t, L);
    trace.t.push(t);
    trace.loss.push(L);
    for (let i = 0; i < n; i++) trace.level[i].push(s[i]);
    if (cfg.diagnostics === "average") {
      // means over the steps (t_prev, t] since the previous recorded time (0 at t = 0)
      stepLength.push(avgSteps > 0 ? avgLength / avgSteps : 0);
      for (let i = 0; i < n; i++) aligned[i].push(avgSteps > 0 ? avgAligned[i] / avgSteps : 0);
      avgAligned.fill(0);
      avgLength = 0;
      avgSteps = 0;
    } else if (cfg.diagnostics) {
      stepLength.push(t === 0 ? 0 : Math.sqrt(lastStepSq));
      for (let i = 0; i < n; i++) aligned[i].push(t > 0 ? alignedCount(T, i * N, g, N) : 0);
    }
    finalLoss = L;
    if (!exact && !every) tracker.observe(t, s);
    if (watch) checkpoint(); // every overlap is known here: a free checkpoint
  };

  // t = 0
  computeAll(0);
  // With interfering skill directions (anything but orthogonal or modular rows) an mse level
  // z_i = t_i . theta may sit anywhere at the optimum (n > N: Fig 8), and a chosen theta(0)
  // (`init`) may start it anywhere (Fig 12 starts a skill at level 2): only the loss is guarded.
  const interfering = (cfg.skills.vectors !== "orthogonal" && cfg.skills.vectors !== "modular") || cfg.init !== undefined;
  guard = new RunGuard({ initialLoss: lossNow(), range: ce || interfering ? null : { lo: 0, hi: 1 }, cause });
  guard.levels(0, s);
  if (watch) {
    const th = thresholdList(cfg.timeline);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < 3; j++) {
        const L = levelAtThreshold(th[j], initialLevel[i], cfg.timeline.on);
        const zt = ce ? Math.log(L / (1 - L)) : L; // the level's inverse: sigmoid^-1 or identity
        zThreshold[3 * i + j] = zt - 1e-9 * (1 + Math.abs(zt)); // below it, never past (rounding of s(z))
      }
    if (!ce && !interfering) {
      zLimit.lo = guard.allowed.lo;
      zLimit.hi = guard.allowed.hi;
    }
    checkpoint();
  }
  if (times[rk] === 0) record(times[rk++]);

  for (let t = 1; t <= steps; t++) {
    // 1. gradient estimate at theta_{t-1}
    if (full) {
      if (!zFresh) computeAll(t - 1); // every z_i is needed; they also serve the timeline
      fullWeights(z, p, ce, wb);
      ws.accumulate(all, n);
    } else {
      const m = sampler!.sampleCounts(B, counts, touched);
      distinctTotal += m;
      if (zFresh) for (let k = 0; k < m; k++) zb[k] = z[touched[k]];
      else {
        ws.dots(touched, m);
        for (let k = 0; k < m; k++) guard.level(t - 1, touched[k], zb[k]); // s = z (mse); ce: only NaN
        if (watch) nearStep(t - 1, m);
      }
      batchWeights(zb, touched, counts, m, B, ce, wb);
      ws.accumulate(touched, m);
    }
    // 2. noise
    if (sigma > 0) for (let j = 0; j < N; j++) g[j] += sigma * rng.normal();
    // 3. update (natural gradient: precondition first)
    if (natural) {
      if (ce) {
        if (!zFresh) computeAll(t - 1);
        for (let i = 0; i < n; i++) fisherW[i] = p[i] * s[i] * (1 - s[i]);
      } else if (t === 1) fisherW.set(p);
      gAbsMax = 0;
      for (let j = 0; j < N; j++) gAbsMax = Math.max(gAbsMax, Math.abs(g[j]));
      natural.apply(fisherW, g, gNat, !ce);
      g.set(gNat);
    }
    const sq = opt.step(theta, g, t);
    ws.thetaChanged();
    zFresh = false;
    if (!Number.isFinite(sq)) throw new DivergenceError(t, "theta", natural ? naturalCause() : cause);
    lastStepSq = sq;
    if (watch) watch.advance(theta, Math.sqrt(sq));
    if (cfg.diagnostics === "average") {
      for (let i = 0; i < n; i++) avgAligned[i] += alignedCount(T, i * N, g, N);
      avgLength += Math.sqrt(sq);
      avgSteps++;
    }
    // 4. timeline and trace
    if (every) {
      computeAll(t);
      tracker.observe(t, s);
    }
    if (times[rk] === t) record(times[rk++]);
    if (hooks.onProgress && (t % progressEvery === 0 || t === steps)) hooks.onProgress(t, steps);
  }

  const last = trace.t.length - 1;
  const extra: Record<string, unknown> = { vectors: Array.isArray(cfg.skills.vectors) ? "explicit" : cfg.skills.vectors };
  if (Array.isArray(cfg.skills.frequencies)) extra.normalisedFrequencies = Array.from(p);
  if (!full) extra.meanDistinctSkillsPerStep = steps > 0 ? distinctTotal / steps : 0;
  lastStats = watch ? { checkpoints, dueDotsPerStep: steps > 0 ? nearDots / steps : 0 } : null;
  if (cfg.diagnostics === "average") {
    extra.diagnosticsNote =
      "averaged: aligned[i][k] is the mean over the steps u in (t[k-1], t[k]] of the number of coordinates j with t_ij * (-g_j(u)) > 0, g(u) the gradient of step u; stepLength[k] the mean of |theta(u) - theta(u - 1)| over the same steps (both 0 at t = 0)";
  } else if (cfg.diagnostics) {
    extra.diagnosticsNote =
      "aligned[i][k]: number of coordinates j with t_ij * (-g_j) > 0 for the gradient of the step ending at t[k] (0 at t = 0); stepLength[k] = |theta(t[k]) - theta(t[k] - 1)|";
  }
  return {
    frequencies: Array.from(freq),
    initialLevel,
    trace,
    crossings: tracker.result(),
    warnings: guard.warnings(),
    final: { loss: finalLoss, level: trace.level.map((l) => l[last]), time: steps },
    extra,
  };
}
