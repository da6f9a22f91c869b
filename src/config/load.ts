/**
 * YAML text (+ `--set` overrides) -> a validated, fully-defaulted Config, or one ConfigError
 * that names file, line, column and key, with the closest valid key for a misspelling.
 *
 * Layers: built-in defaults <- file <- --set flags. The YAML document (yaml's parseDocument)
 * is kept so every error can point at the node it is about; --set values are written into
 * the same document, and errors in them name the flag instead of a line.
 */
import { Document, LineCounter, parseDocument, isMap, isSeq, isScalar, isPair, parse as parseYamlValue, visit, type Node } from "yaml";
import type { z } from "zod";
import { defaultModel, isModelName, modelNames, modelSpec, type Config } from "../models/index.js";
import type { DataFileRef } from "../models/spec.js";
import { readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { checkSemantics, checkUnused } from "./semantic.js";
import { ConfigError, describeValue, suggest } from "./errors.js";
import { parseNumberCsv } from "../results/csv.js";

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

type Path = (string | number)[];

interface Located {
  doc: Document;
  lc: LineCounter;
  file: string;
  setPaths: { path: string[]; flag: string }[];
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
  const data = parsed.data as Record<string, any>;
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

/**
 * yaml's first error, rephrased and placed where the mistake is: a key indented deeper
 * than its neighbours is reported on its own line (yaml points at the end of the line
 * before, whose value it would have continued), several documents get a message of ours.
 */
export function yamlError(text: string, doc: Document, lc: LineCounter, file: string): ConfigError {
  const e = doc.errors[0];
  const at = (offset: number) => {
    const p = lc.linePos(offset);
    return `${file}:${p.line}:${p.col}`;
  };
  if (e.code === "MULTIPLE_DOCS")
    return new ConfigError("this file holds more than one YAML document (a `---` or `...` line ends the first); a config is a single document: remove the marker, or split the file", at(e.pos[0]));
  if (e.code === "BLOCK_AS_IMPLICIT_KEY" || e.code === "MULTILINE_IMPLICIT_KEY") {
    // The value on line L ran on into a more-indented `key:` on a later line.
    const span = doc.errors.find((x) => x.code === "MULTILINE_IMPLICIT_KEY") ?? e;
    const nl = text.indexOf("\n", span.pos[0]);
    if (nl >= 0 && nl < Math.max(span.pos[1], span.pos[0] + 1) + 1) {
      let k = nl + 1;
      while (k < text.length && (text[k] === " " || text[k] === "\t" || text[k] === "\n" || text[k] === "\r")) k++;
      if (k < text.length) {
        const prev = lc.linePos(e.pos[0]).line;
        return new ConfigError(`malformed YAML: this line is indented deeper than line ${prev}, which already has a value; put keys of one mapping at the same column`, at(k));
      }
    }
  }
  const msg = /call stack/i.test(e.message) ? "nested too deeply" : e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
  return new ConfigError(`malformed YAML: ${msg}`, at(e.pos[0]));
}

/** The document as plain JS; alias bombs (`*a` expanding exponentially) are refused at the first alias. */
function toPlain(loc: Located): Record<string, unknown> {
  try {
    return loc.doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
  } catch (e) {
    let where = whereOf(loc, []);
    visit(loc.doc, {
      Alias(_k, node) {
        if (node.range) {
          const p = loc.lc.linePos(node.range[0]);
          where = `${loc.file}:${p.line}:${p.col}`;
        }
        return visit.BREAK;
      },
    });
    const why = /alias/i.test((e as Error).message) ? "expands YAML aliases (*name) too many times; write the values out" : (e as Error).message.split("\n")[0];
    throw new ConfigError(`cannot use this YAML: ${why}`, where);
  }
}

// ---------------------------------------------------------------------------
// Data files: `{file: PATH}` for skills.vectors and init.

/** Where each value read from a file came from: the file name and each data row's line. */
interface FileSource {
  name: string;
  lines: number[];
}

function defaultReader(configFile: string): (path: string) => string {
  return (path) => {
    const full = isAbsolute(path) ? path : join(dirname(configFile), path);
    const st = statSync(full); // throws ENOENT etc.
    if (!st.isFile()) throw new Error("not a regular file");
    if (st.size > 512 * 1024 * 1024) throw new Error("larger than 512 MiB");
    return readFileSync(full, "utf8");
  };
}

/** Replace each `{file: PATH}` the model accepts (its `dataFiles`) by the numbers in the file, in
 * place; returns where each came from, by dotted path. */
function readDataFiles(loc: Located, data: Record<string, any>, refs: readonly DataFileRef[], opts: LoadOptions): Record<string, FileSource> {
  const read = opts.readData ?? defaultReader(opts.file);
  const out: Record<string, FileSource> = {};
  const load = (path: Path, ref: { file: string }): { rows: number[][]; src: FileSource } => {
    const where = whereOf(loc, [...path, "file"]);
    const key = dotted([...path, "file"]);
    let text: string;
    try {
      text = read(ref.file);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const why = err.code === "ENOENT" ? "no such file" : err.code === "EACCES" ? "permission denied" : err.code === "EISDIR" ? "is a directory" : (err.message ?? String(e)).split("\n")[0];
      throw new ConfigError(`cannot read ${ref.file}: ${why} (a relative path is read from the config file's directory)`, where, key);
    }
    try {
      const { rows, lines } = parseNumberCsv(text);
      return { rows, src: { name: ref.file, lines } };
    } catch (e) {
      throw new ConfigError(`${ref.file}:${(e as Error).message}`, where, key);
    }
  };
  for (const ref of refs) {
    const parent = ref.path.slice(0, -1).reduce<any>((o, k) => (o && typeof o === "object" ? o[k] : undefined), data);
    const last = ref.path[ref.path.length - 1];
    const v = parent?.[last];
    if (!v || typeof v !== "object" || Array.isArray(v)) continue;
    const { rows, src } = load(ref.path, v);
    if (ref.shape === "rows") parent[last] = rows;
    else {
      // one row or one column, in order
      if (rows.length > 1 && rows.some((r) => r.length !== 1))
        throw new ConfigError(`${v.file}:${src.lines[1]}: ${ref.what} must be one row or one column of numbers, got ${rows.length} rows of ${rows[0].length}`, whereOf(loc, [...ref.path, "file"]), dotted([...ref.path, "file"]));
      parent[last] = rows.length === 1 ? rows[0] : rows.map((r) => r[0]);
    }
    out[ref.path.join(".")] = src;
  }
  return out;
}

/** `--set a.b.c=VALUE`: VALUE is parsed as YAML (scalar or flow: `[1, 2]`, `{zipf: 1}`). */
function applySet(loc: Located, s: string): void {
  const flag = `--set ${s}`;
  const eq = s.indexOf("=");
  if (eq <= 0) throw new ConfigError("expected KEY=VALUE, e.g. --set lr=1e-3 or --set skills.count=5", flag);
  const key = s.slice(0, eq).trim();
  const valueText = s.slice(eq + 1);
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.([A-Za-z_][A-Za-z0-9_]*|\d+))*$/.test(key))
    throw new ConfigError(`"${key}" is not a dotted key like skills.count`, flag);
  let value: unknown;
  try {
    value = parseYamlValue(valueText, { logLevel: "error" });
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    throw new ConfigError(`cannot parse the value as YAML: ${msg}`, flag, key);
  }
  const path = key.split(".");
  // Refuse to walk through a scalar (`--set lr.x=1` when lr is a number), and keep list
  // indices within one past the end (a huge index would make a huge sparse list).
  for (let d = 1; d < path.length; d++) {
    const parent = loc.doc.getIn(path.slice(0, d), true) as Node | undefined;
    const where = path.slice(0, d).join(".");
    if (parent !== undefined && !isMap(parent) && !isSeq(parent))
      throw new ConfigError(`${where} is a value, not a section, so it has no key "${path[d]}"${d === path.length - 1 ? `; to replace the value, --set ${where}=${valueText.trim()}` : ""}`, flag, key);
    if (isSeq(parent)) {
      if (!/^\d+$/.test(path[d])) throw new ConfigError(`${where} is a list; address its items by 0-based index, e.g. ${where}.0`, flag, key);
      if (Number(path[d]) > parent.items.length)
        throw new ConfigError(`${where} has ${parent.items.length} item${parent.items.length === 1 ? "" : "s"}; index ${path[d]} is past its end (indices are 0-based; ${parent.items.length} appends)`, flag, key);
    }
  }
  loc.doc.setIn(path, loc.doc.createNode(value));
  loc.setPaths.push({ path, flag });
}

/** "file:line:col" of the node at `path` (or its nearest existing ancestor); the flag if --set wrote it. */
function whereOf(loc: Located, path: Path, keyNode = false): string {
  for (const sp of loc.setPaths) {
    const m = Math.min(sp.path.length, path.length);
    if (sp.path.slice(0, m).every((k, i) => String(path[i]) === k) && (path.length > 0 || sp.path.length === 0)) return sp.flag;
  }
  for (let d = path.length; d >= 0; d--) {
    const node = nodeAt(loc.doc, path.slice(0, d), keyNode && d === path.length);
    if (node?.range) {
      const p = loc.lc.linePos(node.range[0]);
      return `${loc.file}:${p.line}:${p.col}`;
    }
    // A section that only --set wrote (no place in the file): the --set that wrote into it, e.g.
    // a defaulted timeline.onset refused because of --set timeline.on=level.
    const sec = path.slice(0, d).map(String);
    if (d > 0 && node !== undefined) {
      const sp = [...loc.setPaths].reverse().find((x) => sec.every((k, i) => x.path[i] === k));
      if (sp) return sp.flag;
    }
  }
  return loc.file;
}

/** The value node at path, or with keyNode the key node of its pair (for unknown keys). */
function nodeAt(doc: Document, path: Path, keyNode: boolean): Node | undefined {
  if (path.length === 0) return doc.contents ?? undefined;
  if (!keyNode) return (doc.getIn(path, true) as Node | undefined) ?? undefined;
  const parent = path.length === 1 ? doc.contents : (doc.getIn(path.slice(0, -1), true) as Node | undefined);
  if (isMap(parent)) {
    const last = String(path[path.length - 1]);
    for (const it of parent.items) {
      if (isPair(it) && isScalar(it.key) && String(it.key.value) === last) return it.key as Node;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// zod issues -> one ConfigError

type Issue = z.core.$ZodIssue;

function zodToConfigError(loc: Located, schema: z.ZodType, issues: readonly Issue[], raw: unknown): ConfigError {
  const issue = mostSpecific(issues, raw);
  const path = issue.path as Path;
  if (issue.code === "unrecognized_keys") {
    const bad = issue.keys[0];
    const full = [...path, bad];
    const here = valueAt(raw, path);
    const valid = keysAt(schema, path, here);
    const hint = suggest(bad, valid);
    const list = valid.length ? `; valid keys here: ${valid.join(", ")}` : "";
    // A key of another option of a discriminated union ({name: sgd, beta1: 0.9}): say so.
    const name = (here as Record<string, unknown> | undefined)?.name;
    if (typeof name === "string" && keysAt(schema, path).includes(bad))
      return new ConfigError(`${name} does not use ${bad}${hint || list}`, whereOf(loc, full, true), dotted(full));
    return new ConfigError(`unknown key${hint || list}`, whereOf(loc, full, true), dotted(full));
  }
  const value = valueAt(raw, path);
  // A discriminated union (optimizer: {name, ...}) whose discriminator matches no option.
  const disc = issue as Issue & { note?: string; options?: unknown[] };
  if (issue.code === "invalid_union" && disc.note === "No matching discriminator" && Array.isArray(disc.options)) {
    const names = disc.options.map(String);
    return new ConfigError(`must be one of ${names.join(", ")}, got ${describeValue(value)}${suggest(String(value), names)}`, whereOf(loc, path), dotted(path));
  }
  const forms = scalarUnionForms(schema, path);
  const message = forms ? `must be ${forms.join(" or ")}, got ${describeValue(value)}` : describe(issue, value);
  return new ConfigError(message, whereOf(loc, path), dotted(path) || "(top level)");
}

/**
 * When the key at `path` accepts one of a few plain values (`batch: full | B`), the accepted
 * forms in words ("a positive integer", "full"), so that an error lists them all, not just the
 * branch the value came closest to. Null for anything else.
 */
function scalarUnionForms(schema: z.ZodType, path: Path): string[] | null {
  let cur: any = schema;
  const unwrap = (s: any): any => {
    let x = s;
    while (x?._zod?.def && ["default", "optional", "nullable", "prefault"].includes(x._zod.def.type)) x = x._zod.def.innerType;
    return x;
  };
  for (const k of path) {
    const def = unwrap(cur)?._zod?.def;
    if (def?.type === "object" && typeof k === "string" && def.shape[k]) cur = def.shape[k];
    else if (def?.type === "array" && typeof k === "number") cur = def.element;
    else return null;
  }
  const def = unwrap(cur)?._zod?.def;
  if (def?.type !== "union") return null;
  const forms: string[] = [];
  const words: string[] = []; // literal values go last: "a positive integer or full"
  for (const o of def.options) {
    const d = unwrap(o)?._zod?.def;
    if (d?.type === "literal") words.push(...d.values.map(String));
    else if (d?.type === "enum") words.push(...Object.values(d.entries as Record<string, string>).map(String));
    else if (d?.type === "number") forms.push(numberForm(d.checks ?? []));
    else if (d?.type === "boolean") forms.push("true or false");
    else return null;
  }
  return [...forms, ...words];
}

/** "a positive integer", "a number > 1", ... from a zod number's checks. */
function numberForm(checks: any[]): string {
  const defs = checks.map((c) => c?._zod?.def ?? {});
  const int = defs.some((c) => c.check === "number_format" && /int/.test(String(c.format)));
  const gt = defs.find((c) => c.check === "greater_than");
  const noun = int ? "integer" : "number";
  if (gt && gt.value === 0 && !gt.inclusive) return `a positive ${noun}`;
  if (gt && gt.value === 0 && gt.inclusive) return `a non-negative ${noun}`;
  if (gt) return `${article(noun)} ${gt.inclusive ? ">=" : ">"} ${gt.value}`;
  return article(noun);
}

/** For a union failure, dig into the branch that got furthest; prefer unknown-key reports. */
function mostSpecific(issues: readonly Issue[], raw: unknown): Issue {
  let best = issues[0];
  if (best.code !== "invalid_union") return best;
  const v = valueAt(raw, best.path as Path);
  let candidates: Issue[] = [];
  // A branch whose keys all fit ({zipf: .inf} for {zipf: a}) explains the error better than
  // one that does not know a key ({exponential: r} does not know zipf).
  const fitting: Issue[] = [];
  for (const branch of best.errors) {
    const keysFit = !branch.some((sub) => sub.code === "unrecognized_keys");
    for (const sub of branch) {
      const full = { ...sub, path: [...best.path, ...sub.path] } as Issue;
      // A branch whose top-level type differs from the value says little ("expected array").
      if (sub.path.length === 0 && sub.code === "invalid_type") continue;
      if (sub.path.length === 0 && sub.code === "invalid_value" && typeof v === "object") continue;
      candidates.push(full);
      if (keysFit && typeof v === "object" && v !== null && sub.path.length > 0) fitting.push(full);
    }
  }
  if (fitting.length > 0) candidates = fitting;
  if (candidates.length === 0) return best;
  // An unknown key explains a branch mismatch best ({zif: 2}); otherwise the deepest issue.
  const rank = (i: Issue) => (i.code === "unrecognized_keys" ? 1000 : 0) + i.path.length;
  candidates.sort((a, b) => rank(b) - rank(a));
  best = mostSpecific([candidates[0]], raw);
  return best;
}

function describe(issue: Issue, value: unknown): string {
  const got = describeValue(value);
  switch (issue.code) {
    case "invalid_type":
      if (value === undefined) return `missing; expected ${issue.expected}`;
      if (typeof value === "number" && !Number.isFinite(value)) return `must be a finite number, got ${got}`;
      return `expected ${article(issue.expected)}, got ${value === null ? "null" : `${typeName(value)} ${got}`}`;
    case "too_small": {
      const min = Number(issue.minimum);
      if (issue.origin === "array") return `needs at least ${min} item${min === 1 ? "" : "s"}`;
      if (issue.origin === "string") return min === 1 ? "must not be empty" : `needs at least ${min} characters, got ${got}`;
      return `must be ${issue.inclusive ? ">=" : ">"} ${min}, got ${got}`;
    }
    case "too_big":
      if (issue.origin === "array") return `has too many items (at most ${Number(issue.maximum)})`;
      return `must be ${issue.inclusive ? "<=" : "<"} ${Number(issue.maximum)}, got ${got}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((x) => JSON.stringify(x)).join(", ")}, got ${got}${suggest(String(value), issue.values.map(String))}`;
    case "invalid_union":
      return `has the wrong form, got ${got}; see \`skillsim init\` for the accepted forms`;
    case "not_multiple_of":
      return `must be a multiple of ${issue.divisor}, got ${got}`;
    default:
      return `${issue.message}, got ${got}`;
  }
}

function article(expected: string): string {
  if (expected === "int") return "an integer";
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (v instanceof Date) return "a date";
  if (ArrayBuffer.isView(v)) return "binary data";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `a ${typeof v}`;
}

function dotted(path: Path): string {
  return path.map(String).join(".");
}

function valueAt(raw: unknown, path: Path): unknown {
  let v: any = raw;
  for (const k of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = v[k as any];
  }
  return v;
}

/** The keys an object schema accepts at `path` (walking defaults, optionals, unions, arrays). */
export function keysAt(schema: z.ZodType, path: Path, value?: unknown): string[] {
  let cur: any[] = [schema];
  const unwrap = (s: any): any[] => {
    const def = s?._zod?.def;
    if (!def) return [];
    if (def.type === "default" || def.type === "optional" || def.type === "nullable" || def.type === "prefault") return unwrap(def.innerType);
    if (def.type === "union") return def.options.flatMap(unwrap);
    return [s];
  };
  cur = unwrap(schema);
  for (const k of path) {
    const next: any[] = [];
    for (const s of cur) {
      const def = s._zod.def;
      if (def.type === "object" && typeof k === "string" && def.shape[k]) next.push(...unwrap(def.shape[k]));
      if (def.type === "array" && typeof k === "number") next.push(...unwrap(def.element));
    }
    cur = next;
  }
  // Of a discriminated union's options, only those whose literal fields agree with the value
  // ({name: sgd, ...} is checked against sgd's keys, not every optimizer's).
  const fits = (s: any): boolean => {
    if (typeof value !== "object" || value === null) return true;
    for (const [key, f] of Object.entries(s._zod.def.shape as Record<string, any>)) {
      const d = f?._zod?.def;
      if (d?.type === "literal" && key in value && !d.values.includes((value as Record<string, unknown>)[key])) return false;
    }
    return true;
  };
  const keys = new Set<string>();
  for (const s of cur) if (s._zod.def.type === "object" && fits(s)) for (const key of Object.keys(s._zod.def.shape)) keys.add(key);
  return [...keys];
}
