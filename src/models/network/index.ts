/** The network model's spec: what the registry (src/models/index.ts) knows of it. */
import type { ModelSpec } from "../spec.js";
import { checkNetwork, parameterCount, resolveNetwork } from "./config.js";
import { runNetwork } from "./model.js";
import { networkSchema, type NetworkConfig } from "./schema.js";
import { example, template } from "./template.js";

/**
 * Task names from the config: a sparse-parity output is the XOR of its subtask's bits ("x3 xor x4",
 * the paper's Fig 2; more than four bits: "parity of x1..x8", or of bits that do not follow on,
 * "parity of x1, x3, x5, x7, x9"); modular addition's two skills are its training and held-out
 * accuracy (Fig 13); squares task i is "x<i>^2", what it asks for (Fig 19). Multitask-parity
 * draws its tasks' bits from the seed: "skill i".
 */
export function taskNames(c: NetworkConfig): string[] | null {
  if (c.task?.kind === "modular-addition") return ["training accuracy", "held-out accuracy"];
  if (c.task?.kind === "sparse-parity" && Array.isArray(c.task.subtasks)) return c.task.subtasks.map(parityName);
  // squares: task i asks for x_i^2
  if (c.task?.kind === "squares") return Array.from({ length: c.skills.count }, (_, i) => `x${i + 1}^2`);
  return null;
}

/** The name of the parity of these input bits (numbered from 1). */
function parityName(bits: number[]): string {
  if (bits.length === 1) return `x${bits[0]}`;
  if (bits.length <= 4) return bits.map((b) => `x${b}`).join(" xor ");
  const consecutive = bits.every((b, j) => j === 0 || b === bits[j - 1] + 1);
  return consecutive ? `parity of x${bits[0]}..x${bits[bits.length - 1]}` : `parity of ${bits.map((b) => `x${b}`).join(", ")}`;
}

export const network: ModelSpec<NetworkConfig> = {
  name: "network",
  about: "a small MLP trained by backpropagation on synthetic multitask data, each task a skill",
  schema: networkSchema,
  template,
  example,
  resolve: resolveNetwork,
  check(c, memoryLimitBytes) {
    const p = checkNetwork(c, memoryLimitBytes);
    if (p) return p;
    if (c.optimizer.name === "natural")
      return { path: ["optimizer"], message: "natural (exact natural gradient) needs the model's closed-form Fisher, which only the geometry model has" };
    return null;
  },
  time: () => "steps",
  // chance accuracy: 1/2 for the parities, 1/modulus for modular addition; squares: 1 - l/l(0) = 0
  startLevel: (c) => (c.task.kind === "sparse-parity" || c.task.kind === "multitask-parity" ? 0.5 : c.task.kind === "modular-addition" ? 1 / c.task.modulus! : 0),
  startLevelWhy: () => " (the chance accuracy of its task)",
  memoryBytes: () => 0, // checkNetwork bounds the network's own memory (weights, activations, data)
  memoryKey: ["skills", "count"],
  header(c, summary) {
    const m = summary as { architecture?: string; parameters?: number };
    return [`${c.task.kind}, MLP ${m.architecture} ${c.network.activation}${c.network.modules > 1 ? ` in ${c.network.modules} modules` : ""} (${m.parameters} parameters), ${c.optimizer.name}, ${c.loss}, batch ${c.batch}`];
  },
  run: runNetwork,
  runner: { module: "models/network/model.js", fn: "runNetwork" },
  frequencies: "distribution",
  frequencyMeaning: (c) =>
    c.task.kind === "sparse-parity" ? "the sparse-parity run's mask shares (the chance that each task's loss is kept for a sample), normalised to sum 1 as the toy model's frequencies" : null,
  parameterCount,
  levelTitle: "level (accuracy)",
  taskNames,
  // What runNetwork (./model.ts) puts in the summary beside strings (task, architecture).
  summaryFields(c) {
    const n = c.skills.count;
    const f: Record<string, number | null> = { parameters: null, trainSamples: null, heldOutSamples: null };
    const kind = c.task.kind;
    if (kind === "multitask-parity" || kind === "squares") f.trainSamplesPerTask = n;
    if (kind === "squares") {
      f["lossBelow.threshold"] = null;
      f["lossBelow.steps"] = n;
      f.initialTaskLoss = n;
    } else if (kind !== "modular-addition" && Math.floor(c.task.train_fraction * c.task.samples!) < c.task.samples!) f.heldOutAccuracy = n;
    return f;
  },
  // squares: the level is 1 - l_i/l_i(0), so l_i = l_i(0) (1 - level_i); the others' levels are accuracies.
  skillLoss: (c) =>
    c.task.kind === "squares"
      ? { formula: "l_i = l_i(0) (1 - level_i)", of: (s, i, summary) => ((summary.initialTaskLoss as number[] | undefined)?.[i - 1] ?? NaN) * (1 - s) }
      : `a ${c.task.kind} network's level is a task's accuracy (out > 0.5), not a function of its loss, and the per-task loss is not recorded (the squares task records it)`,
};
