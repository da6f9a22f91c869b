/**
 * Reading a config file for a command (`run`). Apart from ./read.ts so that commands that read
 * no config do not load the YAML parser and the schema (zod).
 */
import { DEFAULT_CONFIG_YAML, defaultConfigYaml, loadConfig, modelOfSets } from "../config/load.js";
import type { Config } from "../config/schema.js";
import { inputName, readTextFile } from "./read.js";

/**
 * Load a config from a path ("-": standard input), or without one the built-in default of
 * the model a `--set model=NAME` asks for (the Resource model's when none does).
 */
export function loadConfigFile(path: string | undefined, sets: string[] = []): Config {
  if (path === undefined) {
    const model = modelOfSets(sets);
    const text = defaultConfigYaml(model);
    return loadConfig(text, { file: text === DEFAULT_CONFIG_YAML ? "<built-in default>" : `<built-in ${model} default>`, sets });
  }
  return loadConfig(readTextFile(path, "config"), { file: inputName(path), sets });
}
