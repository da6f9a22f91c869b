/**
 * What a model is, in one place: the interface every folder under src/models/ implements and
 * src/models/index.ts lists. Config loading, semantic checks, `init`, the built-in example,
 * the report header and `run` look a model up here by name; no code outside src/models/
 * asks "which model is this?".
 */
import type { ZodType } from "zod";
import type { ModelOutput, RunHooks } from "./types.js";

/** A problem with a config: the key to blame (a path) and what to fix. */
export interface Problem {
  path: (string | number)[];
  message: string;
}

/** The keys every model's resolved config carries (src/config/schema.ts `common`). */
export interface BaseConfig {
  model: string;
  title?: string;
  seed: number;
  steps: number;
  record: "every" | { points: number; spacing: "log" | "linear" };
  skills: { count: number; frequencies: unknown };
  timeline: { onset: number; half: number; learned: number; on: "progress" | "level" };
  sweep?: Record<string, unknown[]>;
}

/** A `{file: PATH}` reference a model accepts in place of numbers: rows (a matrix) or a vector. */
export interface DataFileRef {
  path: string[];
  shape: "rows" | "vector";
  /** What the numbers are, for the error when a file is neither one row nor one column. */
  what: string;
}

export interface ModelSpec<C extends BaseConfig = BaseConfig> {
  /** The value of `model:` in a config. */
  name: C["model"];
  /** One line: what the model is (init's list, docs). */
  about: string;
  /** The strict zod schema of the model's config, with every default (src/config/schema.ts has the shared parts). */
  schema: ZodType;
  /** `skillsim init NAME`: a commented config listing every key with its default. */
  template: string;
  /** The built-in example `skillsim run --set model=NAME` runs without a config (the paper's minimal one). */
  example: string;
  /** `{file: PATH}` references read before `resolve` (paths into the parsed config). */
  dataFiles?: DataFileRef[];
  /** The parsed config -> the resolved one (values whose defaults depend on other values), or a problem. */
  resolve(parsed: Record<string, any>): C | Problem;
  /** Shapes of numbers read from data files, with the file's name and data lines for the message. */
  checkFiles?(c: C, files: Record<string, { name: string; lines: number[] }>): Problem | null;
  /** Keys the user wrote (raw) that this model would not use: refused, never ignored. */
  checkUnused?(raw: Record<string, unknown>, c: C): Problem | null;
  /** Checks that need more than one key of this model; `memoryLimitBytes` bounds what a run may hold. */
  check?(c: C, memoryLimitBytes: number): Problem | null;
  /** How the model's time runs: whole update steps, a continuous time (ODE), or a closed form
   * evaluated at any time (whole steps only when `steps` is whole). */
  time(c: C): "steps" | "continuous" | "closed-form";
  /** The level a skill starts from before any learning, when the config alone fixes it (for thresholds
   * `on: level`), or null when only the run knows it (e.g. a Geometry `init`). */
  startLevel(c: C): number | null;
  /** Why skills start at startLevel, for messages (" with ce loss"); empty when it is 0. */
  startLevelWhy?(c: C): string;
  /** Typed-array bytes the run holds beyond the trace (skill vectors, optimizer state, data). */
  memoryBytes(c: C): number;
  /** The key to blame when the run would not fit in memory. */
  memoryKey: (string | number)[];
  /** Series recorded per recorded time beyond t, the loss and one level per skill. */
  extraSeries?(c: C): number;
  /** The report header's model-specific parts (after "MODEL model · n skills, frequencies"). */
  header(c: C, summary: Record<string, unknown>): string[];
  /** Run the model: validated config in, plain output out (pure computation, no I/O). */
  run(c: C, hooks?: RunHooks): ModelOutput;
  /** Where `run` lives, for a worker thread that imports only it (not every model's spec, the
   * config schema and zod): the module (relative to dist/src/) and the export, called as
   * fn(config, hooks) with the same result as run (test/models/registry.test.ts). */
  runner: { module: string; fn: string };
  /** Extra CSV outputs a run can write (`run --vectors FILE`), by option name. */
  exports?: { vectors?: (c: C) => string };
  /** What an explicit `skills.frequencies` list is to the model: weights used as given in its
   * equations, or a distribution the run samples skills from (normalised to sum 1). */
  frequencies: "weights" | "distribution";
  /** For a distribution: what the normalised list means, when more than "the run's explicit frequencies" (calibrate's note). */
  frequencyMeaning?(c: C): string | null;
  /** The trainable parameter count N when the config has no `params` key (it follows from other keys), for `fit`. */
  parameterCount?(c: C): number;
  /** The title of a run figure's level panel, when the level is more than a "skill level" ("level (accuracy)"). */
  levelTitle?: string;
  /** How `calibrate` fits this model to observed curves; absent: the model cannot be calibrated. */
  calibration?: Calibration<C>;
  /** Each skill's own loss l_i from its recorded level (the per-skill loss panel of a run figure,
   * paper Fig 12: `run --plot --skill-loss`), or a sentence saying why this config has none. */
  skillLoss?(c: C): SkillLoss | string;
  /** What each skill is called (figures, reports, tables), by index - 1, when the config names its tasks
   * ("x1 xor x2" for a sparse-parity output, "training accuracy" and "held-out accuracy" for modular
   * addition); null for the default "skill i". Read through taskNamesOf (./index.ts). */
  taskNames?(c: C): string[] | null;
  /** Keys of this config that are not in force because another key overrides them (a Resource or
   * Domino `rate` overrides 2·lr·√params): figures show what is in force. Null when all are. */
  overridden?(c: C): { keys: string[]; by: string } | null;
  /** The numbers a run of this config puts in its summary, by dotted path: null for one number, n
   * for a list of n numbers (entries may be null: not reached). What a study's derive may name as
   * `summary.<path>` (a list entry as `summary.<path>[k]`, k from 1), checked before any run.
   * Absent: the model declares none, and a summary path is only resolved per run. */
  summaryFields?(c: C): Record<string, number | null>;
}

/** eta_eff given as `rate`: params and lr do not enter the run (Resource, Domino). */
export function rateOverrides(c: { rate?: number }): { keys: string[]; by: string } | null {
  return typeof c.rate === "number" ? { keys: ["params", "lr"], by: "rate (eta_eff) is set and overrides 2·lr·√params" } : null;
}

/** A skill's loss as a function of its level (the model's own skill loss, whose p-weighted sum is the run's loss). */
export interface SkillLoss {
  /** The formula, for the figure ("l_i = (1 - s_i)^2"). */
  formula: string;
  /** l_i at level `level` of skill `index` (from 1); `summary` is the run's summary (what the run measured at t = 0). */
  of(level: number, index: number, summary: Record<string, unknown>): number;
}

/** l_i = (1 - s_i)^2: the mse skill loss (Geometry, Resource, Domino). */
export const MSE_SKILL_LOSS: SkillLoss = { formula: "l_i = (1 - s_i)^2", of: (s) => (1 - s) * (1 - s) };
/** l_i = -log s_i with s_i = sigmoid(z_i): the ce skill loss (Geometry, Resource). */
export const CE_SKILL_LOSS: SkillLoss = { formula: "l_i = -log s_i", of: (s) => -Math.log(s) };

/** One parameter `calibrate` can fit: its search range and how a value enters the model's config. */
export interface CalibrationParameter<C extends BaseConfig = BaseConfig> {
  /** Grid range [lo, hi], hard bounds [min, max] of the refinement, and how the centre was chosen,
   * given the config, the starting rate eta_eff (`rateHow`: where it came from) and calibrate's number format. */
  range(c: C, at: { rate0: number; rateHow: string; fmt: (x: number) => string }): { lo: number; hi: number; min: number; max: number; start: string };
  /** Put the value into a trial config. */
  set(c: Record<string, any>, value: number): void;
  /** `--set` keys that fix the parameter, so it cannot be fitted too. */
  fixedBy: string[];
}

/** What `calibrate` (src/calibrate/) needs of a model it fits. */
export interface Calibration<C extends BaseConfig = BaseConfig> {
  /** The model's name in a sentence ("Resource model fitted to ..."). */
  title: string;
  /** The levels s_i(t_k) at ascending `times` into out[i * K + k]; false when the model failed (not finite). */
  levelsAt(c: C, times: Float64Array, out: Float64Array): boolean;
  /** The parameters it can fit for this config, in order; each named in `parameters`. */
  fittable(c: C): string[];
  /** What `--fit NAME` of a parameter it cannot fit should add to the list ("(tau belongs to ...)"), or "". */
  fitHint?(c: C, name: string): string;
  /** The variant named in messages ("serial"), or "". */
  variant(c: C): string;
  /** The form of the model that ran, for the report's first line ("map, ce"). */
  form(c: C): string;
  /** What is fitted without --fit: `keys` are the --set keys; the rate is known from --set or from the observed run. */
  defaultFit(c: C, keys: string[], rate: { set: boolean; observed: boolean }): string[];
  /** Whether the rate must be known (observed or --set) when it is not fitted. */
  needsRate: boolean;
  /** Every parameter `fittable` can name. */
  parameters: Record<string, CalibrationParameter<C>>;
  /** The physical settings held fixed, for the result (frequencies and steps are added by calibrate). */
  fixed(c: C, fitted: string[]): Record<string, unknown>;
  /** How an observed time meets the model's time, in words. */
  timeAlignment(c: C): string;
  /** When each trial runs every update up to the horizon: what runs them and what is faster; null otherwise. */
  everyUpdate?(c: C): { runner: string; instead: string } | null;
}

/** A spec with its config type erased, for the list. */
export type AnyModelSpec = ModelSpec<any>;
