/**
 * The `network` model's config: per-task-kind defaults (the one place they live), the
 * resolution of the parsed YAML into a NetworkConfig, and the checks that need several keys
 * (impossible tasks and networks, memory) with the key to blame.
 */
import type { Frequencies } from "../../config/schema.js";
import type { NetworkConfig, TaskKind } from "./schema.js";
import { resolveOptimizer } from "../../config/resolve.js";

interface KindDefaults {
  task: Partial<NetworkConfig["task"]>;
  count: number;
  frequencies: Frequencies | "ones";
  hidden: number[];
  activation: "relu" | "silu";
  loss: "mse" | "ce";
  embedding?: number;
}

/** Defaults per task kind: the paper's settings (Fig 2, Fig 13, Fig 19; Michaud et al. 2023). */
export const networkDefaults: Record<TaskKind, KindDefaults> = {
  // Fig 2: 32 random bits, 10,000 samples, tasks x1^x2 and x3^x4, MLP 32-50-k ReLU, mse.
  "sparse-parity": {
    task: { bits: 32, samples: 10000, train_fraction: 1, subtasks: [[1, 2], [3, 4]] },
    count: 2,
    frequencies: "ones",
    hidden: [50],
    activation: "relu",
    loss: "mse",
  },
  // The quanta setting: one-hot control bits choose the task, k of `bits` data bits decide it.
  "multitask-parity": {
    task: { bits: 100, k: 3, samples: 20000, train_fraction: 1 },
    count: 10,
    frequencies: { zipf: 1.5 },
    hidden: [200],
    activation: "relu",
    loss: "ce",
  },
  // Fig 13: (a + b) mod 59, embedding 128 per operand, MLP 256-100-100-59 SiLU, 80% of pairs.
  "modular-addition": {
    task: { modulus: 59, train_fraction: 0.8 },
    count: 2,
    frequencies: "ones",
    hidden: [100, 100],
    activation: "silu",
    loss: "ce",
    embedding: 128,
  },
  // Fig 19: x in [-1, 1]^2, task i asks for x_i^2, shares 0.99 and 0.01, MLP 2-100-100-2 SiLU.
  squares: {
    task: { samples: 1000, train_fraction: 1 },
    count: 2,
    frequencies: [0.99, 0.01],
    hidden: [100, 100],
    activation: "silu",
    loss: "mse",
  },
};

/** Task keys each kind uses (any other task key is an error). */
const taskKeys: Record<TaskKind, string[]> = {
  "sparse-parity": ["kind", "bits", "samples", "train_fraction", "subtasks"],
  "multitask-parity": ["kind", "bits", "samples", "train_fraction", "k", "control"],
  "modular-addition": ["kind", "modulus", "train_fraction"],
  squares: ["kind", "samples", "train_fraction", "draw"],
};

export interface NetworkProblem {
  path: (string | number)[];
  message: string;
}

/** Parsed (schema-valid) YAML -> NetworkConfig, or the first key that does not fit the task kind. */
export function resolveNetwork(c: Record<string, any>): NetworkConfig | NetworkProblem {
  const kind = c.task.kind as TaskKind;
  const d = networkDefaults[kind];
  for (const key of Object.keys(c.task)) {
    if (c.task[key] !== undefined && !taskKeys[kind].includes(key))
      return { path: ["task", key], message: `is not used by task kind ${kind} (its keys: ${taskKeys[kind].join(", ")})` };
  }
  const task: Record<string, unknown> = { kind };
  for (const key of taskKeys[kind].slice(1)) {
    const v = c.task[key] ?? (d.task as Record<string, unknown>)[key];
    if (v !== undefined) task[key] = v;
  }
  if (kind === "modular-addition" && c.skills !== undefined)
    return { path: ["skills"], message: "modular-addition has two fixed skills (train accuracy, held-out accuracy); remove the skills block" };
  if (kind !== "modular-addition" && c.network.embedding !== undefined)
    return { path: ["network", "embedding"], message: `an embedding is for modular-addition (token inputs); task kind ${kind} has numeric inputs` };
  const skills = c.skills ?? {};
  let count: number;
  if (kind === "sparse-parity") {
    count = (task.subtasks as number[][]).length;
    if (skills.count !== undefined && skills.count !== count)
      return { path: ["skills", "count"], message: `is ${skills.count} but task.subtasks lists ${count} tasks; one skill per subtask (drop count)` };
  } else if (kind === "modular-addition") {
    count = 2;
  } else {
    count = skills.count ?? (Array.isArray(skills.frequencies) ? skills.frequencies.length : d.count);
  }
  let frequencies: Frequencies;
  if (kind === "modular-addition") {
    const f = task.train_fraction as number;
    frequencies = [f, 1 - f];
  } else {
    frequencies = skills.frequencies ?? (d.frequencies === "ones" ? new Array(count).fill(1) : d.frequencies);
  }
  const optimizer = resolveOptimizer(c.optimizer);
  const network: NetworkConfig["network"] = {
    hidden: c.network.hidden ?? d.hidden,
    activation: c.network.activation ?? d.activation,
    modules: c.network.modules,
  };
  if (kind === "modular-addition") network.embedding = c.network.embedding ?? d.embedding;
  const out: NetworkConfig = {
    model: "network",
    ...(c.title !== undefined ? { title: c.title } : {}),
    seed: c.seed,
    lr: c.lr,
    steps: c.steps,
    record: c.record,
    ...(c.sweep !== undefined ? { sweep: c.sweep } : {}),
    task: task as NetworkConfig["task"],
    skills: { count, frequencies },
    network,
    loss: c.loss ?? d.loss,
    batch: c.batch,
    optimizer,
    timeline: c.timeline,
  };
  return out;
}

/** Widths of the network's layers: input, hidden..., output (the input after the embedding). */
export function layerWidths(c: NetworkConfig): number[] {
  const t = c.task, n = c.skills.count;
  let nIn: number, nOut: number;
  switch (t.kind) {
    case "sparse-parity":
      nIn = t.bits!;
      nOut = n;
      break;
    case "multitask-parity":
      nIn = (t.control ?? n) + t.bits!;
      nOut = 1;
      break;
    case "modular-addition":
      nIn = 2 * c.network.embedding!;
      nOut = t.modulus!;
      break;
    case "squares":
      nIn = n;
      nOut = n;
      break;
  }
  return [nIn, ...c.network.hidden, nOut];
}

/** Data rows (training + held out) the task generates. */
export function dataRows(c: NetworkConfig): number {
  return c.task.kind === "modular-addition" ? c.task.modulus! ** 2 : c.task.samples!;
}

/** Training rows: floor(train_fraction * rows). */
export function trainRows(c: NetworkConfig): number {
  return Math.floor(c.task.train_fraction * dataRows(c));
}

/** Trainable parameters: the embedding (modulus x d) and each layer's weights and biases
 * (block-diagonal with k modules: out * in / k weights). */
export function parameterCount(c: NetworkConfig): number {
  const w = layerWidths(c), k = c.network.modules;
  let p = c.task.kind === "modular-addition" ? c.task.modulus! * c.network.embedding! : 0;
  for (let l = 0; l + 1 < w.length; l++) p += (w[l] * w[l + 1]) / k + w[l + 1];
  return p;
}

/** Bytes a run holds in typed arrays: data, parameters with gradient and optimizer state,
 * activations (pre- and post-activation and their gradients) for the training rows, scratch. */
export function networkMemoryBytes(c: NetworkConfig): number {
  const w = layerWidths(c);
  const rows = dataRows(c), train = trainRows(c);
  const batchRows = c.batch === "full" ? train : Math.min(c.batch, 1e9);
  const passRows = Math.max(train, rows - train, batchRows);
  const P = parameterCount(c);
  const widthSum = w.slice(1).reduce((a, b) => a + b, 0);
  let maxScratch = 0;
  for (let l = 0; l + 1 < w.length; l++) maxScratch = Math.max(maxScratch, passRows * (w[l] + w[l + 1]) + w[l] * w[l + 1]);
  const data = rows * (w[0] + w[w.length - 1] + 2);
  return 8 * (data + 5 * P + passRows * (w[0] + 3 * widthSum) + maxScratch + (c.task.kind === "sparse-parity" ? batchRows * c.skills.count : 0));
}

/** binomial(n, k) as a double (capped: only compared with small counts). */
function choose(n: number, k: number): number {
  let r = 1;
  for (let i = 0; i < k && r < 1e18; i++) r = (r * (n - i)) / (i + 1);
  return r;
}

/** Impossible tasks and networks, and runs too big for memory; null when the config is fine. */
export function checkNetwork(c: NetworkConfig, limitBytes: number): NetworkProblem | null {
  const t = c.task, n = c.skills.count;
  if (!Number.isInteger(c.steps)) return { path: ["steps"], message: `must be a whole number of updates, got ${c.steps}` };
  const f = c.skills.frequencies;
  const p = Array.isArray(f) ? f : null;
  if (t.kind === "sparse-parity") {
    const subs = t.subtasks!;
    for (let i = 0; i < subs.length; i++) {
      const seen = new Set<number>();
      for (let j = 0; j < subs[i].length; j++) {
        const b = subs[i][j];
        if (b > t.bits!) return { path: ["task", "subtasks", i, j], message: `bit ${b} is beyond the ${t.bits} input bits (bits are numbered 1..${t.bits})` };
        if (seen.has(b)) return { path: ["task", "subtasks", i, j], message: `bit ${b} is listed twice in subtask ${i + 1}` };
        seen.add(b);
      }
    }
    if (p) {
      for (let i = 0; i < p.length; i++)
        if (p[i] > 1) return { path: ["skills", "frequencies", i], message: `is the share of samples whose loss counts for task ${i + 1}, so it must be in (0, 1], got ${p[i]}` };
    }
  }
  if (t.kind === "multitask-parity") {
    const control = t.control ?? n;
    if (n > control) return { path: [t.control !== undefined ? "task" : "skills", t.control !== undefined ? "control" : "count"], message: `${n} tasks need ${n} one-hot control bits, but task.control is ${control}` };
    if (t.k! > t.bits!) return { path: ["task", "k"], message: `${t.k} bits per task cannot be chosen from ${t.bits} data bits` };
    if (choose(t.bits!, t.k!) < n) return { path: ["skills", "count"], message: `${n} tasks need distinct sets of ${t.k} bits, but only ${choose(t.bits!, t.k!)} exist among ${t.bits} bits` };
  }
  if (t.kind === "squares" && c.loss !== "mse") return { path: ["loss"], message: "squares is a regression task (targets x_i^2); use loss: mse" };
  if (p && p.length !== n) return { path: ["skills", "count"], message: `is ${n} but skills.frequencies lists ${p.length} values; give one frequency per skill (or drop count)` };
  const train = trainRows(c);
  if (train < 1) return { path: ["task", "train_fraction"], message: `leaves no training samples (${t.train_fraction} of ${dataRows(c)})` };
  if (t.kind === "modular-addition" && train >= dataRows(c))
    return { path: ["task", "train_fraction"], message: "leaves no held-out pairs, and held-out accuracy is skill 2; use a train_fraction below 1" };
  const w = layerWidths(c), k = c.network.modules;
  if (k > 1 && t.kind === "modular-addition")
    return { path: ["network", "modules"], message: "modules split numeric inputs into independent sub-networks; modular-addition's embedding layer is one block (use modules: 1)" };
  if (k > 1) {
    for (let l = 0; l < w.length; l++) {
      if (w[l] % k !== 0) {
        const what = l === 0 ? `the ${w[0]} inputs` : l === w.length - 1 ? `the ${w[l]} outputs` : `hidden layer ${l} (width ${w[l]})`;
        return { path: ["network", "modules"], message: `${k} modules do not divide ${what}; every layer's width must be a multiple of modules` };
      }
    }
  }
  const bytes = networkMemoryBytes(c);
  if (!(bytes <= limitBytes)) {
    const mb = (x: number) => `${(x / 1024 ** 2).toFixed(0)} MiB`;
    const dataHeavy = dataRows(c) * w[0] > parameterCount(c);
    return {
      path: dataHeavy ? (t.kind === "modular-addition" ? ["task", "modulus"] : ["task", "samples"]) : ["network", "hidden"],
      message: `this network and data would need about ${mb(bytes)} of memory (this machine allows ${mb(limitBytes)}); use fewer ${dataHeavy ? "samples" : "or narrower hidden units"}`,
    };
  }
  return null;
}
