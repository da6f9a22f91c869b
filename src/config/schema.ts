/**
 * The config schema: what a skillsim YAML file may say, with every default in one place.
 *
 * zod 4 strict objects: an unknown (e.g. misspelled) key is an error, never ignored.
 * Each model has its own schema; `model` picks which one applies. The parsed result is
 * fully defaulted, so the models never guess (see `skillsim validate`).
 */
import { z } from "zod";
import { modelNames } from "./constants.js";

const posInt = z.number().int().positive();
const nonNegInt = z.number().int().nonnegative();
const posNum = z.number().positive().finite();
const nonNegNum = z.number().nonnegative().finite();
const prob = z.number().gt(0).lt(1);

/** `{file: path}`: numbers read from a CSV file, the path relative to the config file. */
export const fileRefSchema = z.strictObject({ file: z.string().min(1) });
/** A matrix written out in the config: a list of rows of finite numbers. */
const rowsSchema = z.array(z.array(z.number().finite()).min(1)).min(1);

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

const timelineFields = {
  onset: prob.default(0.1), // progress pi_i > 0.1 (or the level s_i > 0.1 with on: level)
  half: prob.default(0.5),
  learned: prob.default(0.9),
  // progress: thresholds apply to pi_i = (s_i - s_i(0)) / (1 - s_i(0)); level: to s_i itself
  on: z.enum(["progress", "level"]).default("progress"),
};
const timelineDefaults = { onset: 0.1, half: 0.5, learned: 0.9, on: "progress" } as const;

/** The rk45 integrator's default tolerances (the map has none). */
export const rk45Defaults = { rtol: 1e-8, atol: 1e-12 } as const;

/** Keys every model shares. */
const common = {
  title: z.string().optional(), // free text shown in report headers and figures
  seed: nonNegInt.max(Number.MAX_SAFE_INTEGER).default(0),
  params: posInt.default(1000), // N, number of model parameters
  lr: posNum.default(3e-4), // eta
  rate: posNum.optional(), // eta_eff; overrides 2 * lr * sqrt(params)
  steps: posNum.default(1000), // updates (discrete) or time horizon (ODE)
  record: recordSchema.default({ points: 200, spacing: "log" }),
  sweep: z.record(z.string(), z.array(z.unknown()).min(1)).optional(), // used by `skillsim sweep`
};

const dependencySchema = z.strictObject({
  skill: posInt,
  requires: z.array(posInt).min(1),
  gate: z.enum(["and", "or"]).default("and"),
  sharpness: z.number().positive().max(1).default(1e-3), // exponent a in 1 - u^a
});

/** Skill vector kinds the Geometry model can draw (see models/geometry/model.ts). */
export const vectorKinds = ["orthogonal", "random", "modular", "gaussian"] as const;
export type VectorKind = (typeof vectorKinds)[number];

/** C = T T^T from the skill vectors a Geometry config with these settings draws. */
const correlationFromGeometrySchema = z.strictObject({
  from: z.literal("geometry"),
  params: posInt, // N of the Geometry config
  vectors: z.enum(vectorKinds).default("random"),
  seed: nonNegInt.max(Number.MAX_SAFE_INTEGER).default(0),
});

/** State-dependent frequency: skill `skill` uses `frequency` once its level is >= at_level. */
const switchSchema = z.strictObject({
  skill: posInt,
  at_level: z.number().finite(),
  frequency: nonNegNum,
});

export const resourceSchema = z.strictObject({
  model: z.literal("resource"),
  ...common,
  skills: z
    .strictObject({
      count: posInt.optional(),
      frequencies: frequenciesSchema.default({ zipf: 2 }),
      correlation: z.union([z.literal("identity"), z.array(z.array(z.number().finite())), correlationFromGeometrySchema]).default("identity"),
      dependencies: z.array(dependencySchema).default([]),
      switches: z.array(switchSchema).optional(), // state-dependent frequencies (none when absent)
    })
    .default({ frequencies: { zipf: 2 }, correlation: "identity", dependencies: [] }),
  N0: nonNegNum.default(0.003), // wasted resource
  // map/mse: u <- max(0, u - ...) (absent = true); false never clips u (the authors' Fig 8 top).
  // Optional rather than defaulted so that configs without it keep their config hash.
  clip: z.boolean().optional(),
  loss: z.enum(["mse", "ce"]).default("mse"),
  integrator: z.enum(["map", "rk45"]).default("map"),
  rtol: z.number().positive().max(0.1).default(rk45Defaults.rtol),
  atol: z.number().positive().max(0.1).default(rk45Defaults.atol),
  timeline: z.strictObject(timelineFields).default(timelineDefaults),
});

export const dominoSchema = z.strictObject({
  model: z.literal("domino"),
  ...common,
  skills: z
    .strictObject({
      count: posInt.optional(),
      frequencies: frequenciesSchema.default({ zipf: 2 }),
    })
    .default({ frequencies: { zipf: 2 } }),
  variant: z.enum(["serial", "parallel"]).default("serial"),
  tau: posNum.optional(), // parallel time scale; default t0 = 1/eta_eff
  modules: posInt.default(1), // k
  timeline: z.strictObject(timelineFields).default(timelineDefaults),
});

export const optimizerNames = ["sgd", "momentum", "signgd", "adam", "rmsprop", "lion", "ademamix", "adamw", "natural"] as const;
export type OptimizerName = (typeof optimizerNames)[number];

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

export const geometrySchema = z.strictObject({
  model: z.literal("geometry"),
  ...common,
  skills: z
    .strictObject({
      count: posInt.optional(),
      frequencies: frequenciesSchema.default({ zipf: 2 }),
      // a kind, explicit rows [[...], ...] (one per skill, params entries each), or {file: vectors.csv}
      vectors: z.union([z.enum(vectorKinds), rowsSchema, fileRefSchema]).default("orthogonal"),
    })
    .default({ frequencies: { zipf: 2 }, vectors: "orthogonal" }),
  init: z.union([z.array(z.number().finite()).min(1), fileRefSchema]).optional(), // theta(0); default 0
  loss: z.enum(["mse", "ce"]).default("mse"),
  batch: z.union([z.literal("full"), posInt]).default("full"),
  noise: nonNegNum.default(0), // sigma of Gaussian gradient noise
  optimizer: optimizerSchema.default("signgd"),
  // true: aligned dimensions per skill and |dtheta| at each recorded step; average: their
  // means over the steps of each recorded interval (every step counts, without record: every)
  diagnostics: z.union([z.boolean(), z.literal("average")]).default(false),
  timeline: z.strictObject(timelineFields).default(timelineDefaults), // always exact (first step past each threshold)
});

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

export { modelNames };
export type ModelName = (typeof modelNames)[number];

export const schemas = { resource: resourceSchema, domino: dominoSchema, geometry: geometrySchema, network: networkSchema } as const;

export type Frequencies = z.infer<typeof frequenciesSchema>;
export type RecordSpec = z.infer<typeof recordSchema>;
export type Dependency = z.infer<typeof dependencySchema>;

/** Fully-resolved optimizer settings. */
export interface OptimizerConfig {
  name: OptimizerName;
  beta?: number;
  beta1?: number;
  beta2?: number;
  beta3?: number;
  alpha?: number;
  alpha_warmup?: number;
  beta3_warmup?: number;
  eps?: number;
  weight_decay?: number;
  power?: number;
  damping?: number;
}

type Resolved<T> = Omit<T, "skills"> & { skills: Omit<T extends { skills: infer S } ? S : never, "count"> & { count: number } };
export type ResourceConfig = Resolved<z.infer<typeof resourceSchema>>;
export type DominoConfig = Resolved<z.infer<typeof dominoSchema>>;
type GeometryParsed = Resolved<z.infer<typeof geometrySchema>>;
/** After loading, `{file: ...}` references are replaced by the numbers read from the file. */
export type GeometryConfig = Omit<GeometryParsed, "optimizer" | "skills" | "init"> & {
  skills: Omit<GeometryParsed["skills"], "vectors"> & { vectors: VectorKind | number[][] };
  init?: number[];
  optimizer: OptimizerConfig;
};
export type CorrelationFromGeometry = z.infer<typeof correlationFromGeometrySchema>;
export type FrequencySwitch = z.infer<typeof switchSchema>;
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
  };
  skills: { count: number; frequencies: Frequencies };
  network: { hidden: number[]; activation: "relu" | "silu"; modules: number; embedding?: number };
  loss: "mse" | "ce";
  batch: "full" | number;
  optimizer: OptimizerConfig;
  timeline: z.infer<typeof networkSchema>["timeline"];
};
export type Config = ResourceConfig | DominoConfig | GeometryConfig | NetworkConfig;

// The defaults live in a module without zod: the optimizers (run on worker threads) need them, not the schema.
export { optimizerDefaults } from "./constants.js";
