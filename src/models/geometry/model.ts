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
 * WebAssembly SIMD kernel when it is available, else in JavaScript, with bit-identical results
 * (./workspace.ts). `precision: float32` swaps in float32 vectors and kernels (./float32.ts).
 *
 * This file is the run: set-up, the step loop and the trace. Its parts: ./workspace.ts (the
 * kernels and their arrays), ./step.ts (per-skill scalars and per-step loops), ./vectors.ts
 * (the skill vectors), ./exact-timeline.ts (the exact timeline between checkpoints).
 */
import type { GeometryConfig } from "../../config/schema.js";
import { noteKernels } from "../../engine/kernels.js";
import { recordTimes } from "../record.js";
import { CrossingTracker } from "../timeline.js";
import { Rng } from "../../engine/rng.js";
import { AliasSampler } from "../../engine/sampling.js";
import { createOptimizer } from "../../engine/optimizers.js";
import { NaturalPreconditioner } from "../../engine/natural.js";
import { normalised, skillFrequencies } from "../skills.js";
import { RunGuard } from "../guard.js";
import { DivergenceError, type ModelOutput, type RunHooks, type Trace } from "../types.js";
import { makeWorkspace32 } from "./float32.js";
import { makeWorkspace } from "./workspace.js";
import { alignedCount, fullWeights, guardLevels, levels, skillLevel, skillLoss } from "./step.js";
import { copyRows, drawnVectors, fillSkillVectors } from "./vectors.js";
import { ExactTimeline } from "./exact-timeline.js";

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
  const { T, theta, g, all, touched, zb, wb } = ws;
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
  // The batch draws: the last use of rng unless noise draws from it every step, so the
  // WebAssembly back-end may draw them from its own copy of the generator (the same numbers).
  if (!full) ws.useSampler(new AliasSampler(p, rng), rng, !(sigma > 0));

  const z = new Float64Array(n); // all overlaps, valid for the current theta when zFresh
  const s = new Float64Array(n); // all levels, likewise
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

  // Exact timelines in batch mode (./exact-timeline.ts; full batch computes every overlap at
  // every step anyway).
  const watch = exact && !full ? new ExactTimeline(ws, n, N, f32, ce, tracker, z, computeAll) : null;

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
    if (watch) watch.checkpoint(); // every overlap is known here: a free checkpoint
  };

  // t = 0
  computeAll(0);
  // With interfering skill directions (anything but orthogonal or modular rows) an mse level
  // z_i = t_i . theta may sit anywhere at the optimum (n > N: Fig 8), and a chosen theta(0)
  // (`init`) may start it anywhere (Fig 12 starts a skill at level 2): only the loss is guarded.
  const interfering = (cfg.skills.vectors !== "orthogonal" && cfg.skills.vectors !== "modular") || cfg.init !== undefined;
  guard = new RunGuard({ initialLoss: lossNow(), range: ce || interfering ? null : { lo: 0, hi: 1 }, cause });
  guard.levels(0, s);
  watch?.start(guard, initialLevel, cfg.timeline, !ce && !interfering);
  if (times[rk] === 0) record(times[rk++]);

  for (let t = 1; t <= steps; t++) {
    // 1. gradient estimate at theta_{t-1}
    if (full) {
      if (!zFresh) computeAll(t - 1); // every z_i is needed; they also serve the timeline
      fullWeights(z, p, ce, wb);
      ws.accumulate(all, n);
    } else {
      const m = ws.sample(B);
      distinctTotal += m;
      if (zFresh) for (let k = 0; k < m; k++) zb[k] = z[touched[k]];
      // zb (unless fresh), the weights wb and g, by blocks of drawn rows (ws.batchGradient);
      // the guard and the timeline then read zb (a refresh rewrites zb, not wb or g).
      ws.batchGradient(m, B, ce, !zFresh);
      if (!zFresh) {
        guardLevels(guard, t - 1, touched, zb, m); // s = z (mse); ce: only NaN
        if (watch) watch.step(t - 1, m);
      }
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
  lastStats = watch ? { checkpoints: watch.checkpoints, dueDotsPerStep: steps > 0 ? watch.nearDots / steps : 0 } : null;
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
    warnings: [...tracker.warnings(), ...guard.warnings()],
    final: { loss: finalLoss, level: trace.level.map((l) => l[last]), time: steps },
    extra,
  };
}
