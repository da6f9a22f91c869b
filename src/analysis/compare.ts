/**
 * Comparing two results field by field, for `skillsim check` (CI regression runs). Pure: text
 * in, a Comparison out; no files, no exit codes.
 *
 * Kinds (told apart by content, not by file name, in src/results/result-document.ts):
 *   run    `skillsim run --json`        {model, config, skills, final, summary, domino, trace, provenance}
 *   sweep  `skillsim sweep` JSON Lines   one {id, overrides, final, skills, trace, config_hash} per line
 *   fit    `skillsim fit --json`        {form, n, params, objective, rmse_log, intervals, allocation}
 *
 * Fields are dotted paths: skills.3.onset (skill 3, numbered from 1 as in the report),
 * trace.level.3.17 (skill 3 at trace point 17), trace.t.17, final.loss, params.alpha.
 * Other list items are numbered from 0. A number passes when
 *     |now - baseline| <= atol + rtol * |baseline|        (numpy's isclose, relative to the baseline)
 * except that two integers (step counts, indices) must be equal unless a tolerance rule
 * names the field; null vs a number, a changed string, a missing field and a list of a
 * different length are always changes. Never compared: provenance (it holds the Node
 * version), and the config, which must be the same for a comparison to mean anything
 * (a different config is an input error, reported with the keys that differ).
 */
import { InputError } from "../errors.js";
import { LineCounter, isMap, isPair, isScalar, parseDocument, type Node } from "yaml";
import { describeValue, suggest } from "../config/errors.js";
import { readResultDocument, type ResultKind } from "../results/index.js";

export type { ResultKind };

/** Results that cannot be compared (different kinds or configs, a run id twice) or a bad tolerance file: exit code 2. */
export class CompareInputError extends InputError {}

type Obj = Record<string, unknown>;

export interface ParsedResult {
  kind: ResultKind;
  /** The file name shown in messages. */
  name: string;
  /** run/fit: one record with id ""; sweep: one per line, by id. */
  records: Map<string, Obj>;
}

/** Per-field tolerance from a --tolerances file: a dotted glob and what to use where it matches. */
export interface ToleranceRule {
  pattern: string;
  rtol?: number;
  atol?: number;
  ignore?: boolean;
}

export interface CompareOptions {
  /** Defaults for non-integer numbers. */
  rtol: number;
  atol: number;
  /** Later rules win over earlier ones. */
  rules: ToleranceRule[];
}

export const DEFAULT_RTOL = 1e-9;
export const DEFAULT_ATOL = 1e-12;

export interface Change {
  /** Sweep run id; absent for run and fit results. */
  id?: string;
  field: string;
  /** The values (undefined: the field is absent on that side). */
  baseline: unknown;
  now: unknown;
  /** (now - baseline) / |baseline| for numbers, when baseline != 0. */
  rel: number | null;
  /** now - baseline for numbers. */
  abs: number | null;
  /** What the field was held to: "exact", "rtol R, atol A", or why it is always a change. */
  tolerance: string;
}

export interface Comparison {
  kind: ResultKind;
  /** Fields compared (numbers, strings, nulls, list lengths); ignored fields not counted. */
  compared: number;
  changes: Change[];
  /** Tolerance patterns that matched no field (likely a typo). */
  unusedPatterns: string[];
  /** Things worth saying that are not changes (e.g. the skillsim versions differ). */
  notes: string[];
}

// ---------------------------------------------------------------------------------------
// Reading results

/**
 * Read a result file's text and tell which kind it is: src/results/ reads it (each kind checked
 * by its reader, ResultsError naming the file, line:col where the text is not JSON; a NaN
 * written as null passes, to be compared as a change). Here a sweep becomes records by run id:
 * a run id on two lines must be the same run (an overlap of shards), else CompareInputError.
 */
export function parseResult(text: string, name: string): ParsedResult {
  const doc = readResultDocument(text, name);
  if (doc.kind === "run") return { kind: "run", name, records: new Map([["", doc.run as Obj]]) };
  if (doc.kind === "fit") return { kind: "fit", name, records: new Map([["", doc.fit as Obj]]) };
  const records = new Map<string, Obj>();
  for (const { value, line } of doc.lines) {
    const id = String(value.id);
    if (records.has(id)) {
      if (JSON.stringify(records.get(id)) === JSON.stringify(value)) continue; // an overlap of shards
      throw new CompareInputError(`${name}:${line}: run id ${id} appears twice with different results`);
    }
    records.set(id, value);
  }
  return { kind: "sweep", name, records };
}

// ---------------------------------------------------------------------------------------
// Tolerance files

/**
 * A --tolerances file: a YAML mapping from dotted field patterns to {rtol, atol, ignore}:
 *     skills.*.onset: {atol: 2}
 *     final.loss: {rtol: 1.0e-3}
 *     trace: {rtol: 1.0e-6}
 *     summary: {ignore: true}
 * `*` matches one path segment (or part of one); a pattern also covers everything under
 * the section it names. Unset rtol/atol keep the defaults. Throws CompareInputError naming
 * file:line:col.
 */
export function parseTolerances(text: string, file: string): ToleranceRule[] {
  if (text.includes("\u0000")) throw new CompareInputError(`${file}: this is a binary file, not a YAML tolerance file`);
  if (text.split(/[\n\r\u2028\u2029]/).every((line) => /^\s*(#|$)/.test(line))) return []; // only blank and comment lines (linear, unlike one regex)
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, logLevel: "error" });
  const at = (node: Node | null | undefined): string => {
    if (!node?.range) return file;
    const p = lc.linePos(node.range[0]);
    return `${file}:${p.line}:${p.col}`;
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const p = lc.linePos(e.pos[0]);
    throw new CompareInputError(`${file}:${p.line}:${p.col}: malformed YAML: ${e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`);
  }
  if (!isMap(doc.contents))
    throw new CompareInputError(`${at(doc.contents)}: a tolerance file is a mapping of field patterns, e.g. \`final.loss: {rtol: 1.0e-3}\``);
  const rules: ToleranceRule[] = [];
  for (const item of doc.contents.items) {
    if (!isPair(item)) continue;
    const keyNode = item.key as Node | null;
    const pattern = isScalar(keyNode) ? String(keyNode.value) : "";
    if (!isScalar(keyNode) || !/^[A-Za-z0-9_*-]+(\.[A-Za-z0-9_*-]+)*$/.test(pattern))
      throw new CompareInputError(`${at(keyNode)}: ${JSON.stringify(pattern).slice(0, 60)} is not a field pattern; use dotted names with * for any one segment, e.g. skills.*.onset`);
    const valueNode = item.value as Node | null;
    if (!isMap(valueNode))
      throw new CompareInputError(`${at(valueNode ?? keyNode)}: ${pattern}: expected a mapping like {rtol: 1.0e-6}, {atol: 2} or {ignore: true}`);
    const rule: ToleranceRule = { pattern };
    for (const sub of valueNode.items) {
      const k = isScalar(sub.key) ? String(sub.key.value) : "";
      const vNode = sub.value as Node | null;
      const v = isScalar(vNode) ? vNode.value : undefined;
      const where = `${at((vNode ?? sub.key) as Node)}: ${pattern}.${k}`;
      if (k === "rtol" || k === "atol") {
        if (typeof v !== "number" || !Number.isFinite(v) || v < 0)
          throw new CompareInputError(`${where}: must be a finite number >= 0, got ${isScalar(vNode) ? describeValue(v) : "a collection"}`);
        rule[k] = v;
      } else if (k === "ignore") {
        if (typeof v !== "boolean") throw new CompareInputError(`${where}: must be true or false`);
        rule.ignore = v;
      } else {
        throw new CompareInputError(`${at(sub.key as Node)}: ${pattern}.${k}: unknown key${suggest(k, ["rtol", "atol", "ignore"]) || "; use rtol, atol or ignore"}`);
      }
    }
    if (rule.rtol === undefined && rule.atol === undefined && rule.ignore === undefined)
      throw new CompareInputError(`${at(valueNode)}: ${pattern}: give rtol, atol or ignore`);
    rules.push(rule);
  }
  return rules;
}

/** Whether a dotted pattern matches `path` or a section containing it. */
export function patternMatches(pattern: string, path: readonly string[]): boolean {
  const segs = pattern.split(".");
  if (segs.length > path.length) return false;
  return segs.every((s, i) => globSegment(s).test(path[i]));
}

const globCache = new Map<string, RegExp>();
function globSegment(s: string): RegExp {
  let re = globCache.get(s);
  if (!re) {
    re = new RegExp(`^${s.split("*").map((x) => x.replace(/[.+?^${}()|[\]\\-]/g, "\\$&")).join(".*")}$`);
    globCache.set(s, re);
  }
  return re;
}

// ---------------------------------------------------------------------------------------
// Comparing

/** Throws CompareInputError when the two cannot be compared (kinds, configs, run ids differ). */
export function compareResults(now: ParsedResult, baseline: ParsedResult, opts: CompareOptions): Comparison {
  if (now.kind !== baseline.kind)
    throw new CompareInputError(`mismatched kinds: ${now.name} is a ${describeKind(now.kind)} but ${baseline.name} is a ${describeKind(baseline.kind)}`);
  const notes: string[] = [];
  const kind = now.kind;
  if (kind === "run") guardDepth(() => checkSameRunConfig(now, baseline, notes), now, baseline);
  if (kind === "sweep") checkSameSweep(now, baseline);
  if (kind === "fit") {
    const a = baseline.records.get("")!.form, b = now.records.get("")!.form;
    if (a !== b) throw new CompareInputError(`different fits: ${baseline.name} fits the form ${JSON.stringify(a)} but ${now.name} fits ${JSON.stringify(b)}`);
  }
  const walker = new Walker(opts);
  guardDepth(() => {
    for (const [id, base] of baseline.records) {
      walker.id = kind === "sweep" ? id : undefined;
      walker.compareRecord(base, now.records.get(id)!, kind);
    }
  }, now, baseline);
  return {
    kind,
    compared: walker.compared,
    changes: walker.changes,
    unusedPatterns: opts.rules.filter((_r, i) => !walker.used[i]).map((r) => r.pattern),
    notes,
  };
}

/** Only a hand-made file nests deeply enough to exhaust the stack (no result does): say so. */
function guardDepth(f: () => void, now: ParsedResult, baseline: ParsedResult): void {
  try {
    f();
  } catch (e) {
    if (e instanceof RangeError) throw new CompareInputError(`${now.name} or ${baseline.name} is nested too deeply to be a skillsim result`);
    throw e;
  }
}

function describeKind(k: ResultKind): string {
  return k === "run" ? "run result (run --json)" : k === "sweep" ? "sweep result (JSON Lines)" : "fit result (fit --json)";
}

function checkSameRunConfig(now: ParsedResult, baseline: ParsedResult, notes: string[]): void {
  const a = baseline.records.get("")!, b = now.records.get("")!;
  const pa = isObj(a.provenance) ? a.provenance : {}, pb = isObj(b.provenance) ? b.provenance : {};
  if (pa.skillsim !== undefined && pb.skillsim !== undefined && pa.skillsim !== pb.skillsim)
    notes.push(`${baseline.name} was made by skillsim ${String(pa.skillsim)}, ${now.name} by ${String(pb.skillsim)}`);
  // The hash settles "same config" at once; otherwise diff the configs to say which keys differ.
  if (typeof pa.config_hash === "string" && pa.config_hash === pb.config_hash) return;
  if (a.config === undefined || b.config === undefined) {
    notes.push(`${a.config === undefined ? baseline.name : now.name} has no config; comparing without checking that the configs match`);
    return;
  }
  const diffs = diffValues(a.config, b.config);
  if (diffs.length > 0)
    throw new CompareInputError(`different configs (${diffs.length} key${diffs.length === 1 ? "" : "s"}): ${listSome(diffs, 6)}; compare results of the same config (or refresh the baseline)`);
  if (pa.config_hash !== undefined && pb.config_hash !== undefined)
    notes.push(`config_hash differs (${String(pa.config_hash)} vs ${String(pb.config_hash)}) but the configs are equal; the hash scheme may have changed`);
}

function checkSameSweep(now: ParsedResult, baseline: ParsedResult): void {
  const byId = (a: string, b: string) => (/^\d+$/.test(a) && /^\d+$/.test(b) ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0);
  const missing = [...baseline.records.keys()].filter((id) => !now.records.has(id)).sort(byId);
  const extra = [...now.records.keys()].filter((id) => !baseline.records.has(id)).sort(byId);
  if (missing.length || extra.length) {
    const parts: string[] = [];
    if (missing.length) parts.push(`${now.name} lacks run id${missing.length === 1 ? "" : "s"} ${listSome(missing, 10)}`);
    if (extra.length) parts.push(`${now.name} has run id${extra.length === 1 ? "" : "s"} ${listSome(extra, 10)} that ${baseline.name} does not`);
    throw new CompareInputError(`different sweeps: ${parts.join("; ")}`);
  }
  const differing: string[] = [];
  for (const [id, base] of baseline.records) {
    const cur = now.records.get(id)!;
    if (base.config_hash === cur.config_hash) continue;
    const od = diffValues(base.overrides, cur.overrides);
    differing.push(`run ${id} (config_hash ${String(base.config_hash)} vs ${String(cur.config_hash)}${od.length ? `; overrides differ: ${listSome(od, 3)}` : "; same overrides, so the base config differs"})`);
  }
  if (differing.length) throw new CompareInputError(`different configs: ${listSome(differing, 3)}; compare sweeps of the same config (or refresh the baseline)`);
}

function listSome(items: string[], k: number): string {
  return items.length <= k ? items.join(", ") : `${items.slice(0, k).join(", ")} and ${items.length - k} more`;
}

/** Dotted keys where two JSON values differ, each with both values ("steps: 1000 vs 2000"). */
export function diffValues(a: unknown, b: unknown, path: string[] = []): string[] {
  if (isObj(a) && isObj(b)) {
    const out: string[] = [];
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) out.push(...diffValues(a[k], b[k], [...path, k]));
    return out;
  }
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  return [`${path.join(".") || "(whole value)"}: ${show(a)} vs ${show(b)}`];
}

function show(v: unknown): string {
  if (v === undefined) return "(absent)";
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** Keys never compared at the top of a record. */
const SKIP: Record<ResultKind, Set<string>> = {
  run: new Set(["provenance", "config"]),
  sweep: new Set(["provenance", "config", "id", "overrides", "config_hash"]),
  fit: new Set(["provenance"]),
};

/** List fields whose items are numbered from 1 (skill numbers): skills, trace.level. */
function oneBased(path: readonly string[]): boolean {
  return (path.length === 1 && path[0] === "skills") || (path.length === 2 && path[0] === "trace" && path[1] === "level");
}

class Walker {
  compared = 0;
  changes: Change[] = [];
  used: boolean[];
  id: string | undefined;

  constructor(private readonly opts: CompareOptions) {
    this.used = opts.rules.map(() => false);
  }

  compareRecord(base: Obj, now: Obj, kind: ResultKind): void {
    const skip = SKIP[kind];
    for (const k of new Set([...Object.keys(base), ...Object.keys(now)])) {
      if (skip.has(k)) continue;
      this.walk(base[k], now[k], [k]);
    }
  }

  /** The rule that applies at path (the last matching one), marking it used; null if none. */
  private rule(path: readonly string[]): ToleranceRule | null {
    let found: ToleranceRule | null = null;
    const rules = this.opts.rules;
    for (let i = 0; i < rules.length; i++) {
      if (patternMatches(rules[i].pattern, path)) {
        found = rules[i];
        this.used[i] = true;
      }
    }
    return found;
  }

  private walk(a: unknown, b: unknown, path: string[]): void {
    const rule = this.rule(path);
    if (rule?.ignore) return;
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length !== b.length) {
        this.compared++;
        this.change([...path, "length"], a.length, b.length, "always (lists differ in length)");
        return;
      }
      const base = oneBased(path) ? 1 : 0;
      for (let i = 0; i < a.length; i++) this.walk(a[i], b[i], [...path, String(i + base)]);
      return;
    }
    if (isObj(a) && isObj(b)) {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) this.walk(a[k], b[k], [...path, k]);
      return;
    }
    this.compared++;
    if (a === undefined || b === undefined) {
      this.change(path, a, b, "always (field missing on one side)");
      return;
    }
    if (typeof a === "number" && typeof b === "number") {
      if (a === b) return;
      if (rule === null && Number.isInteger(a) && Number.isInteger(b)) {
        this.change(path, a, b, "exact (integers)");
        return;
      }
      const rtol = rule?.rtol ?? this.opts.rtol;
      const atol = rule?.atol ?? this.opts.atol;
      if (Math.abs(b - a) <= atol + rtol * Math.abs(a)) return;
      this.change(path, a, b, `rtol ${short(rtol)}, atol ${short(atol)}`);
      return;
    }
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    const why = a === null || b === null ? "always (null vs a value)" : typeof a !== typeof b ? "always (different types)" : "exact";
    this.change(path, a, b, why);
  }

  private change(path: string[], a: unknown, b: unknown, tolerance: string): void {
    const num = typeof a === "number" && typeof b === "number";
    this.changes.push({
      ...(this.id !== undefined ? { id: this.id } : {}),
      field: path.join("."),
      baseline: a,
      now: b,
      rel: num && a !== 0 ? (b - a) / Math.abs(a) : null,
      abs: num ? b - a : null,
      tolerance,
    });
  }
}

/** A tolerance as people write it: 1e-6, 0.01, 2. */
function short(x: number): string {
  return x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6) ? x.toExponential() : String(x);
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

