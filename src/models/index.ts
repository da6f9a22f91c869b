/**
 * The model list: every model skillsim runs, each a folder with one spec (./spec.ts says what a
 * spec holds). A new model is one folder plus one line here.
 */
import type { AnyModelSpec, ModelSpec } from "./spec.js";
import type { ModelOutput, RunHooks } from "./types.js";
import { resource } from "./resource/index.js";
import { domino } from "./domino/index.js";
import { geometry } from "./geometry/index.js";
import { network } from "./network/index.js";
import { quanta } from "./quanta/index.js";

export const MODELS = [resource, domino, geometry, network, quanta] as const;

type ConfigOf<S> = S extends ModelSpec<infer C> ? C : never;
/** A resolved config of any registered model. */
export type Config = ConfigOf<(typeof MODELS)[number]>;
export type ModelName = Config["model"];

export const modelNames: readonly ModelName[] = MODELS.map((m) => m.name as ModelName);

const byName = new Map<string, AnyModelSpec>(MODELS.map((m) => [m.name, m as AnyModelSpec]));

/** The spec of the model `name` (a registered name: configs are validated before anything asks). */
export function modelSpec(name: string): AnyModelSpec {
  const s = byName.get(name);
  if (!s) throw new Error(`no model named ${JSON.stringify(name)} (one of ${modelNames.join(", ")})`);
  return s;
}

/** Whether `name` is a registered model. */
export function isModelName(name: unknown): name is ModelName {
  return typeof name === "string" && byName.has(name);
}

/** One entry point for every model: validated config in, plain ModelOutput out. */
export function runModel(cfg: Config, hooks: RunHooks = {}): ModelOutput {
  return modelSpec(cfg.model).run(cfg, hooks);
}

/** The model of the built-in default experiment (`skillsim run` without a config), and `calibrate`'s default toy model. */
export const defaultModel: ModelName = "resource";

/** The models `calibrate` can fit to observed curves (those whose spec has a calibration), in list order. */
export const calibratedModels: readonly ModelName[] = MODELS.filter((m) => (m as AnyModelSpec).calibration !== undefined).map((m) => m.name as ModelName);

/**
 * N of a run from its full config when the config has no `params`, as its model counts it (a
 * network run's summary.parameters); null when the config is not a valid one; undefined when the
 * model does not count its parameters (or is not a model).
 */
export function parameterCountOf(config: Record<string, unknown>): number | null | undefined {
  const count = isModelName(config.model) ? modelSpec(config.model).parameterCount : undefined;
  if (count === undefined) return undefined;
  try {
    return count(config);
  } catch {
    return null;
  }
}

/**
 * What each of a run's `count` skills is called, from its full config (a run JSON's or sweep
 * line's `config`): the model's task names (taskNames) when it has them for this config, else
 * "skill i" (two tasks of one name: "skill i (name)"). The one place figures, the text report,
 * `table` and studies take task labels from.
 */
export function taskNamesOf(config: Record<string, unknown>, count: number): string[] {
  const named = isModelName(config.model) ? modelSpec(config.model).taskNames : undefined;
  let names: unknown = null;
  try {
    names = named?.(config) ?? null;
  } catch {
    names = null; // a config that is not a valid one (a hand-edited run JSON): the default names
  }
  const plain = Array.from({ length: count }, (_, i) => `skill ${i + 1}`);
  if (!Array.isArray(names) || names.length !== count || !names.every((n) => typeof n === "string" && n !== "")) return plain;
  // Two tasks of one name (a subtask listed twice) would be one line in a figure: keep the index in front.
  return new Set(names).size === count ? (names as string[]) : plain.map((p, i) => `${p} (${names[i]})`);
}

/** Whether the model names this config's tasks (taskNamesOf gives more than "skill i"). */
export function hasTaskNames(config: Record<string, unknown>, count: number): boolean {
  return taskNamesOf(config, count).some((n, i) => n !== `skill ${i + 1}`);
}
