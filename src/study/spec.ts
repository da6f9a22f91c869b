/**
 * A study: which runs (one config's sweep, or several configs overlaid), what to compute from
 * each run, how to group and aggregate them, which fits and calibrations to make, and which
 * figures to draw. Read from a `study:` block, either in a config with a `sweep:` block or in
 * a study file that names several configs:
 *
 *   study:
 *     configs: {signgd: fig4-signgd.yaml, sgd: fig4-sgd.yaml}   # study file only (paths relative to it)
 *     derive: {ratio: "skills[2].learned / skills[1].learned"}  # per-run quantities (src/study/expr.ts)
 *     group: [config, skills.frequencies]                       # default: swept keys but seed, and config
 *     fit: {x: params, y: final.loss, by: [skills.frequencies.zipf], fix_E: 0, bootstrap: 100}
 *     calibrate: {model: resource}                               # per run: N0 (and what else `calibrate` fits)
 *     figures: [{name: ratio, data: groups, x: skills.frequencies, y: ratio, color: config}]
 *     # curves: one row per run, recorded step and skill (step, skill, task, level, loss, skill_loss, aligned)
 *     figures: [{name: l, data: curves, x: step, y: skill_loss, color: skill, select: {seed: 0}, log: [y]}]
 *
 * Every expression is parsed and every field it reads checked against the first run of each
 * config before anything runs: a bad one is one ConfigError naming file:line:col and the key.
 * Pure: text in, a checked plan out.
 */
import { dirname, join, isAbsolute, basename } from "node:path";
import { LineCounter, isMap, parseDocument, type Node } from "yaml";
import { ConfigError, loadConfig } from "../config/load.js";
import { suggest } from "../config/errors.js";
import type { Config } from "../config/schema.js";
import { calibratedModels, defaultModel, modelSpec } from "../models/index.js";
import { planSweep, type SweepPlan } from "../sweep/grid.js";
import { ExprError, parseExpr, pathsOf, type Expr, type Seg } from "./expr.js";

/** One config whose runs the study reads. */
export interface StudySource {
  /** `config` column value (the key in `configs:`, or the config file's name). */
  label: string;
  /** Path as given (relative paths resolved against the study file's folder). */
  path: string;
  plan: SweepPlan;
}

export interface Quantity {
  name: string;
  src: string;
  expr: Expr;
  where: string;
}

export interface FitSpec {
  x: Quantity;
  y: Quantity;
  by: string[];
  fixE: number | null;
  bootstrap: number;
  /** `range: [lo, hi]`: fit only the runs with lo <= x <= hi (a fitting window, as the paper's Fig 10 fits N 40-220); null: every run. */
  range: [number, number] | null;
  where: string;
}

/**
 * `compare: {key: config, num: random, den: modular, of: [final_loss]}`: each quantity of a
 * `num` run over that of its `den` partner (the run with the same values of the other group
 * keys and the same seed), aggregated over the pairs like a group's quantity: Fig 18's modular
 * speedup (non-modular loss / modular loss).
 */
export interface CompareSpec {
  key: string;
  num: string | number;
  den: string | number;
  of: string[];
  where: string;
}

export interface CalibrateSpec {
  model: string; // a model calibrate fits (src/models/index.ts calibratedModels)
  fit?: string[];
  where: string;
}

export type FigureData = "runs" | "groups" | "fits" | "calibration" | "curves" | "compare";

/** Columns of the `curves` table (long format, one row per run, recorded step and skill), after the run's keys. */
export const CURVE_COLUMNS = ["step", "skill", "task", "level", "loss", "skill_loss", "aligned"] as const;
export interface FigureSpec {
  name: string;
  title?: string;
  data: FigureData;
  mark: "line" | "point" | "bar";
  x: string;
  y: string;
  color?: string;
  column?: string;
  logX: boolean;
  logY: boolean;
  /** Only the rows whose columns have these values (a value or a list of values each). */
  select: Record<string, unknown[]>;
  /** The x range drawn ([lo, hi]); --xlim overrides it. */
  xlim?: [number, number];
  /** `fit_lines: true`: the study's fitted power laws drawn as lines over the points (x and y the fit's, colour and panel its groups). */
  fitLines?: boolean;
  where: string;
}

/** A check of `skillsim paper`: one number of the paper (or the authors' code) against the study's. */
export interface PaperCheck {
  quantity: string;
  /** Group (or fit) row to read: key -> value. */
  row: Record<string, unknown>;
  /** `groups` (a quantity's mean over seeds), `fits` (a fit parameter) or `compare` (a ratio's mean over paired seeds). */
  table: "groups" | "fits" | "compare";
  /** Column: a quantity name (groups) or alpha/A/E (fits). */
  column: string;
  value: number;
  source: string;
  /** Where the value was read: the paper's `text`, a `figure` (read off a plot), a `notebook`'s printed output, or the authors' `code` re-run. */
  provenance: Provenance;
  tolerance: { abs?: number; rel?: number };
  /**
   * `reduced: WHY`: this study runs a reduced version of the paper's (fewer steps, seeds or sizes)
   * and, for this number, the reduction is known to matter (WHY says how, with the full-size
   * measurement): its verdict is "not comparable", never "ok" or "differs", and it does not fail
   * `skillsim paper`. The full-size study (configs/paper/full/) checks the number itself. Null:
   * the reduced value is comparable.
   */
  reduced: string | null;
  where: string;
}

export const PROVENANCES = ["text", "figure", "notebook", "code"] as const;
export type Provenance = (typeof PROVENANCES)[number];

export interface Study {
  file: string;
  sources: StudySource[];
  quantities: Quantity[];
  group: string[];
  fit: FitSpec | null;
  compare: CompareSpec | null;
  calibrate: CalibrateSpec | null;
  figures: FigureSpec[];
  /** `slow: true`: real-network runs of minutes each, which `skillsim paper` runs only when named or with --all. */
  /**
   * `drawn`: figures of a study with checks that no reference number covers (a panel the paper
   * draws with no number given), listed by `skillsim paper` as "drawn, no reference" beside the
   * checks. A study without checks lists every figure it draws so.
   */
  paper: { figure: string; title: string; slow: boolean; checks: PaperCheck[]; drawn: string[] } | null;
}

/** Fields of a run's skill (skills[k].<field>). */
export const SKILL_FIELDS = ["index", "frequency", "onset", "half", "learned", "final"] as const;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = ["config", "id", "seed", "final_loss"];

/** Read a config into text for a source; given by the CLI (files) or tests (strings). */
export type ReadText = (path: string) => string;

/**
 * A config's plan: its sweep, or (without a sweep block) one run, the config as `run` runs it
 * (a sweep of its own seed, which gives that same config).
 */
export function planOf(text: string, file: string): SweepPlan {
  const base = loadConfig(text, { file });
  if (base.sweep) return planSweep(text, { file });
  return planSweep(`${text.replace(/\s*$/, "")}\nsweep:\n  seed: [${base.seed}]\n`, { file });
}

/** Parse and check a study (see the file comment). */
export function parseStudy(text: string, file: string, read: ReadText): Study {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, merge: false, logLevel: "error" });
  if (doc.errors.length > 0) {
    const p = lc.linePos(doc.errors[0].pos[0]);
    throw new ConfigError(`malformed YAML: ${doc.errors[0].message.split("\n")[0]}`, `${file}:${p.line}:${p.col}`);
  }
  if (!isMap(doc.contents)) throw new ConfigError("a study must be a mapping with a `study:` block", `${file}:1:1`);
  const at = (path: (string | number)[]): string => {
    // A key of a mapping: where the key is written (its value may start on a later line).
    const parent = path.length > 0 ? doc.getIn(path.slice(0, -1), true) : null;
    if (isMap(parent)) {
      const pair = parent.items.find((it) => (it.key as { value?: unknown } | null)?.value === path[path.length - 1]);
      const k = pair?.key as Node | undefined;
      if (k?.range) {
        const p = lc.linePos(k.range[0]);
        return `${file}:${p.line}:${p.col}`;
      }
    }
    let node: unknown = doc.getIn(path, true);
    for (let k = path.length; (node === undefined || node === null) && k > 0; k--) node = doc.getIn(path.slice(0, k - 1), true);
    const n = node as Node | undefined;
    if (!n?.range) return file;
    const p = lc.linePos(n.range[0]);
    return `${file}:${p.line}:${p.col}`;
  };
  const all = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
  const st = all.study;
  if (!isObj(st)) throw new ConfigError("missing or empty `study:` block (a mapping: derive, group, fit, calibrate, figures)", at(["study"]), "study");
  const known = ["configs", "derive", "group", "fit", "compare", "calibrate", "figures"];
  for (const k of Object.keys(st)) if (!known.includes(k)) throw new ConfigError(`unknown key; a study has ${known.join(", ")}${suggest(k, known)}`, at(["study", k]), `study.${k}`);

  // The runs: this config's sweep, or the configs a study file names.
  const sources: StudySource[] = [];
  const isConfig = "model" in all;
  for (const k of Object.keys(all)) {
    if (!isConfig && !["study", "paper"].includes(k)) throw new ConfigError(`unknown key in a study file (it has study and paper; a config with a study block needs model:)`, at([k]), k);
  }
  if (isConfig) {
    if (st.configs !== undefined) throw new ConfigError("a config's own study reads its own runs; `configs:` belongs in a study file without model:", at(["study", "configs"]), "study.configs");
    sources.push({ label: basename(file).replace(/\.ya?ml$/i, ""), path: file, plan: planOf(text, file) });
  } else {
    const list = st.configs;
    const entries: [string, unknown, (string | number)[]][] = Array.isArray(list)
      ? list.map((p, i) => [typeof p === "string" ? basename(p).replace(/\.ya?ml$/i, "") : String(i), p, ["study", "configs", i]])
      : isObj(list) ? Object.entries(list).map(([k, p]) => [k, p, ["study", "configs", k]]) : [];
    if (entries.length === 0) throw new ConfigError("a study file needs `configs:`, a list of config files or a mapping label -> file", at(["study", "configs"]), "study.configs");
    const seen = new Set<string>();
    for (const [label, p, path] of entries) {
      if (typeof p !== "string" || p === "") throw new ConfigError("expected a config file name", at(path), path.join("."));
      if (seen.has(label)) throw new ConfigError(`two configs are labelled ${label}; give them labels (configs: {a: x.yaml, b: y.yaml})`, at(path), path.join("."));
      seen.add(label);
      const resolved = isAbsolute(p) || file === "<stdin>" ? p : join(dirname(file), p);
      let ctext: string;
      try {
        ctext = read(resolved);
      } catch (e) {
        throw new ConfigError(`cannot read ${resolved}: ${(e as Error).message}`, at(path), path.join("."));
      }
      sources.push({ label, path: resolved, plan: planOf(ctext, resolved) });
    }
  }
  const firstCfgs = sources.map((s) => s.plan.run(0).cfg);
  const sweptKeys = [...new Set(sources.flatMap((s) => s.plan.keys.map((k) => k.key)))];

  // Derived quantities (final_loss always).
  const quantities: Quantity[] = [];
  const addQuantity = (name: string, src: unknown, path: (string | number)[]): Quantity => {
    const where = at(path);
    const key = path.join(".");
    if (typeof src !== "string" && typeof src !== "number") throw new ConfigError("expected an expression such as skills[2].learned / skills[1].learned", where, key);
    let expr: Expr;
    try {
      expr = parseExpr(String(src));
    } catch (e) {
      if (e instanceof ExprError) throw new ConfigError(`${e.message} (character ${e.pos + 1} of ${JSON.stringify(String(src))})`, where, key);
      throw e;
    }
    for (const p of pathsOf(expr)) {
      const problem = checkPath(p.segs, firstCfgs, quantities.map((q) => q.name));
      if (problem) throw new ConfigError(`${p.text}: ${problem}`, where, key);
    }
    return { name, src: String(src), expr, where };
  };
  quantities.push(addQuantity("final_loss", "final.loss", ["study"]));
  if (st.derive !== undefined) {
    if (!isObj(st.derive)) throw new ConfigError("expected a mapping name -> expression", at(["study", "derive"]), "study.derive");
    for (const [name, src] of Object.entries(st.derive)) {
      if (!NAME.test(name) || RESERVED.includes(name)) throw new ConfigError(`a quantity's name must be a word (letters, digits, _) other than ${RESERVED.join(", ")}`, at(["study", "derive", name]), `study.derive.${name}`);
      quantities.push(addQuantity(name, src, ["study", "derive", name]));
    }
  }

  // Grouping keys: swept keys (or any config key) and `config`.
  const groupKey = (k: unknown, path: (string | number)[]): string => {
    if (typeof k !== "string") throw new ConfigError("expected a config key (dotted) or config", at(path), path.join("."));
    if (k === "config") return k;
    if (sweptKeys.includes(k)) return k;
    if (firstCfgs.every((c) => getPath(c, k.split(".")) !== undefined)) return k;
    throw new ConfigError(`${k} is neither a swept key (${sweptKeys.join(", ")}) nor a config key${suggest(k, sweptKeys)}`, at(path), path.join("."));
  };
  let group: string[];
  if (st.group !== undefined) {
    const g = Array.isArray(st.group) ? st.group : [st.group];
    group = g.map((k, i) => groupKey(k, Array.isArray(st.group) ? ["study", "group", i] : ["study", "group"]));
  } else {
    group = [...(sources.length > 1 ? ["config"] : []), ...sweptKeys.filter((k) => k !== "seed")];
  }

  // Fit: a power law y = A x^-alpha (+ E) per group of `by`.
  let fit: FitSpec | null = null;
  if (st.fit !== undefined) {
    const f = st.fit;
    if (!isObj(f)) throw new ConfigError("expected {x: ..., y: ..., by: [...]}", at(["study", "fit"]), "study.fit");
    const fitKeys = ["x", "y", "by", "fix_E", "bootstrap", "range"];
    for (const k of Object.keys(f)) if (!fitKeys.includes(k)) throw new ConfigError(`unknown key; fit has ${fitKeys.join(", ")}${suggest(k, fitKeys)}`, at(["study", "fit", k]), `study.fit.${k}`);
    if (f.x === undefined) throw new ConfigError("missing x (e.g. params)", at(["study", "fit"]), "study.fit.x");
    const byRaw = f.by === undefined ? [] : Array.isArray(f.by) ? f.by : [f.by];
    const fixE = f.fix_E === undefined || f.fix_E === null ? null : Number(f.fix_E);
    if (fixE !== null && !(Number.isFinite(fixE) && fixE >= 0)) throw new ConfigError("fix_E must be a number >= 0 (0: a pure power law)", at(["study", "fit", "fix_E"]), "study.fit.fix_E");
    const K = f.bootstrap === undefined ? 100 : Number(f.bootstrap);
    if (!Number.isInteger(K) || K < 0 || K > 100000) throw new ConfigError("bootstrap must be a whole number of resamples (0: none)", at(["study", "fit", "bootstrap"]), "study.fit.bootstrap");
    let range: [number, number] | null = null;
    if (f.range !== undefined) {
      const r = f.range;
      if (!Array.isArray(r) || r.length !== 2 || !r.every((v) => typeof v === "number" && Number.isFinite(v)) || !((r[0] as number) < (r[1] as number))) throw new ConfigError("range: [lo, hi], two numbers with lo < hi (fit only the runs with lo <= x <= hi)", at(["study", "fit", "range"]), "study.fit.range");
      range = [r[0] as number, r[1] as number];
    }
    fit = {
      x: addQuantity("x", f.x, ["study", "fit", "x"]),
      y: addQuantity("y", f.y ?? "final.loss", ["study", "fit", f.y === undefined ? "x" : "y"]),
      by: byRaw.map((k, i) => groupKey(k, Array.isArray(f.by) ? ["study", "fit", "by", i] : ["study", "fit", "by"])),
      fixE, bootstrap: K, range, where: at(["study", "fit"]),
    };
  }

  let compare: CompareSpec | null = null;
  if (st.compare !== undefined) {
    const c = st.compare;
    const cp = ["study", "compare"];
    const ck = ["key", "num", "den", "of"];
    if (!isObj(c)) throw new ConfigError("expected {key: config, num: LABEL, den: LABEL, of: [quantity, ...]}", at(cp), "study.compare");
    for (const k of Object.keys(c)) if (!ck.includes(k)) throw new ConfigError(`unknown key; compare has ${ck.join(", ")}${suggest(k, ck)}`, at([...cp, k]), `study.compare.${k}`);
    const key = String(c.key ?? "config");
    if (!group.includes(key)) throw new ConfigError(`key ${JSON.stringify(key)} must be one of the study's group keys (${group.join(", ") || "none"})`, at([...cp, c.key === undefined ? "num" : "key"]), "study.compare.key");
    for (const side of ["num", "den"] as const) {
      const v = c[side];
      if (typeof v !== "string" && typeof v !== "number") throw new ConfigError(`${side}: the value of ${key} on that side of the ratio (e.g. a config label)`, at([...cp, side]), `study.compare.${side}`);
      if (key === "config" && !sources.some((s) => s.label === v)) throw new ConfigError(`${side}: ${JSON.stringify(v)} is not a config of this study (${sources.map((s) => s.label).join(", ")})${suggest(String(v), sources.map((s) => s.label))}`, at([...cp, side]), `study.compare.${side}`);
    }
    if (c.num === c.den) throw new ConfigError(`num and den are both ${JSON.stringify(c.num)}: every ratio would be 1; name two different values of ${key}`, at([...cp, "den"]), "study.compare.den");
    const ofRaw = c.of === undefined ? ["final_loss"] : Array.isArray(c.of) ? c.of : [c.of];
    const qnames = quantities.map((q) => q.name);
    const of = ofRaw.map((q, i) => {
      const path = Array.isArray(c.of) ? [...cp, "of", i] : [...cp, "of"];
      if (typeof q !== "string" || !qnames.includes(q)) throw new ConfigError(`${JSON.stringify(q)} is not a quantity of this study (${qnames.join(", ")})${suggest(String(q), qnames)}`, at(path), path.join("."));
      return q;
    });
    compare = { key, num: c.num as string | number, den: c.den as string | number, of, where: at(cp) };
  }

  let calibrate: CalibrateSpec | null = null;
  if (st.calibrate !== undefined) {
    const c = st.calibrate === null || st.calibrate === true ? {} : st.calibrate;
    if (!isObj(c)) throw new ConfigError("expected {model: resource} (or {} for the defaults)", at(["study", "calibrate"]), "study.calibrate");
    for (const k of Object.keys(c)) if (!["model", "fit"].includes(k)) throw new ConfigError(`unknown key; calibrate has model, fit${suggest(k, ["model", "fit"])}`, at(["study", "calibrate", k]), `study.calibrate.${k}`);
    const model = c.model ?? defaultModel;
    if (!calibratedModels.includes(model)) throw new ConfigError(`model must be ${calibratedModels.join(" or ")}, got ${JSON.stringify(model)}`, at(["study", "calibrate", "model"]), "study.calibrate.model");
    const fitNames = c.fit === undefined ? undefined : (Array.isArray(c.fit) ? c.fit : [c.fit]).map(String);
    calibrate = { model, fit: fitNames, where: at(["study", "calibrate"]) };
  }

  const columnsOf = (data: FigureData): string[] => {
    const qs = quantities.map((q) => q.name);
    if (data === "runs") return ["config", "id", "seed", ...sweptKeys.filter((k) => k !== "seed"), ...qs, ...(calibrate ? ["N0", "rate", "t0", "tau", "calibration_rmse"] : [])];
    if (data === "groups") return [...group, "runs", ...qs, ...(calibrate ? ["N0", "rate", "t0", "tau", "calibration_rmse"] : [])];
    if (data === "fits") return [...(fit?.by ?? []), "n", "A", "alpha", "alpha_lo", "alpha_hi", "E", "rmse_log"];
    if (data === "curves") return ["config", "id", "seed", ...sweptKeys.filter((k) => k !== "seed"), ...CURVE_COLUMNS];
    if (data === "compare") return [...group.filter((k) => k !== compare?.key), "pairs", ...(compare?.of ?? []).map((q) => `${q}_ratio`)];
    return ["config", "id", "seed", ...sweptKeys.filter((k) => k !== "seed"), "N0", "rate", "t0", "tau", "calibration_rmse"];
  };
  const figures: FigureSpec[] = [];
  if (st.figures !== undefined) {
    if (!Array.isArray(st.figures)) throw new ConfigError("expected a list of figures", at(["study", "figures"]), "study.figures");
    st.figures.forEach((f, i) => {
      const p = ["study", "figures", i];
      if (!isObj(f)) throw new ConfigError("expected {name, data, x, y, ...}", at(p), p.join("."));
      const fk = ["name", "title", "data", "mark", "x", "y", "color", "column", "log", "select", "xlim", "fit_lines"];
      for (const k of Object.keys(f)) if (!fk.includes(k)) throw new ConfigError(`unknown key; a figure has ${fk.join(", ")}${suggest(k, fk)}`, at([...p, k]), `${p.join(".")}.${k}`);
      const data = (f.data ?? "groups") as FigureData;
      if (!["runs", "groups", "fits", "calibration", "curves", "compare"].includes(data)) throw new ConfigError("data must be runs, groups, fits, calibration, curves or compare", at([...p, "data"]), `${p.join(".")}.data`);
      if (data === "fits" && !fit) throw new ConfigError("data: fits needs a fit: block", at([...p, "data"]), `${p.join(".")}.data`);
      if (data === "compare" && !compare) throw new ConfigError("data: compare needs a compare: block", at([...p, "data"]), `${p.join(".")}.data`);
      if (data === "calibration" && !calibrate) throw new ConfigError("data: calibration needs a calibrate: block", at([...p, "data"]), `${p.join(".")}.data`);
      const cols = columnsOf(data);
      const col = (k: string): string | undefined => {
        const v = f[k];
        if (v === undefined) return undefined;
        if (typeof v !== "string" || !cols.includes(v)) throw new ConfigError(`${JSON.stringify(v)} is not a column of the ${data} table (${cols.join(", ")})${suggest(String(v), cols)}`, at([...p, k]), `${p.join(".")}.${k}`);
        return v;
      };
      const name = typeof f.name === "string" && /^[A-Za-z0-9_-]+$/.test(f.name) ? f.name : null;
      if (!name) throw new ConfigError("a figure needs a name (letters, digits, - and _: its file name)", at([...p, "name"]), `${p.join(".")}.name`);
      if (figures.some((g) => g.name === name)) throw new ConfigError(`two figures are named ${name}`, at([...p, "name"]), `${p.join(".")}.name`);
      const mark = (f.mark ?? "line") as FigureSpec["mark"];
      if (!["line", "point", "bar"].includes(mark)) throw new ConfigError("mark must be line, point or bar", at([...p, "mark"]), `${p.join(".")}.mark`);
      const log = f.log === undefined ? [] : Array.isArray(f.log) ? f.log : [f.log];
      for (const a of log) if (a !== "x" && a !== "y") throw new ConfigError("log lists the axes drawn on a log scale: [x], [y] or [x, y]", at([...p, "log"]), `${p.join(".")}.log`);
      const x = col("x"), y = col("y");
      if (!x || !y) throw new ConfigError("a figure needs x and y (columns of its table)", at(p), p.join("."));
      const select: Record<string, unknown[]> = {};
      if (f.select !== undefined) {
        if (!isObj(f.select)) throw new ConfigError("select: a mapping column -> value (or a list of values), e.g. {seed: 0}", at([...p, "select"]), `${p.join(".")}.select`);
        for (const [k, v] of Object.entries(f.select)) {
          if (!cols.includes(k)) throw new ConfigError(`${JSON.stringify(k)} is not a column of the ${data} table (${cols.join(", ")})${suggest(k, cols)}`, at([...p, "select", k]), `${p.join(".")}.select.${k}`);
          const vs = Array.isArray(v) && !(k !== "config" && sweptKeys.includes(k) && !Array.isArray(v[0]) && v.length > 0 && looksLikeListValue(firstCfgs, k)) ? v : [v];
          if (vs.length === 0) throw new ConfigError("select lists no value: it would keep no row", at([...p, "select", k]), `${p.join(".")}.select.${k}`);
          select[k] = vs;
        }
      }
      let xlim: [number, number] | undefined;
      if (f.xlim !== undefined) {
        const v = f.xlim;
        if (!Array.isArray(v) || v.length !== 2 || !v.every((z) => typeof z === "number" && Number.isFinite(z)) || !(v[0] < v[1])) throw new ConfigError("xlim: [lo, hi], two numbers with lo < hi", at([...p, "xlim"]), `${p.join(".")}.xlim`);
        xlim = [v[0], v[1]];
      }
      let fitLines = false;
      if (f.fit_lines !== undefined) {
        const fp = [...p, "fit_lines"];
        if (typeof f.fit_lines !== "boolean") throw new ConfigError("fit_lines: true or false", at(fp), fp.join("."));
        fitLines = f.fit_lines;
        if (fitLines) {
          // The lines are y = E + A x^-alpha of each fit group: the figure's x and y must be the
          // fit's, and each line must have one colour and panel (the fit's by = the figure's color and column).
          if (!fit) throw new ConfigError("fit_lines needs the study's fit: block", at(fp), fp.join("."));
          if (data !== "groups" && data !== "runs") throw new ConfigError("fit_lines draws a fit over points: data must be groups or runs", at(fp), fp.join("."));
          const yq = quantities.find((q) => q.name === y);
          if (x !== fit.x.src || !yq || yq.src !== fit.y.src) throw new ConfigError(`fit_lines: the figure's x and y must be the fit's (x: ${fit.x.src}, y: the quantity ${fit.y.src}), got x: ${x}, y: ${y}`, at(fp), fp.join("."));
          const keys = [col("color"), col("column")].filter((k): k is string => k !== undefined);
          if (keys.length !== fit.by.length || !fit.by.every((k) => keys.includes(k))) throw new ConfigError(`fit_lines: the figure's color and column must be the fit's by (${fit.by.join(", ") || "none"}), got ${keys.join(", ") || "none"}`, at(fp), fp.join("."));
        }
      }
      figures.push({ name, title: typeof f.title === "string" ? f.title : undefined, data, mark, x, y, color: col("color"), column: col("column"), logX: log.includes("x"), logY: log.includes("y"), select, xlim, fitLines, where: at(p) });
    });
  }

  const paper = isConfig ? null : parsePaper(all.paper, at, quantities.map((q) => q.name), group, fit, compare, figures.map((f) => f.name));
  return { file, sources, quantities, group, fit, compare, calibrate, figures, paper };
}

/** The keys of a paper check. */
const CHECK_KEYS = ["quantity", "row", "table", "column", "value", "source", "provenance", "tolerance", "reduced"];

function parsePaper(v: unknown, at: (p: (string | number)[]) => string, qs: string[], group: string[], fit: FitSpec | null, compare: CompareSpec | null, figureNames: string[]): Study["paper"] {
  if (v === undefined) return null;
  if (!isObj(v)) throw new ConfigError("expected {figure, title, checks: [...]}", at(["paper"]), "paper");
  const checks: PaperCheck[] = [];
  const list = v.checks === undefined ? [] : v.checks;
  if (!Array.isArray(list)) throw new ConfigError("expected a list of checks", at(["paper", "checks"]), "paper.checks");
  list.forEach((c, i) => {
    const p = ["paper", "checks", i];
    const key = p.join(".");
    if (!isObj(c)) throw new ConfigError("expected {quantity, row, column, value, source, provenance, tolerance}", at(p), key);
    const table = (c.table ?? "groups") as "groups" | "fits" | "compare";
    if (table !== "groups" && table !== "fits" && table !== "compare") throw new ConfigError("table must be groups, fits or compare", at([...p, "table"]), `${key}.table`);
    if (table === "compare" && !compare) throw new ConfigError("table: compare needs the study's compare: block", at([...p, "table"]), `${key}.table`);
    const column = String(c.column ?? "");
    const cols = table === "groups" ? [...qs, "N0", "rate", "t0", "tau", "calibration_rmse"] : table === "fits" ? ["alpha", "A", "E"] : compare!.of.map((q) => `${q}_ratio`);
    if (!cols.includes(column)) throw new ConfigError(`column ${JSON.stringify(column)} is not one of ${cols.join(", ")}${suggest(column, cols)}`, at([...p, "column"]), `${key}.column`);
    if (table === "fits" && !fit) throw new ConfigError("table: fits needs the study's fit: block", at([...p, "table"]), `${key}.table`);
    const row = c.row ?? {};
    if (!isObj(row)) throw new ConfigError("row: a mapping group key -> value", at([...p, "row"]), `${key}.row`);
    const keys = table === "groups" ? group : table === "fits" ? fit!.by : group.filter((k) => k !== compare!.key);
    for (const k of Object.keys(row)) if (!keys.includes(k)) throw new ConfigError(`${k} is not a key of the ${table} table (${keys.join(", ")})`, at([...p, "row", k]), `${key}.row.${k}`);
    const value = c.value;
    if (typeof value !== "number" || !Number.isFinite(value)) throw new ConfigError("value: the paper's (or the authors' code's) number", at([...p, "value"]), `${key}.value`);
    if (typeof c.source !== "string" || c.source.trim() === "") throw new ConfigError("source: where the value comes from (the paper's text or figure, or the authors' notebook/code)", at([...p, "source"]), `${key}.source`);
    const prov = c.provenance;
    if (typeof prov !== "string" || !(PROVENANCES as readonly string[]).includes(prov)) throw new ConfigError(`provenance: where the value was read, one of ${PROVENANCES.join(", ")} (the paper's text, a figure read off its plot, a notebook's printed output, the authors' code re-run)${typeof prov === "string" ? suggest(prov, [...PROVENANCES]) : ""}`, at([...p, prov === undefined ? "source" : "provenance"]), `${key}.provenance`);
    const tol = c.tolerance;
    if (!isObj(tol) || (typeof tol.abs !== "number" && typeof tol.rel !== "number")) throw new ConfigError("tolerance: {abs: X} or {rel: X}", at([...p, "tolerance"]), `${key}.tolerance`);
    const reduced = c.reduced;
    if (reduced !== undefined && (typeof reduced !== "string" || reduced.trim() === ""))
      throw new ConfigError("reduced: a sentence saying why this study's reduced size cannot be compared with this number (and what the full size gives)", at([...p, "reduced"]), `${key}.reduced`);
    for (const k of Object.keys(c)) if (!CHECK_KEYS.includes(k)) throw new ConfigError(`unknown key; a check has ${CHECK_KEYS.join(", ")}${suggest(k, CHECK_KEYS)}`, at([...p, k]), `${key}.${k}`);
    checks.push({ quantity: String(c.quantity ?? column), row, table, column, value, source: c.source, provenance: prov as Provenance, tolerance: { abs: tol.abs as number | undefined, rel: tol.rel as number | undefined }, reduced: typeof reduced === "string" ? reduced.trim() : null, where: at(p) });
  });
  if (v.slow !== undefined && typeof v.slow !== "boolean") throw new ConfigError("slow: true or false", at(["paper", "slow"]), "paper.slow");
  const drawnRaw = v.drawn === undefined ? [] : Array.isArray(v.drawn) ? v.drawn : [v.drawn];
  const drawn = drawnRaw.map((name, i) => {
    const path = Array.isArray(v.drawn) ? ["paper", "drawn", i] : ["paper", "drawn"];
    if (typeof name !== "string" || !figureNames.includes(name)) throw new ConfigError(`${JSON.stringify(name)} is not a figure of this study (${figureNames.join(", ") || "it draws none"})${suggest(String(name), figureNames)}`, at(path), path.join("."));
    return name;
  });
  for (const k of Object.keys(v)) if (!["figure", "title", "slow", "checks", "drawn"].includes(k)) throw new ConfigError(`unknown key; paper has figure, title, slow, checks, drawn${suggest(k, ["figure", "title", "slow", "checks", "drawn"])}`, at(["paper", k]), `paper.${k}`);
  return { figure: String(v.figure ?? ""), title: String(v.title ?? ""), slow: v.slow === true, checks, drawn };
}

/**
 * Whether a path names a field of every config's runs: null if so, else why not. Runs have
 * id, seed, final.loss, skills[k].<field> (k from 1), summary.<field> or summary.<field>[k]
 * (checkSummaryPath) and every key of their config (bare, or under config.); a derived
 * quantity defined earlier may be used by name.
 */
export function checkPath(segs: Seg[], cfgs: Config[], earlier: string[]): string | null {
  const head = segs[0];
  if (head.kind !== "name") return "a field name must come first";
  if (segs.length === 1 && (head.name === "id" || head.name === "seed" || earlier.includes(head.name))) return null;
  if (head.name === "final") {
    if (segs.length === 2 && segs[1].kind === "name" && segs[1].name === "loss") return null;
    return "unknown field; a run has final.loss";
  }
  if (head.name === "skills" && segs[1]?.kind === "index") {
    const k = segs[1].index;
    const counts = cfgs.map(skillCount);
    if (k < 1) return "skills are numbered from 1 (skills[1] is the first skill)";
    const min = Math.min(...counts);
    if (k > min) return `unknown field: the runs have ${min} skill${min === 1 ? "" : "s"}`;
    const f = segs[2];
    if (segs.length !== 3 || f.kind !== "name" || !(SKILL_FIELDS as readonly string[]).includes(f.name))
      return `unknown field; a skill has ${SKILL_FIELDS.join(", ")}${f?.kind === "name" ? suggest(f.name, SKILL_FIELDS) : ""}`;
    return null;
  }
  if (head.name === "summary") return checkSummaryPath(segs, cfgs);
  const cfgSegs = head.name === "config" ? segs.slice(1) : segs;
  const keys = cfgSegs.map((s) => (s.kind === "index" ? s.index : s.name));
  for (const c of cfgs) {
    const v = getPath(c, keys);
    if (v === undefined) {
      const top = Object.keys(c);
      return `unknown field; a run has id, seed, final.loss, skills[k].${"{" + SKILL_FIELDS.join(",") + "}"}, summary.<field>, earlier quantities and its config's keys (${top.join(", ")})${suggest(String(keys[0]), [...top, "final", "skills", "summary", "id", "seed", ...earlier])}`;
    }
    if (typeof v !== "number" && typeof v !== "boolean") return `is not a number in ${c.title ? `"${c.title}"` : "the config"} (it is ${Array.isArray(v) ? "a list" : typeof v}); name one of its numbers`;
  }
  return null;
}

/**
 * A summary path: `summary.a.b` (one number) or `summary.a.b[k]` (entry k, from 1, of a list).
 * Split into its dotted field and the index (null without one); a problem as a string.
 */
export function summaryField(segs: Seg[]): { field: string; index: number | null } | string {
  const names: string[] = [];
  let index: number | null = null;
  for (let i = 1; i < segs.length; i++) {
    const s = segs[i];
    if (s.kind === "name" && index === null) names.push(s.name);
    else if (s.kind === "index" && index === null && names.length > 0 && i === segs.length - 1) index = s.index;
    else return "a summary path is summary.<field> or summary.<field>[k] (one list entry, k from 1, last)";
  }
  if (names.length === 0) return "name a number of the run's summary: summary.<field>";
  return { field: names.join("."), index };
}

/**
 * Whether a summary path names a number of every config's runs, as far as their models declare
 * their summaries (ModelSpec.summaryFields): null if so (or if a model declares none: then it is
 * resolved per run, empty when absent), else why not.
 */
function checkSummaryPath(segs: Seg[], cfgs: Config[]): string | null {
  const sf = summaryField(segs);
  if (typeof sf === "string") return sf;
  const { field, index } = sf;
  for (const c of cfgs) {
    const fields = modelSpec(c.model).summaryFields?.(c as never);
    if (!fields) continue;
    const names = Object.keys(fields);
    const where = c.title ? `"${c.title}"` : `a ${c.model} run`;
    if (!Object.hasOwn(fields, field)) {
      const shown = names.map((k) => (fields[k] === null ? k : `${k}[k]`));
      return `unknown field; the summary of ${where} has ${shown.join(", ")}${suggest(field, names)}`;
    }
    const n = fields[field];
    if (n === null && index !== null) return `summary.${field} is one number in ${where}, not a list: drop the [${index}]`;
    if (n !== null && index === null) return `summary.${field} is a list of ${n} number${n === 1 ? "" : "s"} in ${where}: name one, summary.${field}[k], k from 1`;
    if (n !== null && index !== null) {
      if (index < 1) return `summary list entries are numbered from 1 (summary.${field}[1] is the first)`;
      if (index > n) return `unknown field: summary.${field} has ${n} entr${n === 1 ? "y" : "ies"} in ${where} (numbered from 1)`;
    }
  }
  return null;
}

/** The number of skills a config's runs report. */
export function skillCount(cfg: Config): number {
  const s = (cfg as { skills?: { count?: number; frequencies?: unknown } }).skills;
  if (s && typeof s.count === "number") return s.count;
  if (s && Array.isArray(s.frequencies)) return s.frequencies.length;
  return 0;
}

/** The value at a dotted path (keys, or array indices from 0) of a config, or undefined. */
export function getPath(obj: unknown, keys: (string | number)[]): unknown {
  let v: unknown = obj;
  for (const k of keys) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}


function isObj(v: unknown): v is Record<string, any> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Whether a key's value in the configs is a list (then `select: {key: [1, 2]}` is one value, not two). */
function looksLikeListValue(cfgs: Config[], key: string): boolean {
  return cfgs.some((c) => Array.isArray(getPath(c, key.split("."))));
}
