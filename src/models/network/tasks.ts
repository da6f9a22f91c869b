/**
 * Task generators for the `network` model: synthetic multitask data sets, apart from the
 * network. Each returns the inputs, the targets and which task each sample belongs to, drawn
 * from the run's generator in a fixed order (documented per kind). Rows [0, nTrain) are the
 * training set, [nTrain, rows) are held out.
 *
 *   sparse-parity     x in {0,1}^bits (each bit one draw: nextUint32 >>> 31), row by row;
 *                     output j's target y_j = XOR of the bits in subtask j (numbered from 1).
 *                     Samples are i.i.d., so the first floor(f * samples) are the training set.
 *   multitask-parity  input = [control one-hot (control bits) | bits data bits]. First each
 *                     task's k bits (distinct, by a partial Fisher-Yates shuffle of the data
 *                     bits, task by task); then per sample: its task i ~ p (normalised; one
 *                     nextDouble, inverse CDF), then the data bits; target = XOR of task i's bits.
 *   modular-addition  every pair (a, b), a, b < m, as tokens; label (a + b) mod m; the m^2
 *                     pairs in a Fisher-Yates shuffled order (m^2 - 1 nextInt draws), the
 *                     first floor(f m^2) for training.
 *   squares           per sample: its task i ~ p (one nextDouble), then x_i = 2u - 1 (one
 *                     nextDouble), x_j = 0 for j != i; targets y_j = x_j^2 (so 0 off task i).
 *                     With `draw: exact` (the authors' draw): exactly round(p_i n) samples of
 *                     task i (largest remainders, so the counts sum to n), in an order shuffled
 *                     by Fisher-Yates (n - 1 nextInt draws), then x_i per sample as above.
 */
import type { NetworkConfig } from "../../config/schema.js";
import { Rng } from "../../engine/rng.js";
import { normalised, skillFrequencies } from "../skills.js";

export interface TaskData {
  kind: NetworkConfig["task"]["kind"];
  rows: number;
  nTrain: number;
  /** Network input width (for modular-addition: 2 d, after the embedding). */
  nIn: number;
  nOut: number;
  /** Skills (tasks) reported. */
  skills: number;
  /** rows x nIn inputs (null for token inputs). */
  X: Float64Array | null;
  /** rows x 2 tokens (a, b) for modular-addition, else null. */
  tokens: Int32Array | null;
  /** rows x nOut targets (0/1 parities, x^2) for the numeric-target tasks, else null. */
  Y: Float64Array | null;
  /** Class label per row (modular-addition), else null. */
  label: Int32Array | null;
  /** Task of each row (multitask-parity, squares), else null. */
  taskOf: Int32Array | null;
  /** Training rows per task (multitask-parity, squares), else null. */
  trainPerTask: Int32Array | null;
}

/** Inverse-CDF draw of a task from cumulative probabilities (binary search). */
function drawTask(cdf: Float64Array, u: number): number {
  let lo = 0, hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (u < cdf[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function cumulative(cfg: NetworkConfig): Float64Array {
  const p = normalised(skillFrequencies(cfg.skills.frequencies, cfg.skills.count));
  const cdf = new Float64Array(p.length);
  let s = 0;
  for (let i = 0; i < p.length; i++) cdf[i] = s += p[i];
  cdf[p.length - 1] = 1; // guard against rounding: u < 1 always lands in a task
  return cdf;
}

/** Exactly round(p_i rows) rows per task (largest remainders: the counts sum to rows), shuffled. */
export function exactCounts(p: number[], rows: number): number[] {
  const want = p.map((q) => q * rows);
  const c = want.map(Math.floor);
  let left = rows - c.reduce((a, b) => a + b, 0);
  const order = want.map((w, i) => i).sort((a, b) => want[b] - c[b] - (want[a] - c[a]) || a - b);
  for (let k = 0; left > 0; k++, left--) c[order[k % order.length]]++;
  return c;
}

function exactTasks(cfg: NetworkConfig, rows: number, rng: Rng): Int32Array {
  const c = exactCounts(Array.from(normalised(skillFrequencies(cfg.skills.frequencies, cfg.skills.count))), rows);
  const out = new Int32Array(rows);
  let r = 0;
  c.forEach((k, i) => out.fill(i, r, (r += k)));
  for (let j = rows - 1; j > 0; j--) {
    const k = rng.nextInt(j + 1);
    const tmp = out[j];
    out[j] = out[k];
    out[k] = tmp;
  }
  return out;
}

function countTrain(taskOf: Int32Array, nTrain: number, n: number): Int32Array {
  const c = new Int32Array(n);
  for (let r = 0; r < nTrain; r++) c[taskOf[r]]++;
  return c;
}

export function generateTask(cfg: NetworkConfig, rng: Rng): TaskData {
  const t = cfg.task, n = cfg.skills.count;
  switch (t.kind) {
    case "sparse-parity": {
      const rows = t.samples!, bits = t.bits!, subs = t.subtasks!;
      const X = new Float64Array(rows * bits), Y = new Float64Array(rows * n);
      for (let r = 0; r < rows; r++) {
        for (let b = 0; b < bits; b++) X[r * bits + b] = rng.nextUint32() >>> 31;
        for (let j = 0; j < n; j++) {
          let parity = 0;
          for (const b of subs[j]) parity ^= X[r * bits + b - 1];
          Y[r * n + j] = parity;
        }
      }
      return { kind: t.kind, rows, nTrain: Math.floor(t.train_fraction * rows), nIn: bits, nOut: n, skills: n, X, tokens: null, Y, label: null, taskOf: null, trainPerTask: null };
    }
    case "multitask-parity": {
      const rows = t.samples!, bits = t.bits!, k = t.k!, control = t.control ?? n;
      const nIn = control + bits;
      // Each task's k bits: a partial Fisher-Yates shuffle of 0..bits-1, redrawn if a task
      // would repeat an earlier task's set (checked at config time that enough sets exist).
      const subsets: Int32Array[] = [];
      const perm = new Int32Array(bits);
      const seen = new Set<string>();
      for (let i = 0; i < n; i++) {
        for (;;) {
          for (let b = 0; b < bits; b++) perm[b] = b;
          for (let j = 0; j < k; j++) {
            const s = j + rng.nextInt(bits - j);
            const tmp = perm[j];
            perm[j] = perm[s];
            perm[s] = tmp;
          }
          const sub = Int32Array.from(perm.subarray(0, k)).sort();
          const key = sub.join(",");
          if (!seen.has(key)) {
            seen.add(key);
            subsets.push(sub);
            break;
          }
        }
      }
      const cdf = cumulative(cfg);
      const X = new Float64Array(rows * nIn), Y = new Float64Array(rows), taskOf = new Int32Array(rows);
      for (let r = 0; r < rows; r++) {
        const i = drawTask(cdf, rng.nextDouble());
        taskOf[r] = i;
        const o = r * nIn;
        X[o + i] = 1;
        for (let b = 0; b < bits; b++) X[o + control + b] = rng.nextUint32() >>> 31;
        let parity = 0;
        for (let j = 0; j < k; j++) parity ^= X[o + control + subsets[i][j]];
        Y[r] = parity;
      }
      const nTrain = Math.floor(t.train_fraction * rows);
      return { kind: t.kind, rows, nTrain, nIn, nOut: 1, skills: n, X, tokens: null, Y, label: null, taskOf, trainPerTask: countTrain(taskOf, nTrain, n) };
    }
    case "modular-addition": {
      const m = t.modulus!, rows = m * m, d = cfg.network.embedding!;
      const order = new Int32Array(rows);
      for (let r = 0; r < rows; r++) order[r] = r;
      for (let r = rows - 1; r > 0; r--) {
        const s = rng.nextInt(r + 1);
        const tmp = order[r];
        order[r] = order[s];
        order[s] = tmp;
      }
      const tokens = new Int32Array(rows * 2), label = new Int32Array(rows);
      for (let r = 0; r < rows; r++) {
        const a = Math.floor(order[r] / m), b = order[r] % m;
        tokens[2 * r] = a;
        tokens[2 * r + 1] = b;
        label[r] = (a + b) % m;
      }
      return { kind: t.kind, rows, nTrain: Math.floor(t.train_fraction * rows), nIn: 2 * d, nOut: m, skills: 2, X: null, tokens, Y: null, label, taskOf: null, trainPerTask: null };
    }
    case "squares": {
      const rows = t.samples!;
      const cdf = cumulative(cfg);
      const X = new Float64Array(rows * n), Y = new Float64Array(rows * n), taskOf = new Int32Array(rows);
      const exact = t.draw === "exact" ? exactTasks(cfg, rows, rng) : null;
      for (let r = 0; r < rows; r++) {
        const i = exact ? exact[r] : drawTask(cdf, rng.nextDouble());
        taskOf[r] = i;
        const x = 2 * rng.nextDouble() - 1;
        X[r * n + i] = x;
        Y[r * n + i] = x * x;
      }
      const nTrain = Math.floor(t.train_fraction * rows);
      return { kind: t.kind, rows, nTrain, nIn: n, nOut: n, skills: n, X, tokens: null, Y, label: null, taskOf, trainPerTask: countTrain(taskOf, nTrain, n) };
    }
  }
}
