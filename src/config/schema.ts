/**
 * The config schema: what a skillsim YAML file may say, with every default in one place.
 *
 * zod 4 strict objects: an unknown (e.g. misspelled) key is an error, never ignored.
 * Each model has its own schema; `model` picks which one applies. The parsed result is
 * fully defaulted, so the models never guess (see `skillsim validate`).
 */
import { z } from "zod";
import { optimizerNames, type OptimizerName } from "../engine/optimizer-settings.js";

export const posInt = z.number().int().positive();
export const nonNegInt = z.number().int().nonnegative();
export const posNum = z.number().positive().finite();
export const nonNegNum = z.number().nonnegative().finite();
export const prob = z.number().gt(0).lt(1);

/** `{file: path}`: numbers read from a CSV file, the path relative to the config file. */
export const fileRefSchema = z.strictObject({ file: z.string().min(1) });
/** A matrix written out in the config: a list of rows of finite numbers. */
export const rowsSchema = z.array(z.array(z.number().finite()).min(1)).min(1);

/** Skill frequencies p_i: {zipf: a}, {exponential: r} or an explicit list (used as given). */
export const frequenciesSchema = z.union([
  z.strictObject({ zipf: nonNegNum }),
  z.strictObject({ exponential: z.number().gt(1).finite() }),
  z.array(posNum).min(1),
]);

/** Which times to keep in the trace: every step, or K points (log- or linearly spaced). */
export const recordSchema = z.union([
  z.literal("every"),
  z.strictObject({
    points: z.number().int().min(2).max(100000).default(200), // bounded memory for long runs
    spacing: z.enum(["log", "linear"]).default("log"),
  }),
]);

export const timelineFields = {
  onset: prob.default(0.1), // progress pi_i > 0.1 (or the level s_i > 0.1 with on: level)
  half: prob.default(0.5),
  learned: prob.default(0.9),
  // progress: thresholds apply to pi_i = (s_i - s_i(0)) / (1 - s_i(0)); level: to s_i itself
  on: z.enum(["progress", "level"]).default("progress"),
};
export const timelineDefaults = { onset: 0.1, half: 0.5, learned: 0.9, on: "progress" } as const;

/** Keys every model shares. */
export const common = {
  title: z.string().optional(), // free text shown in report headers and figures
  seed: nonNegInt.max(Number.MAX_SAFE_INTEGER).default(0),
  params: posInt.default(1000), // N, number of model parameters
  lr: posNum.default(3e-4), // eta
  rate: posNum.optional(), // eta_eff; overrides 2 * lr * sqrt(params)
  steps: posNum.default(1000), // updates (discrete) or time horizon (ODE)
  record: recordSchema.default({ points: 200, spacing: "log" }),
  sweep: z.record(z.string(), z.array(z.unknown()).min(1)).optional(), // used by `skillsim sweep`
};


const decay = z.number().min(0).lt(1); // an EMA coefficient in [0, 1)
const epsilon = z.number().positive().finite();

/** Each optimizer's own hyper-parameters (defaults in `optimizerDefaults`): a key that does not
 * belong to the named optimizer is an error, never silently ignored. */
const optimizerHyper = {
  sgd: {},
  momentum: { beta: decay.optional() },
  signgd: { eps: epsilon.optional() },
  // power p: divide by v^p instead of sqrt(v) (absent: 0.5, the published rule; Guo and Schoelkopf's family)
  adam: { beta1: decay.optional(), beta2: decay.optional(), eps: epsilon.optional(), power: z.number().min(0).max(1).optional() },
  rmsprop: { alpha: decay.optional(), eps: epsilon.optional(), power: z.number().min(0).max(1).optional() }, // alpha: the smoothing of v
  lion: { beta1: decay.optional(), beta2: decay.optional() },
  ademamix: {
    beta1: decay.optional(),
    beta2: decay.optional(),
    beta3: decay.optional(), // the slow EMA
    alpha: z.number().min(0).finite().optional(), // mixing weight of the slow EMA
    alpha_warmup: posInt.optional(), // steps of linear alpha warm-up (off when absent)
    beta3_warmup: posInt.optional(), // steps of beta3 half-life warm-up (off when absent)
    eps: epsilon.optional(),
  },
  adamw: {
    beta1: decay.optional(),
    beta2: decay.optional(),
    eps: epsilon.optional(),
    weight_decay: z.number().min(0).finite().optional(), // decoupled, as torch.optim.AdamW
  },
  natural: { damping: z.number().positive().finite().optional() }, // geometry only: (F + damping I)^-1 g
} satisfies Record<OptimizerName, Record<string, z.ZodType>>;

/** An optimizer: its name, or {name, ...its hyper-parameters} (a discriminated union on name). */
export const optimizerSchema = z.union([
  z.enum(optimizerNames),
  z.discriminatedUnion(
    "name",
    optimizerNames.map((name) => z.strictObject({ name: z.literal(name), ...optimizerHyper[name] })) as unknown as [
      z.ZodObject<{ name: z.ZodLiteral<OptimizerName> }>,
      ...z.ZodObject<{ name: z.ZodLiteral<OptimizerName> }>[],
    ],
  ),
]);

export type Frequencies = z.infer<typeof frequenciesSchema>;
export type RecordSpec = z.infer<typeof recordSchema>;


/** A parsed config with skills.count filled in (from the frequencies, vectors or the default 10). */
export type Resolved<T> = Omit<T, "skills"> & { skills: Omit<T extends { skills: infer S } ? S : never, "count"> & { count: number } };

/** A resolved config: one of the registered models' (src/models/index.ts). */
export type { Config, ModelName } from "../models/index.js";
export type { ResourceConfig } from "../models/resource/schema.js";
export type { DominoConfig } from "../models/domino/schema.js";
export type { GeometryConfig, VectorKind } from "../models/geometry/schema.js";
export type { NetworkConfig, TaskKind } from "../models/network/schema.js";

// The optimizers' names, settings and defaults belong to the engine (no zod there: the optimizers run on worker threads).
export { optimizerDefaults, optimizerNames, type OptimizerConfig, type OptimizerName } from "../engine/optimizer-settings.js";
