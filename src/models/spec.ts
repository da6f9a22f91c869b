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
  /** Extra CSV outputs a run can write (`run --vectors FILE`), by option name. */
  exports?: { vectors?: (c: C) => string };
}

/** A spec with its config type erased, for the list. */
export type AnyModelSpec = ModelSpec<any>;
