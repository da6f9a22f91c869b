/**
 * Network model: small MLPs trained by backpropagation on synthetic multitask data, each task
 * a skill (the paper's real-network experiments, Fig 2, 13, 16, 19; exact definitions in
 * docs/network.md).
 *
 *   data        tasks.ts (sparse-parity, multitask-parity, modular-addition, squares)
 *   network     mlp.ts (dense layers, optional modules and token embedding), float64,
 *               PyTorch's default initialisation
 *   loss        objective.ts (the authors' forms: masked mse over all entries, mean ce)
 *   update      theta <- optimizer(theta, dL/dtheta), src/engine/optimizers.ts (adamw included)
 *
 * Step t = 0, 1, ..., steps: one forward pass over the training set at theta_t gives every
 * skill's training statistic at time t (and, in full-batch mode, the gradient of update t+1:
 * the same pass, never a second one). The skill levels s_i(t):
 *   sparse-parity     training accuracy of output i
 *   multitask-parity  training accuracy on task i's samples (0 for a task with none)
 *   modular-addition  s_1 = training accuracy, s_2 = held-out accuracy (a forward pass over
 *                     the held-out pairs every step: skill 2's timeline depends on it)
 *   squares           1 - l_i(t) / l_i(0), l_i = task i's training loss
 * Every step feeds the CrossingTracker, so timelines are exact. With batch B, update t+1
 * uses B training rows drawn uniformly with replacement (B nextInt draws), and the levels
 * still come from a forward pass over the whole training set.
 *
 * Randomness, in this order from one `new Rng(seed)`: the data (tasks.ts), the initial
 * parameters (mlp.ts), then per update: the batch rows (mini-batch only), then the
 * sparse-parity mask (M T uniforms, mask_ij = u_ij < p_j).
 */
import type { NetworkConfig } from "../../config/schema.js";
import { recordTimes } from "../record.js";
import { CrossingTracker } from "../timeline.js";
import { Rng } from "../../engine/rng.js";
import { arenaDoubles, arenaInts, DenseArena, isBinary, parityIndex, parityIndexDoubles } from "../../engine/dense.js";
import { noteKernels } from "../../engine/kernels.js";
import { createOptimizer } from "../../engine/optimizers.js";
import { skillFrequencies } from "../skills.js";
import { DivergenceError, type ModelOutput, type RunHooks, type Trace } from "../types.js";
import { RunGuard } from "../guard.js";
import { Mlp } from "./mlp.js";
import { Objective } from "./objective.js";
import { generateTask } from "./tasks.js";

export { Mlp } from "./mlp.js";
export { Objective } from "./objective.js";
export { generateTask } from "./tasks.js";

/** Squares: the spec's learning time is the first step a task's loss falls below this. */
export const SQUARES_LOSS_THRESHOLD = 1e-3;

export function runNetwork(cfg: NetworkConfig, hooks: RunHooks = {}): ModelOutput {
  const steps = Math.floor(cfg.steps);
  const rng = new Rng(cfg.seed);
  const data = generateTask(cfg, rng);
  const n = data.skills;
  const nTrain = data.nTrain, nTest = data.rows - nTrain, nIn = data.nIn, nOut = data.nOut;
  const full = cfg.batch === "full";
  const B = full ? nTrain : (cfg.batch as number);
  const spec = {
    widths: [nIn, ...cfg.network.hidden, nOut],
    activation: cfg.network.activation,
    modules: cfg.network.modules,
    embedding: data.tokens ? { vocab: cfg.task.modulus!, dim: cfg.network.embedding! } : null,
    maxRows: Math.max(nTrain, B, nTest),
    binaryInput: data.X !== null && data.X !== undefined && isBinary(data.X),
  };
  // One arena for everything the kernels touch: parameters, gradient, inputs, activations.
  const plan = Mlp.plan(spec);
  const P = plan.nParams;
  // Full batch, sparse parity, mse, one hidden relu layer on 0/1 inputs (Fig 2): every step is
  // one fused pass (Mlp.parityPass; the same bits as the layered path), which reads the
  // targets, shares, the mask's uniforms and counts from the arena.
  const fused = full && data.kind === "sparse-parity" && cfg.loss === "mse" && Mlp.fusesParity(spec);
  // Full batch, modular addition, ce: evaluate and lossGrad in one pass (Objective.evaluateGrad).
  const softmaxOnce = full && data.kind === "modular-addition" && cfg.loss === "ce";
  const fusedSizes = fused ? [nTrain * nOut, nOut, nOut, B * nOut, parityIndexDoubles(nTrain, nIn)] : [];
  const arena = new DenseArena(arenaDoubles([P, P, data.X ? data.X.length : 0, ...plan.sizes, nOut, ...fusedSizes, data.tokens ? Math.ceil(data.tokens.length / 2) : 0]));
  noteKernels("dense", arena.kind);
  const theta = arena.alloc(P), grad = arena.alloc(P);
  let X: Float64Array | null = null;
  if (data.X) {
    X = arena.alloc(data.X.length);
    X.set(data.X);
  }
  const mlp = new Mlp(spec, arena);
  mlp.init(theta, rng);
  const opt = createOptimizer(cfg.optimizer, cfg.lr, P);

  const freq = data.kind === "modular-addition" ? Float64Array.from(cfg.skills.frequencies as number[]) : skillFrequencies(cfg.skills.frequencies, n);
  const obj = new Objective(data, cfg.loss, freq, arena.alloc(nOut));
  const masked = data.kind === "sparse-parity" && freq.some((p) => p < 1);
  // The mask's uniforms; the fused pass reads them from the arena and draws the mask itself.
  const uniforms = fused && masked ? arena.alloc(B * nOut) : new Float64Array(masked ? B * nOut : 0);
  const fusedY = fused ? arena.alloc(nTrain * nOut) : null;
  const fusedP = fused ? arena.alloc(nOut) : null;
  const fusedStat = fused ? arena.alloc(nOut) : null;
  if (fused) {
    fusedY!.set(data.Y!.subarray(0, nTrain * nOut));
    fusedP!.set(freq);
  }
  const mask = masked && !fused ? new Uint8Array(B * nOut) : null;
  const fusedIndex = fused ? parityIndex(nTrain, nIn, cfg.network.hidden[0], X!, arena) : null;
  const batchRows = full ? null : new Int32Array(B);
  // Token pairs in the arena, for the embedding layer's wasm gathers and scatters.
  const tokens = data.tokens ? arenaInts(arena, data.tokens.length, data.tokens) : null;

  const stat = new Float64Array(n);
  const s = new Float64Array(n);
  const l0 = new Float64Array(n); // squares: l_i(0)
  const lossBelow: (number | null)[] = new Array<number | null>(n).fill(null);
  let tracker: CrossingTracker | null = null;
  let guard: RunGuard | null = null;
  let initialLevel: number[] = [];

  const times = recordTimes(steps, cfg.record, true);
  const trace: Trace = { t: [], loss: [], level: Array.from({ length: n }, () => []) };
  const cause = `learning rate too large for ${cfg.optimizer.name} (lr=${cfg.lr})`;
  const progressEvery = Math.max(1, Math.ceil(steps / 200));

  /** Forward pass over data rows start..start+M-1 (contiguous). */
  const forwardRange = (start: number, M: number, reuseQ: boolean): void => {
    if (tokens) mlp.forwardTokens(theta, tokens, null, start, M, reuseQ);
    else mlp.forward(theta, X!, start * nIn, M);
  };

  const drawMask = (M: number): void => {
    if (!mask) return;
    rng.fillDoubles(uniforms, M * nOut);
    for (let r = 0; r < M; r++) for (let j = 0; j < nOut; j++) mask[r * nOut + j] = uniforms[r * nOut + j] < freq[j] ? 1 : 0;
  };

  let rk = 0;
  let finalLoss = NaN;
  for (let t = 0; ; t++) {
    // 1. The training set at theta_t: levels, and (full batch) the gradient of update t+1.
    const last = t === steps;
    let L: number;
    if (fused) {
      // The same numbers as the branch below: evaluate's statistics and loss, and the gradient.
      if (!last && masked) rng.fillDoubles(uniforms, nTrain * nOut); // drawMask's draws
      const sum = mlp.parityPass(theta, last ? null : grad, X!, fusedIndex!, nTrain, fusedY!, fusedP!, masked ? uniforms : null, fusedStat!);
      for (let j = 0; j < nOut; j++) stat[j] = fusedStat![j] / nTrain;
      L = sum / (nTrain * nOut);
    } else if (softmaxOnce && !last) {
      // Fig 13 and the like: the accuracy, the loss and its gradient from one softmax.
      forwardRange(0, nTrain, false);
      L = obj.evaluateGrad(mlp.out, nTrain, 0, stat, mlp.dOut);
    } else {
      forwardRange(0, nTrain, false);
      L = obj.evaluate(mlp.out, nTrain, 0, stat);
    }
    // The shared run guard (../guard.ts): the loss, every step. Levels are accuracies or
    // 1 - l/l(0), bounded or legitimately negative while a loss rises: only the loss is guarded.
    if (t === 0) guard = new RunGuard({ initialLoss: L, range: null, cause });
    guard!.loss(t, L);
    if (!last && full && !fused) {
      drawMask(nTrain);
      if (!softmaxOnce) obj.lossGrad(mlp.out, nTrain, null, 0, mlp.dOut, mask);
      if (tokens) mlp.backwardTokens(theta, grad, tokens, null, 0, nTrain);
      else mlp.backward(theta, grad, X!, 0, nTrain);
    }
    // 2. Levels at theta_t.
    switch (data.kind) {
      case "modular-addition":
        s[0] = stat[0];
        forwardRange(nTrain, nTest, true); // held-out accuracy: skill 2 (same theta_t)
        obj.evaluate(mlp.out, nTest, nTrain, stat, false);
        s[1] = stat[0];
        break;
      case "squares":
        if (t === 0) l0.set(stat);
        for (let i = 0; i < n; i++) {
          s[i] = Number.isNaN(stat[i]) ? 0 : 1 - stat[i] / l0[i];
          if (lossBelow[i] === null && stat[i] < SQUARES_LOSS_THRESHOLD) lossBelow[i] = t;
        }
        break;
      default:
        for (let i = 0; i < n; i++) s[i] = Number.isNaN(stat[i]) ? 0 : stat[i];
    }
    if (t === 0) {
      initialLevel = Array.from(s);
      tracker = new CrossingTracker(initialLevel, cfg.timeline);
    }
    tracker!.observe(t, s);
    if (times[rk] === t) {
      trace.t.push(t);
      trace.loss.push(L);
      for (let i = 0; i < n; i++) trace.level[i].push(s[i]);
      rk++;
      finalLoss = L;
    }
    if (hooks.onProgress && t > 0 && (t % progressEvery === 0 || last)) hooks.onProgress(t, steps);
    if (last) break;
    // 3. Mini-batch: update t+1 uses B rows drawn uniformly with replacement.
    if (!full) {
      const rows = batchRows!;
      for (let r = 0; r < B; r++) rows[r] = rng.nextInt(nTrain);
      drawMask(B);
      if (tokens) mlp.forwardTokens(theta, tokens, rows, 0, B, true);
      else {
        const X0 = mlp.X0, Xd = X!;
        for (let r = 0; r < B; r++) {
          const src = rows[r] * nIn, dst = r * nIn;
          for (let k = 0; k < nIn; k++) X0[dst + k] = Xd[src + k];
        }
        mlp.forward(theta, mlp.X0, 0, B);
      }
      obj.lossGrad(mlp.out, B, rows, 0, mlp.dOut, mask);
      if (tokens) mlp.backwardTokens(theta, grad, tokens, rows, 0, B);
      else mlp.backward(theta, grad, mlp.X0, 0, B);
    }
    // 4. The update.
    const sq = opt.step(theta, grad, t + 1);
    if (!Number.isFinite(sq)) throw new DivergenceError(t + 1, "parameters", cause);
  }

  const extra: Record<string, unknown> = {
    task: data.kind,
    architecture: (tokens ? [`emb${cfg.network.embedding}x2`] : []).concat([nIn, ...cfg.network.hidden, nOut].map(String)).join("-"),
    parameters: P,
    trainSamples: nTrain,
    heldOutSamples: nTest,
  };
  const warnings: string[] = [];
  if (data.trainPerTask) {
    const perTask = Array.from(data.trainPerTask);
    extra.trainSamplesPerTask = perTask;
    // A task the training set never shows: its level is not a learning curve (accuracy or loss
    // over no rows), whatever it reads.
    const empty = perTask.flatMap((c, i) => (c === 0 ? [i + 1] : []));
    if (empty.length)
      warnings.push(`task${empty.length > 1 ? "s" : ""} ${empty.join(", ")} ${empty.length > 1 ? "have" : "has"} no training rows (of ${nTrain}; more task.samples or flatter frequencies give ${empty.length > 1 ? "them" : "it"} some): ${empty.length > 1 ? "their levels are" : "its level is"} not a learning curve`);
  }
  warnings.push(...tracker!.warnings());
  if (data.kind === "squares") {
    extra.lossBelow = { threshold: SQUARES_LOSS_THRESHOLD, steps: lossBelow };
    extra.initialTaskLoss = Array.from(l0);
  }
  if (data.kind !== "modular-addition" && data.kind !== "squares" && nTest > 0) {
    // Held-out accuracy per task at the end (one extra forward pass; not a skill level).
    forwardRange(nTrain, nTest, true);
    obj.evaluate(mlp.out, nTest, nTrain, stat, false);
    extra.heldOutAccuracy = Array.from(stat, (x) => (Number.isNaN(x) ? null : x));
  }
  return {
    frequencies: Array.from(freq),
    initialLevel,
    trace,
    crossings: tracker!.result(),
    final: { loss: finalLoss, level: Array.from(s), time: steps },
    extra,
    ...(warnings.length ? { warnings } : {}),
  };
}
