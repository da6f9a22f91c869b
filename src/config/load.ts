/**
 * YAML text (+ `--set` overrides) -> a validated, fully-defaulted Config, or one ConfigError
 * that names file, line, column and key, with the closest valid key for a misspelling.
 *
 * Layers: built-in defaults <- file <- --set flags. The YAML document (yaml's parseDocument)
 * is kept so every error can point at the node it is about; --set values are written into
 * the same document, and errors in them name the flag instead of a line.
 */
import { Document, LineCounter, parseDocument, isMap, parse as parseYamlValue } from "yaml";
import { defaultModel, isModelName, modelNames, modelSpec, type Config } from "../models/index.js";
import { checkSemantics, checkUnused } from "./semantic.js";
import { ConfigError, describeValue, suggest } from "./errors.js";
import { applySet, toPlain, whereOf, yamlError, type Located } from "./document.js";
import { readDataFiles } from "./data-files.js";
import { zodToConfigError } from "./zod-issues.js";

// Defined in ./errors.ts (no yaml or zod), so that the CLI can classify errors without loading them.
export { ConfigError, describeValue, suggest };

export interface LoadOptions {
  /** Name to show in errors (a path, or "<built-in default>"). */
  file: string;
  /** `--set KEY=VALUE` strings, applied in order. */
  sets?: string[];
  /** Reads a data file named by `{file: PATH}` in the config (PATH as written); default: the
   * file system, PATH relative to the config file's directory. Throws with a reason on failure. */
  readData?: (path: string) => string;
}

/** The built-in default experiment: the paper's minimal Resource-model example. */
export const DEFAULT_CONFIG_YAML = modelSpec(defaultModel).example;

/**
 * The built-in default config for `model`: `skillsim run --set model=NAME` with no config runs
 * NAME's minimal example (the paper's), not the Resource default with its model swapped (whose N0
 * another model would refuse); an unknown name gets the Resource default (and its error later).
 */
export function defaultConfigYaml(model: string | undefined): string {
  return model !== undefined && isModelName(model) ? modelSpec(model).example : DEFAULT_CONFIG_YAML;
}

/** The model the last `--set model=NAME` asks for, if any. */
export function modelOfSets(sets: readonly string[]): string | undefined {
  let model: string | undefined;
  for (const s of sets) {
    const eq = s.indexOf("=");
    if (eq > 0 && s.slice(0, eq).trim() === "model") {
      try {
        const v = parseYamlValue(s.slice(eq + 1), { logLevel: "error" });
        model = typeof v === "string" ? v : undefined;
      } catch {
        model = undefined; // applySet reports it
      }
    }
  }
  return model;
}

/** Parse, override, validate and resolve. Throws ConfigError on any problem. */
export function loadConfig(text: string, opts: LoadOptions): Config {
  const file = opts.file;
  if (text.includes("\u0000")) throw new ConfigError("this is a binary file, not YAML text", file);
  // Only blank and comment lines, line by line: the one-regex form /^(\s*#.*\n?)*\s*$/ backtracks
  // exponentially on a config that opens with many comment lines (2 ms for 10, seconds for 22).
  if (text.split(/[\n\r\u2028\u2029]/).every((line) => /^\s*(#|$)/.test(line)))
    throw new ConfigError(`the config is empty: it needs at least \`model: NAME\` (one of ${modelNames.join(", ")})`, `${file}:1:1`);
  const lc = new LineCounter();
  // logLevel "error": yaml's warnings would go to process.emitWarning, i.e. extra lines on stderr.
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, merge: false, logLevel: "error" });
  if (doc.errors.length > 0) throw yamlError(text, doc, lc, file);
  return loadDocument({ doc, lc, file, setPaths: [] }, opts);
}

/**
 * A config built in code rather than read from a file: the same --set overrides, checks and
 * errors as loadConfig (an error in the built keys is placed at `opts.file`, with no line).
 */
export function loadConfigObject(value: Record<string, unknown>, opts: LoadOptions): Config {
  return loadDocument({ doc: new Document(value), lc: new LineCounter(), file: opts.file, setPaths: [] }, opts);
}

/** Override, validate and resolve a parsed document. */
function loadDocument(loc: Located, opts: LoadOptions): Config {
  const doc = loc.doc;
  if (!isMap(doc.contents)) throw new ConfigError("the config must be a mapping of keys (e.g. `model: resource`)", whereOf(loc, []));
  // A `study:` block says what `skillsim study` computes from the runs (src/study/spec.ts reads
  // and checks it); it is no part of any run's config, so it changes no run, output or hash.
  doc.delete("study");
  for (const s of opts.sets ?? []) applySet(loc, s);

  const raw = toPlain(loc);
  const model = raw.model;
  if (model === undefined) throw new ConfigError(`missing key; add \`model: resource\` (one of ${modelNames.join(", ")})`, whereOf(loc, []), "model");
  if (!isModelName(model))
    throw new ConfigError(`unknown model ${JSON.stringify(model)}; expected one of ${modelNames.join(", ")}${suggest(String(model), modelNames)}`, whereOf(loc, ["model"]), "model");

  const spec = modelSpec(model);
  const schema = spec.schema;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw zodToConfigError(loc, schema, parsed.error.issues, raw);
  const data = parsed.data as Record<string, unknown>;
  const fromFiles = readDataFiles(loc, data, spec.dataFiles ?? [], opts);
  const r = spec.resolve(data);
  if ("message" in r) throw new ConfigError(r.message, whereOf(loc, r.path), r.path.join("."));
  const cfg = r as Config;
  const fileProblem = spec.checkFiles?.(cfg, fromFiles);
  if (fileProblem) throw new ConfigError(fileProblem.message, whereOf(loc, fileProblem.path), fileProblem.path.join("."));
  const problem = checkSemantics(cfg) ?? checkUnused(raw, cfg);
  if (problem) throw new ConfigError(problem.message, whereOf(loc, problem.path), problem.path.join("."));
  return cfg;
}
