/** The network model's config: its keys (the per-task-kind defaults are in ./config.ts). */
import { z } from "zod";
import { common, frequenciesSchema, optimizerSchema, posInt, posNum, timelineDefaults, timelineFields, type Frequencies, type OptimizerConfig, type RecordSpec } from "../../config/schema.js";

export const taskKinds = ["sparse-parity", "multitask-parity", "modular-addition", "squares"] as const;
export type TaskKind = (typeof taskKinds)[number];


/**
 * The `network` model: small MLPs trained by backpropagation on synthetic multitask data
 * (src/models/network/). Keys that depend on task.kind (sizes, architecture, loss) are optional
 * here and filled per kind by src/models/network/config.ts (networkDefaults), the one place for them.
 */
export const networkSchema = z.strictObject({
  model: z.literal("network"),
  title: common.title,
  seed: common.seed,
  lr: posNum.default(1e-3),
  steps: posNum.default(1000),
  record: common.record,
  sweep: common.sweep,
  task: z
    .strictObject({
      kind: z.enum(taskKinds).default("sparse-parity"),
      bits: posInt.max(1e6).optional(), // input bits (parity tasks)
      samples: posInt.optional(), // data set size (not modular-addition: all modulus^2 pairs)
      train_fraction: z.number().gt(0).max(1).optional(), // the rest is held out
      subtasks: z.array(z.array(posInt).min(1)).min(1).optional(), // sparse-parity: bits (from 1) per output
      k: posInt.optional(), // multitask-parity: bits per task
      control: posInt.optional(), // multitask-parity: one-hot control bits (default: one per task)
      modulus: z.number().int().min(2).max(1e6).optional(), // modular-addition
      draw: z.enum(["random", "exact"]).optional(), // squares: each sample's task drawn from p (random), or exactly round(p_i n) samples per task (exact; the authors')
    })
    .default({ kind: "sparse-parity" }),
  skills: z
    .strictObject({
      count: posInt.optional(),
      frequencies: frequenciesSchema.optional(),
    })
    .optional(),
  network: z
    .strictObject({
      hidden: z.array(posInt.max(1e6)).optional(), // hidden widths, e.g. [50] or [100, 100]
      activation: z.enum(["relu", "silu"]).optional(),
      modules: posInt.default(1), // k independent (block-diagonal) sub-networks
      embedding: posInt.max(1e6).optional(), // modular-addition: embedding size d per operand
    })
    .default({ modules: 1 }),
  loss: z.enum(["mse", "ce"]).optional(),
  batch: z.union([z.literal("full"), posInt]).default("full"),
  optimizer: optimizerSchema.default("adam"),
  timeline: z.strictObject(timelineFields).default(timelineDefaults),
});

/** The network model's config with every per-kind default filled in (src/models/network/config.ts). */
export type NetworkConfig = {
  model: "network";
  title?: string;
  seed: number;
  lr: number;
  steps: number;
  record: RecordSpec;
  sweep?: Record<string, unknown[]>;
  task: {
    kind: TaskKind;
    bits?: number;
    samples?: number;
    train_fraction: number;
    subtasks?: number[][];
    k?: number;
    control?: number;
    modulus?: number;
    draw?: "random" | "exact";
  };
  skills: { count: number; frequencies: Frequencies };
  network: { hidden: number[]; activation: "relu" | "silu"; modules: number; embedding?: number };
  loss: "mse" | "ce";
  batch: "full" | number;
  optimizer: OptimizerConfig;
  timeline: z.infer<typeof networkSchema>["timeline"];
};
