/**
 * Calibration: fit a toy model (Resource or Domino) to observed skill curves.
 *
 *   objective  MSE(theta) = sum_c w_c sum_k (m_i(t_k; theta) - o_c(t_k))^2 / sum_c w_c n_c
 *              over every recorded point (t_k, o_c(t_k)) of every observed curve c (a skill i
 *              of a run), m the toy model's level (or progress) at the same t_k, w_c = 1
 *              (bootstrap: how often curve c was drawn), n_c its number of points.
 *   time       an observed t_k counts updates applied, as in every skillsim model: it is
 *              compared with the map's state after t_k updates (s(1) is the state after the
 *              first update); a fractional t_k is interpolated linearly between whole steps;
 *              the ODE and the Domino closed form are evaluated at t_k itself.
 *   levels     compared as the observed run defines them: progress (s - s0)/(1 - s0) by
 *              default, s itself when its config says `timeline.on: level`; CSV levels as given.
 *   search     in log space: a log-spaced grid (N0 1e-4..1e2; rate, t0, tau over two decades
 *              around their starting value), then Nelder-Mead from the best grid point, then
 *              Levenberg-Marquardt on the residuals (which converges to the optimum itself,
 *              so the answer does not depend on the grid beyond the refinement's tolerance).
 *   bootstrap  resample the skills (one observed run) or the runs (several, e.g. seeds) with
 *              replacement, refit from the optimum; percentile intervals.
 *
 * Pure: text in, numbers out. The CLI (src/cli/calibrate.ts) reads files and prints.
 */
import { InputError } from "../errors.js";
import { parse as parseYaml } from "yaml";
import { ConfigError, loadConfigObject } from "../config/load.js";
import type { Config } from "../config/schema.js";
import { calibratedModels, isModelName, modelSpec } from "../models/index.js";
import type { Calibration, CalibrationParameter } from "../models/spec.js";
import { effectiveRate } from "../models/skills.js";
import { Rng } from "../engine/rng.js";
import { nelderMead, type Minimum } from "../engine/optim/nelder-mead.js";
import { levenbergMarquardt, type LeastSquares } from "../engine/optim/levenberg-marquardt.js";
import { ResultsError, csvNumber, csvRecords, readRunJson, startsWithSweepLine } from "../results/index.js";
import { baseConfig, firstDifference } from "../results/config-diff.js";

/** Bad input for calibration: the CLI prints the message as one line and exits 2. */
export class CalibrateError extends InputError {}

/** A model calibrate can fit: one whose spec has a `calibration` (src/models/spec.ts). */
export type ToyModel = string;

/** How calibrate fits `model` (a model in calibratedModels). */
export function calibrationOf(model: string): Calibration {
  return modelSpec(model).calibration!;
}

/** What a model's levels are compared as. */
export interface Comparison {
  mode: "progress" | "level" | "as-given";
  text: string;
}

/** One observed input (a run --json result or a CSV of curves), parsed. */
export interface ObservedInput {
  source: string;
  model: string | null; // the observed run's model; null for a CSV
  n: number;
  /** Per skill: recorded times (ascending) and the compared values at them. */
  t: number[][];
  v: number[][];
  frequencies: unknown | null; // a `skills.frequencies` value for the toy config
  frequencyNote: string | null;
  rate: number | null; // eta_eff of the observed run, when its config knows it
  rateSource: string | null;
  compare: Comparison;
  seed: number | null;
  /** The observed run's config (a run JSON), for comparing several inputs; null for a CSV. */
  config: Record<string, unknown> | null;
  /** Skills (0-based) whose curves are not compared, with why (no training rows, starts learned). */
  excluded: Map<number, string>;
  notes: string[];
}

// ---------------------------------------------------------------------------------------------
// Reading observed curves

/** A run --json result or a CSV of curves (wide `t, [loss,] s1..sn` or long `step, skill, level`). */
export function parseObserved(text: string, source: string, compare: "progress" | "level" = "progress"): ObservedInput {
  const first = text.trimStart()[0];
  if (first === "{") return parseRunJson(text, source, compare);
  return parseCsv(text, source);
}

function parseRunJson(text: string, source: string, mode: "progress" | "level"): ObservedInput {
  // The results reader checks the shape (model, config, trace.t, one level list per skill as
  // long as trace.t); null levels (a NaN, as JSON writes it) pass it, to be named below.
  let doc: any;
  try {
    doc = readRunJson(text, source, { nulls: true });
  } catch (e) {
    if (e instanceof ResultsError && startsWithSweepLine(text))
      throw new CalibrateError(`${source}: is a sweep's JSON Lines, whose traces carry no skill levels; calibrate one run's \`skillsim run --json\` result (or several, e.g. one per seed)`);
    throw e;
  }
  const times: number[] = doc.trace.t;
  const levels: (number | null)[][] = doc.trace.level;
  const n = levels.length;
  if (n === 0) throw new CalibrateError(`${source}: trace.level lists no skills`);
  for (let k = 0; k < times.length; k++) {
    const tk = times[k];
    if (tk < 0) throw new CalibrateError(`${source}: trace.t[${k}] is ${JSON.stringify(tk)}: times must be finite numbers >= 0`);
    if (k > 0 && tk <= times[k - 1]) throw new CalibrateError(`${source}: trace.t[${k}] = ${tk} does not increase`);
  }
  const config = doc.config;
  const model: string = doc.model;
  const s0 = initialLevels(doc, config, model, n);
  // Progress by default, even when the run's timeline reads raw levels (timeline.on: level):
  // a toy model starts from 0, an accuracy from chance. --compare level compares raw levels.
  const onLevel = mode === "level";
  const compare: Comparison = onLevel
    ? { mode: "level", text: "levels s as recorded (--compare level)" }
    : {
        mode: "progress",
        text: `progress (s - s0)/(1 - s0), as the observed run defines it (s0 = ${describeS0(s0.values)}${s0.how ? `, ${s0.how}` : ""})`,
      };
  // Skills with nothing to compare: no training rows (a network task the data never shows),
  // or a level already at 1 at t = 0 (no progress to make; (s - s0)/(1 - s0) is undefined).
  const excluded = new Map<number, string>();
  const perTask = doc.summary?.trainSamplesPerTask;
  if (Array.isArray(perTask) && perTask.length === n)
    perTask.forEach((c: unknown, i: number) => { if (c === 0) excluded.set(i, "has no training rows"); });
  if (!onLevel) s0.values.forEach((x, i) => { if (!excluded.has(i) && !(x < 1)) excluded.set(i, `starts at level ${fmt(x)} (nothing to learn)`); });
  const t: number[][] = [], v: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row = levels[i];
    const ti: number[] = [], vi: number[] = [];
    for (let k = 0; k < row.length; k++) {
      const x = row[k];
      if (x === null) throw new CalibrateError(`${source}: trace.level[${i}][${k}] (skill ${i + 1} at t = ${times[k]}) is null (NaN): levels must be finite numbers`);
      ti.push(times[k]);
      vi.push(onLevel || excluded.has(i) ? x : (x - s0.values[i]) / (1 - s0.values[i]));
    }
    t.push(ti);
    v.push(vi);
  }
  // Frequencies: the observed config's, as the toy config will read them. A Geometry (or
  // network) run samples from the normalised list, so an explicit list is normalised.
  let frequencies: unknown = config.skills?.frequencies ?? null;
  let frequencyNote: string | null = null;
  if (frequencies === null && Array.isArray(doc.skills) && doc.skills.every((s: any) => typeof s?.frequency === "number")) {
    frequencies = doc.skills.map((s: any) => s.frequency);
  }
  const spec = isModelName(model) ? modelSpec(model) : null; // an unknown model: taken to sample its skills
  if (Array.isArray(frequencies) && spec?.frequencies !== "weights" && frequencies.every((x) => typeof x === "number")) {
    const z = (frequencies as number[]).reduce((a, b) => a + b, 0);
    if (z > 0 && Math.abs(z - 1) > 1e-12) {
      frequencies = (frequencies as number[]).map((x) => x / z);
      frequencyNote = spec?.frequencyMeaning?.(config) ?? `the ${model ?? "observed"} run's explicit frequencies, normalised to sum 1 (the distribution it samples)`;
    }
  }
  let rate: number | null = null, rateSource: string | null = null;
  if (typeof config.rate === "number" && config.rate > 0) {
    rate = config.rate;
    rateSource = "the observed config's rate";
  } else if (typeof config.lr === "number" && typeof config.params === "number" && config.lr > 0 && config.params > 0) {
    rate = 2 * config.lr * Math.sqrt(config.params);
    rateSource = `the observed config: 2 lr sqrt(params) = 2 x ${config.lr} x sqrt(${config.params})`;
  }
  const seed = typeof config.seed === "number" ? config.seed : null;
  const notes = s0.note ? [s0.note] : [];
  if (excluded.size) notes.push(`${source}: ${[...excluded].map(([i, why]) => `skill ${i + 1} ${why}`).join("; ")}: ${excluded.size === 1 ? "its curve is" : "their curves are"} left out of the fit`);
  // What the run itself warns about (e.g. levels outside [0, 1]) holds for its calibration too.
  if (Array.isArray(doc.warnings)) for (const w of doc.warnings) if (typeof w === "string") notes.push(`${source} warns: ${w}`);
  return { source, model, n, t, v, frequencies, frequencyNote, rate, rateSource, compare, seed, config, excluded, notes };
}

/**
 * s_i(0) of an observed run: its recorded level at t = 0 (trace.level[i][0]), whatever the model
 * (a Geometry `init`, a ce run's 1/2, an accuracy's chance level, a task that starts learned).
 * Without a recorded t = 0: the level the run reports as initial, else 0, with a note.
 */
function initialLevels(doc: any, _config: any, model: string | null, n: number): { values: number[]; how: string; note: string | null } {
  if (doc.trace.t[0] === 0) {
    const values = doc.trace.level.map((row: unknown[]) => (typeof row?.[0] === "number" ? row[0] : 0));
    return { values, how: "the recorded level at t = 0", note: null };
  }
  const given = doc.initial_level ?? doc.summary?.initial_level ?? doc.summary?.initialLevel;
  if (Array.isArray(given) && given.length === n && given.every((x: unknown) => typeof x === "number" && Number.isFinite(x)))
    return { values: given, how: "as the run reports it (no t = 0 recorded)", note: null };
  return { values: new Array(n).fill(0), how: "", note: `the ${model ?? "observed"} run records no t = 0; progress is measured from 0` };
}

function describeS0(v: number[]): string {
  const first = v[0];
  if (v.every((x) => x === first)) return fmt(first);
  return `[${v.map(fmt).join(", ")}]`;
}

function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
}

function parseCsv(text: string, source: string): ObservedInput {
  const records = csvRecords(text, source);
  if (records.length === 0) throw new CalibrateError(`${source}: is empty; expected a \`skillsim run --json\` result or a CSV of curves`);
  const h = records[0].line - 1;
  const header = records[0].cells.map((c) => c.toLowerCase());
  const want = "expected a `skillsim run --json` result, or a CSV with a header `t,s1,...,sn` (as `run --csv` writes: t,loss,s1..sn) or `step,skill,level`";
  const timeCol = header.indexOf("t") >= 0 ? header.indexOf("t") : header.indexOf("step");
  if (timeCol < 0) throw new CalibrateError(`${source}:${h + 1}: no time column (t or step) in the header "${records[0].cells.join(",").slice(0, 60)}"; ${want}`);
  const long = header.includes("skill") && header.includes("level");
  const notes: string[] = [];
  const rows = records.slice(1);
  for (const r of rows) {
    if (r.cells.length !== header.length) throw new CalibrateError(`${source}:${r.line}: ${r.cells.length} fields, but the header has ${header.length}`);
  }
  if (rows.length === 0) throw new CalibrateError(`${source}: has a header but no data rows`);
  const num = (r: { line: number; cells: string[] }, j: number, what: string): number => {
    const s = r.cells[j];
    const x = csvNumber(s) ?? NaN;
    if (!Number.isFinite(x)) {
      const why = /^[+-]?nan$/i.test(s) ? "is NaN" : s === "" ? "is empty" : `is "${s.slice(0, 30)}", not a finite number`;
      throw new CalibrateError(`${source}:${r.line}: ${what} (column ${header[j]}) ${why}`);
    }
    return x;
  };
  const checkTime = (r: { line: number }, x: number) => {
    if (x < 0) throw new CalibrateError(`${source}:${r.line}: time ${x} is negative; times count updates from 0`);
  };
  const t: number[][] = [], v: number[][] = [];
  if (long) {
    const si = header.indexOf("skill"), li = header.indexOf("level");
    const by = new Map<number, { t: number; v: number; line: number }[]>();
    for (const r of rows) {
      const skill = num(r, si, "skill");
      if (!Number.isInteger(skill) || skill < 1 || skill > 1e6) throw new CalibrateError(`${source}:${r.line}: skill ${r.cells[si]} is not a skill number (1, 2, ...)`);
      const tk = num(r, timeCol, "time");
      checkTime(r, tk);
      const x = num(r, li, "level");
      if (!by.has(skill)) by.set(skill, []);
      by.get(skill)!.push({ t: tk, v: x, line: r.line });
    }
    let n = 0;
    for (const k of by.keys()) if (k > n) n = k; // no spread: skills may be many
    for (let i = 1; i <= n; i++) {
      const pts = by.get(i);
      if (!pts) throw new CalibrateError(`${source}: skill ${i} has no rows (skills ${[...by.keys()].sort((a, b) => a - b).join(", ")} do); number skills 1..n`);
      pts.sort((a, b) => a.t - b.t || a.line - b.line);
      for (let k = 1; k < pts.length; k++)
        if (pts[k].t === pts[k - 1].t) throw new CalibrateError(`${source}:${pts[k].line}: skill ${i} at step ${pts[k].t} appears twice (also line ${pts[k - 1].line})`);
      t.push(pts.map((p) => p.t));
      v.push(pts.map((p) => p.v));
    }
    const extra = header.filter((c, j) => j !== timeCol && j !== si && j !== li);
    if (extra.length) notes.push(`${source}: ignored column${extra.length > 1 ? "s" : ""} ${extra.join(", ")}`);
  } else {
    const cols: number[] = [];
    const ignored: string[] = [];
    header.forEach((c, j) => {
      if (j === timeCol) return;
      const m = /^s(\d+)$/.exec(c);
      if (m) cols[Number(m[1]) - 1] = j;
      else if (c !== "loss") ignored.push(c);
    });
    const n = cols.length;
    if (n === 0) throw new CalibrateError(`${source}:${h + 1}: no skill columns s1, s2, ... in the header; ${want}`);
    for (let i = 0; i < n; i++) if (cols[i] === undefined) throw new CalibrateError(`${source}:${h + 1}: skill columns must be s1..s${n}; s${i + 1} is missing`);
    if (ignored.length) notes.push(`${source}: ignored column${ignored.length > 1 ? "s" : ""} ${ignored.join(", ")}`);
    for (let i = 0; i < n; i++) { t.push([]); v.push([]); }
    let prev = -Infinity;
    for (const r of rows) {
      const tk = num(r, timeCol, "time");
      checkTime(r, tk);
      if (tk <= prev) throw new CalibrateError(`${source}:${r.line}: time ${tk} does not increase (the previous row has ${prev})`);
      prev = tk;
      for (let i = 0; i < n; i++) {
        const x = num(r, cols[i], `level of skill ${i + 1}`);
        t[i].push(tk);
        v[i].push(x);
      }
    }
  }
  return {
    source, model: null, n: t.length, t, v, frequencies: null, frequencyNote: null, rate: null, rateSource: null,
    compare: { mode: "as-given", text: "levels as given in the CSV (taken to start from 0: no initial level to rescale by)" },
    seed: null, config: null, excluded: new Map(), notes,
  };
}

// ---------------------------------------------------------------------------------------------
// The plan: which toy config, which parameters to fit

export interface CalibrateOptions {
  model: ToyModel;
  /** Names from --fit, or undefined for the default. */
  fit?: string[];
  /** --set KEY=VALUE strings for the toy config. */
  sets?: string[];
  /** Grid points per fitted parameter (default 21). */
  grid?: number;
  bootstrap?: { K: number; seed: number; level: number } | null;
  onProgress?: (done: number, total: number) => void;
}

interface Param {
  name: string;
  set: CalibrationParameter["set"]; // puts a value into a trial config
  lo: number; // grid range (values, not logs)
  hi: number;
  min: number; // hard bounds of the local refinement
  max: number;
  start: string; // how the grid's centre was chosen
}

function setKeys(sets: string[]): string[] {
  return sets.map((s) => s.slice(0, Math.max(0, s.indexOf("="))).trim());
}

/** Everything the fit needs, checked before any work. */
export interface Plan {
  model: ToyModel;
  base: Config; // the toy config with the fixed keys (fitted keys at their starting values)
  params: Param[];
  n: number;
  runs: number;
  times: Float64Array; // the union of observed times within the model's horizon
  horizon: number;
  // observed points, flat: model index i*K + k, value, curve id r*n + i
  pIdx: Int32Array;
  pVal: Float64Array;
  pCurve: Int32Array;
  dropped: number;
  compare: Comparison;
  modelS0: number; // the toy model's s(0), for progress
  sources: string[];
  observedModel: string | null;
  rateSource: string | null;
  frequencyNote: string | null;
  notes: string[];
}

/** Check the inputs against each other and the options; build the toy config (via the config loader). */
export function plan(inputs: ObservedInput[], opts: CalibrateOptions): Plan {
  if (inputs.length === 0) throw new CalibrateError("no observed curves given");
  const sets = opts.sets ?? [];
  const first = inputs[0];
  const n = first.n;
  for (const o of inputs.slice(1)) {
    if (o.n !== n) throw new CalibrateError(`${o.source} has ${o.n} skills but ${first.source} has ${n}; several inputs must be runs of one setting (e.g. seeds)`);
    if (o.compare.mode !== first.compare.mode) throw new CalibrateError(`${o.source} compares ${o.compare.mode} but ${first.source} compares ${first.compare.mode}; give inputs of one kind`);
    if (JSON.stringify(o.frequencies) !== JSON.stringify(first.frequencies)) throw new CalibrateError(`${o.source} has other skill frequencies than ${first.source}; several inputs must be runs of one setting (e.g. seeds)`);
    if (o.rate !== first.rate) throw new CalibrateError(`${o.source} has another rate (2 lr sqrt(params)) than ${first.source}; several inputs must be runs of one setting`);
    // The whole configs apart from the seed, as `merge` compares a sweep's runs.
    if ((o.config === null) !== (first.config === null)) throw new CalibrateError(`${o.source} and ${first.source}: one is a run's JSON, the other a CSV; give inputs of one kind`);
    if (o.config && first.config) {
      const d = firstDifference(baseConfig(first.config, []), baseConfig(o.config, []));
      if (d) throw new CalibrateError(`${o.source} differs from ${first.source} in ${d.path} (${d.b} in ${o.source}, ${d.a} in ${first.source}); several inputs must be runs of one setting that differ only in the seed`);
    }
  }
  const keys = setKeys(sets);
  for (const k of keys) {
    if (k === "model") throw new CalibrateError(`--set model: choose the toy model with --model ${calibratedModels.join("|")}`);
    if (k === "t0") throw new CalibrateError(`--set t0: the Domino config has no t0 key; t0 = 1/rate, so --set rate=${"<1/t0>"}`);
  }
  const freqSet = keys.some((k) => k === "skills.frequencies" || k.startsWith("skills.frequencies."));
  const frequencies = first.frequencies;
  if (frequencies === null && !freqSet) {
    const what = first.model === null ? "a CSV has no skill frequencies" : "the observed run's config has no skills.frequencies";
    throw new CalibrateError(`${first.source}: ${what}; give them with --set skills.frequencies=[p1,...,p${n}] or --set 'skills.frequencies={zipf: 2}'`);
  }
  const rateKnownBySet = keys.some((k) => k === "rate" || k === "lr" || k === "params");
  const observedRate = first.rate;
  const horizonSet = keys.includes("steps");
  let tMax = -Infinity; // a loop, not Math.max(...): observed curves may hold very many points
  for (const o of inputs) for (const ti of o.t) tMax = Math.max(tMax, ti.length ? ti[ti.length - 1] : 0);
  if (!(tMax > 0)) throw new CalibrateError(`${first.source}: every recorded time is 0; nothing to fit`);

  // Frequencies given as a list by --set decide the skill count themselves.
  let countFromList = false;
  for (const s of sets) {
    if (s.slice(0, s.indexOf("=")).trim() === "skills.frequencies") {
      try {
        countFromList = Array.isArray(parseYaml(s.slice(s.indexOf("=") + 1)));
      } catch {
        /* the loader reports it */
      }
    }
  }
  const start = estimateRate(inputs);
  const skills: Record<string, unknown> = {};
  if (!countFromList) skills.count = n;
  if (frequencies !== null && !freqSet) skills.frequencies = frequencies;
  const toy: Record<string, unknown> = { model: opts.model, skills, steps: Math.ceil(tMax) };
  if (!rateKnownBySet) toy.rate = observedRate ?? start;
  let base: Config;
  try {
    base = loadConfigObject(toy, { file: "<calibrate>", sets });
  } catch (e) {
    if (e instanceof ConfigError && e.where.startsWith("<calibrate>")) {
      // An inconsistency between the data and a --set, not a line of any file.
      if (e.key === "skills.count") throw new CalibrateError(`${first.source} has ${n} skills but --set skills.count or skills.frequencies says otherwise; give one frequency per observed skill`);
      throw new ConfigError(e.message, "calibrate", e.key);
    }
    throw e;
  }
  if (base.skills.count !== n) {
    const by = sets.filter((s) => /^\s*skills\.(count|frequencies)\s*=/.test(s)).map((s) => `--set ${s}`).join(" ");
    throw new CalibrateError(`${first.source} has ${n} skills but the toy config has ${base.skills.count} (${by || "from its frequencies"}); give one frequency per observed skill`);
  }
  const cal = calibrationOf(opts.model);
  const variant = cal.variant(base);
  const can = cal.fittable(base);

  // What to fit.
  let names: string[];
  if (opts.fit !== undefined) {
    names = [];
    for (const raw of opts.fit) {
      const name = raw.trim();
      if (!can.includes(name)) {
        const hint = cal.fitHint?.(base, name) ?? "";
        throw new CalibrateError(`--fit ${name}: the ${opts.model} model${variant ? ` (${variant})` : ""} has no parameter ${JSON.stringify(name)} to fit${hint}; it fits ${can.join(", ")}`);
      }
      if (!names.includes(name)) names.push(name);
    }
    if (names.length === 0) throw new CalibrateError(`--fit: name at least one of ${can.join(", ")}`);
  } else {
    names = cal.defaultFit(base, keys, { set: rateKnownBySet, observed: observedRate !== null });
  }
  for (const name of names) {
    const clash = keys.find((k) => cal.parameters[name].fixedBy.includes(k));
    if (clash) throw new CalibrateError(`--fit ${name} and --set ${clash}: a parameter is either fitted or fixed, not both`);
  }
  if (cal.needsRate && !names.includes("rate") && observedRate === null && !rateKnownBySet)
    throw new CalibrateError(`the rate is unknown (${first.source} gives no lr and params); fit it (--fit ${[...names, "rate"].join(",")}) or fix it (--set rate=VALUE)`);

  // Grid ranges.
  const rate0 = rateKnownBySet ? effectiveRate(base as Config & { lr: number; params: number; rate?: number }) : observedRate ?? start;
  const rateHow = rateKnownBySet ? "--set" : observedRate !== null ? "the observed rate" : "estimated from the data (total progress / time)";
  const params: Param[] = names.map((name) => ({ name, set: cal.parameters[name].set, ...cal.parameters[name].range(base, { rate0, rateHow, fmt }) }));

  // Observed points on one time grid, within the model's horizon.
  const horizon = base.steps;
  const all = new Set<number>();
  for (const o of inputs) for (const ti of o.t) for (const x of ti) if (x <= horizon) all.add(x);
  const times = Float64Array.from([...all].sort((a, b) => a - b));
  if (times.length === 0 || times[times.length - 1] <= 0)
    throw new CalibrateError(`no observed point lies within the model's horizon (steps = ${horizon}${horizonSet ? ", from --set steps" : ""}); the observations run from t = ${minObserved(inputs)} to ${tMax}`);
  const K = times.length;
  const index = new Map<number, number>();
  times.forEach((x, k) => index.set(x, k));
  const idx: number[] = [], val: number[] = [], cur: number[] = [];
  let dropped = 0;
  inputs.forEach((o, r) => {
    for (let i = 0; i < n; i++) {
      if (o.excluded.has(i)) continue;
      for (let k = 0; k < o.t[i].length; k++) {
        const kk = index.get(o.t[i][k]);
        if (kk === undefined) { dropped++; continue; }
        idx.push(i * K + kk);
        val.push(o.v[i][k]);
        cur.push(r * n + i);
      }
    }
  });
  if (idx.length === 0) throw new CalibrateError(`${first.source}: no skill has a curve to compare (${[...first.excluded.values()].slice(0, 1).join("")}); nothing to fit`);
  const modelS0 = modelSpec(base.model).startLevel(base) ?? 0;
  const notes = [...new Set(inputs.flatMap((o) => o.notes))];
  if (dropped) notes.push(`${dropped} observed point${dropped === 1 ? "" : "s"} after the model's horizon (steps = ${horizon}) left out`);
  // Several runs' JSONs are compared config by config (above); CSVs carry no config to compare.
  if (inputs.length > 1 && first.config === null) notes.push(`${inputs.length} CSV files are taken as runs of one setting (seeds), unchecked: a CSV carries no config to compare`);
  return {
    model: opts.model, base, params, n, runs: inputs.length, times, horizon,
    pIdx: Int32Array.from(idx), pVal: Float64Array.from(val), pCurve: Int32Array.from(cur), dropped,
    compare: first.compare, modelS0, sources: inputs.map((o) => o.source), observedModel: first.model,
    rateSource: rateKnownBySet ? "--set" : first.rateSource, frequencyNote: first.frequencyNote, notes,
  };
}

/**
 * A starting rate from the data: in the Resource map sum_i du_i/dt = -rate Z/(Z + N0), so the
 * total progress grows at most at `rate`, and at about `rate` when N0 is small; a serial
 * Domino's total progress grows at exactly 1/t0. So max_k sum_i progress_i(t_k) / t_k.
 */
function estimateRate(inputs: ObservedInput[]): number {
  let best = 0;
  for (const o of inputs) {
    const sums = new Map<number, number>();
    for (let i = 0; i < o.n; i++) for (let k = 0; k < o.t[i].length; k++) sums.set(o.t[i][k], (sums.get(o.t[i][k]) ?? 0) + Math.max(0, o.v[i][k]));
    for (const [t, s] of sums) if (t > 0) best = Math.max(best, s / t);
  }
  return best > 0 && Number.isFinite(best) ? best : 1e-2;
}

// ---------------------------------------------------------------------------------------------
// The objective

/** Evaluates the toy model for parameter values and the weighted mean squared residual. */
export class Objective {
  readonly K: number;
  readonly out: Float64Array; // n*K model values at plan.times
  readonly weights: Float64Array; // per curve (runs*n)
  evaluations = 0;
  private readonly cfg: Record<string, any>;

  constructor(readonly plan: Plan) {
    this.K = plan.times.length;
    this.out = new Float64Array(plan.n * this.K);
    this.weights = new Float64Array(plan.runs * plan.n).fill(1);
    this.cfg = { ...plan.base }; // the trial config: the base with the fitted keys replaced
  }

  /** The toy config for values (in plan.params order). */
  configFor(values: ArrayLike<number>): Config {
    const c: Record<string, any> = { ...this.plan.base };
    this.apply(c, values);
    return c as Config;
  }

  private apply(c: Record<string, any>, values: ArrayLike<number>): void {
    const ps = this.plan.params;
    for (let j = 0; j < ps.length; j++) ps[j].set(c, values[j]);
  }

  /** Run the model at these parameter values into `out` (compared quantity); false if it failed. */
  evaluateModel(values: ArrayLike<number>, times: Float64Array = this.plan.times, out: Float64Array = this.out): boolean {
    this.evaluations++;
    this.apply(this.cfg, values);
    const cfg = this.cfg as Config;
    if (!calibrationOf(cfg.model).levelsAt(cfg, times, out)) return false;
    if (this.plan.compare.mode !== "level" && this.plan.modelS0 !== 0) {
      const s0 = this.plan.modelS0;
      for (let j = 0; j < out.length; j++) out[j] = (out[j] - s0) / (1 - s0);
    }
    return true;
  }

  /** Weighted mean squared residual at these values (Infinity if the model failed). */
  mse(values: ArrayLike<number>): number {
    if (!this.evaluateModel(values)) return Infinity;
    const { pIdx, pVal, pCurve } = this.plan;
    const out = this.out, w = this.weights;
    let s = 0, z = 0;
    for (let j = 0; j < pIdx.length; j++) {
      const wj = w[pCurve[j]];
      if (wj === 0) continue;
      const r = out[pIdx[j]] - pVal[j];
      s += wj * r * r;
      z += wj;
    }
    return z > 0 && Number.isFinite(s) ? s / z : Infinity;
  }

  /** sqrt(w_j) r_j for every point into res (model already evaluated); returns the weight sum. */
  residuals(res: Float64Array): number {
    const { pIdx, pVal, pCurve } = this.plan;
    let z = 0;
    for (let j = 0; j < pIdx.length; j++) {
      const wj = this.weights[pCurve[j]];
      res[j] = wj === 0 ? 0 : Math.sqrt(wj) * (this.out[pIdx[j]] - pVal[j]);
      z += wj;
    }
    return z;
  }
}

// ---------------------------------------------------------------------------------------------
// The search

/** f over the log-spaced grid (G points per parameter); the best point. */
function gridSearch(ps: Param[], G: number, f: (x: Float64Array) => number, onPoint?: (done: number) => void): Minimum {
  const P = ps.length;
  const x = new Float64Array(P);
  const best: Minimum = { x: new Float64Array(P), f: Infinity };
  const total = Math.pow(G, P);
  for (let c = 0; c < total; c++) {
    let r = c;
    for (let j = 0; j < P; j++) {
      const g = r % G;
      r = Math.floor(r / G);
      const lo = Math.log(ps[j].lo), hi = Math.log(ps[j].hi);
      x[j] = G === 1 ? (lo + hi) / 2 : lo + ((hi - lo) * g) / (G - 1);
    }
    const v = f(x);
    if (v < best.f) {
      best.f = v;
      best.x.set(x);
    }
    if (onPoint && (c & 15) === 15) onPoint(c + 1);
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Calibration

export interface CalibrationResult {
  model: ToyModel;
  params: Record<string, number>;
  fixed: Record<string, unknown>;
  rmse: number;
  n_points: number;
  /** Per skill (1-based index), over every run. */
  skills: { index: number; rmse: number; points: number }[];
  worst_skill: { index: number; rmse: number };
  intervals: Record<string, [number, number]> | null;
  bootstrap: { K: number; unit: "skills" | "seeds"; level: number; seed: number; failed: number } | null;
  config: Config;
  compare: string;
  time_alignment: string;
  search: {
    grid: { name: string; lo: number; hi: number; points: number; centre: string }[];
    evaluations: number;
    at_bound: string[];
    /** Why the data do not pin the parameters down (null: they do). */
    not_identified: string | null;
    tolerance: string;
  };
  notes: string[];
}

/** The search tolerance stated to the user (and tested: grids of 9 and 41 points agree to it). */
export const TOLERANCE = "parameters to a relative 1e-6 when the data identify them (Levenberg-Marquardt to a step below 1e-13 in log space)";

export function calibrate(p: Plan, opts: CalibrateOptions): CalibrationResult {
  const obj = new Objective(p);
  const P = p.params.length;
  const G = opts.grid ?? 21;
  const vals = new Float64Array(P);
  const lo = p.params.map((q) => Math.log(q.min)), hi = p.params.map((q) => Math.log(q.max));
  const inBounds = (x: Float64Array) => x.every((v, j) => v >= lo[j] && v <= hi[j]);
  const toValues = (x: Float64Array, out: Float64Array) => { for (let j = 0; j < P; j++) out[j] = Math.exp(x[j]); };
  const f = (x: Float64Array) => {
    if (!inBounds(x)) return Infinity;
    toValues(x, vals);
    return obj.mse(vals);
  };
  // The residuals in log space, for Levenberg-Marquardt (its own buffer of parameter values).
  const lmVals = new Float64Array(P);
  const leastSquares: LeastSquares = {
    count: obj.plan.pIdx.length,
    residuals: (x, res) => {
      toValues(x, lmVals);
      if (!obj.evaluateModel(lmVals)) return NaN;
      return obj.residuals(res);
    },
    objective: (x) => {
      toValues(x, lmVals);
      return obj.mse(lmVals);
    },
  };
  const bootK = opts.bootstrap?.K ?? 0;
  const gridPoints = P === 0 ? 0 : Math.pow(G, P);
  // Progress in trials (model runs), as the budget counts them: each grid point one, the
  // refinement and each bootstrap refit their estimated share, so the bar moves with the work.
  const total = gridPoints + REFINE_TRIALS + bootK * REFIT_TRIALS;
  const progress = (d: number) => opts.onProgress?.(Math.min(d, total), total);
  checkBudget(p, gridPoints, bootK);

  const fitFrom = (start: Minimum, step: Float64Array): Minimum => {
    const nm = nelderMead(f, start.x, step, 1e-5); // near enough for Levenberg-Marquardt, which finishes the job
    const best = nm.f <= start.f ? nm : start;
    return levenbergMarquardt(leastSquares, best, inBounds);
  };

  let opt: Minimum;
  if (P === 0) opt = { x: new Float64Array(0), f: obj.mse(vals) };
  else {
    const g = gridSearch(p.params, G, f, progress);
    if (!Number.isFinite(g.f)) throw new CalibrateError("the toy model failed (not finite) at every grid point; check the --set keys");
    const step = Float64Array.from(p.params, (q) => (Math.log(q.hi) - Math.log(q.lo)) / Math.max(1, G - 1));
    opt = fitFrom(g, step);
  }
  progress(gridPoints + REFINE_TRIALS);
  toValues(opt.x, vals);
  const fitted = Float64Array.from(vals);

  // Per-skill errors at the optimum.
  obj.evaluateModel(fitted);
  const se = new Float64Array(p.n), cnt = new Float64Array(p.n);
  for (let j = 0; j < p.pIdx.length; j++) {
    const r = obj.out[p.pIdx[j]] - p.pVal[j];
    const i = p.pCurve[j] % p.n;
    se[i] += r * r;
    cnt[i]++;
  }
  const skills = Array.from({ length: p.n }, (_, i) => ({ index: i + 1, rmse: cnt[i] ? Math.sqrt(se[i] / cnt[i]) : 0, points: cnt[i] }));
  const worst = skills.reduce((a, b) => (b.rmse > a.rmse ? b : a), skills[0]);

  // Bootstrap: resample units (skills, or runs when several), refit from the optimum.
  let intervals: Record<string, [number, number]> | null = null;
  let bootstrap: CalibrationResult["bootstrap"] = null;
  if (opts.bootstrap && P > 0) {
    const { K, seed, level } = opts.bootstrap;
    const unit = p.runs > 1 ? "seeds" : "skills";
    const units = unit === "seeds" ? p.runs : p.n;
    const rng = new Rng(seed, 0xca11b);
    const draws: number[][] = p.params.map(() => []);
    const step = new Float64Array(P).fill(0.1);
    let failed = 0;
    for (let b = 0; b < K; b++) {
      obj.weights.fill(0);
      for (let d = 0; d < units; d++) {
        const u = rng.nextInt(units);
        if (unit === "seeds") for (let i = 0; i < p.n; i++) obj.weights[u * p.n + i]++;
        else for (let r = 0; r < p.runs; r++) obj.weights[r * p.n + u]++;
      }
      const start: Minimum = { x: Float64Array.from(opt.x), f: f(opt.x) };
      const m = fitFrom(start, step);
      progress(gridPoints + REFINE_TRIALS + (b + 1) * REFIT_TRIALS);
      if (!Number.isFinite(m.f)) { failed++; continue; }
      for (let j = 0; j < P; j++) draws[j].push(Math.exp(m.x[j]));
    }
    obj.weights.fill(1);
    intervals = {};
    const a = (1 - level) / 2;
    p.params.forEach((q, j) => {
      const s = draws[j].sort((x, y) => x - y);
      intervals![q.name] = s.length ? [quantile(s, a), quantile(s, 1 - a)] : [NaN, NaN];
    });
    bootstrap = { K, unit, level, seed, failed };
  }

  const config = obj.configFor(fitted);
  const params: Record<string, number> = {};
  p.params.forEach((q, j) => (params[q.name] = fitted[j]));
  const atBound = p.params.filter((q, j) => opt.x[j] - lo[j] < 1e-3 || hi[j] - opt.x[j] < 1e-3).map((q) => q.name);
  const notes = [...p.notes];
  const evaluations = obj.evaluations; // the search's; the identification check below is not part of it
  const notIdentified = P > 0 ? identification(obj, p, opt, toValues) : null;
  if (notIdentified) notes.push(`not identified: ${notIdentified}; the value depends on where the search starts (e.g. --grid), not on the data`);
  for (const name of atBound) notes.push(`${name} ran to its search bound: the curves do not constrain it (for N0: a very large N0 is independent, exponential learning; a very small one strictly serial)`);
  if (p.frequencyNote) notes.push(`frequencies: ${p.frequencyNote}`);
  return {
    model: p.model,
    params,
    fixed: fixedOf(config, p.params.map((q) => q.name)),
    rmse: Math.sqrt(opt.f),
    n_points: p.pIdx.length,
    skills,
    worst_skill: { index: worst.index, rmse: worst.rmse },
    intervals,
    bootstrap,
    config,
    compare: p.compare.text,
    time_alignment: calibrationOf(config.model).timeAlignment(config),
    search: {
      grid: p.params.map((q) => ({ name: q.name, lo: q.lo, hi: q.hi, points: G, centre: q.start })),
      evaluations,
      at_bound: atBound,
      not_identified: notIdentified,
      tolerance: TOLERANCE,
    },
    notes,
  };
}

const sci = (x: number): string => (Math.abs(x) >= 1e5 ? Number(x.toPrecision(3)).toExponential() : fmt(x));

/** Trials (model runs) the refinement takes, about, and each bootstrap refit: what the budget and the progress bar count. */
const REFINE_TRIALS = 400;
const REFIT_TRIALS = 150;

/** Work (skill-steps of the map) a calibration may take before it is refused: minutes at most. */
export const MAP_WORK_BUDGET = 2e10;

/** The map runs every update up to the last observed time for each trial: refuse what would run for hours. */
function checkBudget(p: Plan, gridPoints: number, bootK: number): void {
  const every = calibrationOf(p.base.model).everyUpdate?.(p.base) ?? null;
  if (every === null) return;
  const trials = gridPoints + REFINE_TRIALS + bootK * REFIT_TRIALS; // the refinement takes a few hundred trials at most, a refit about a hundred
  const work = trials * Math.ceil(p.horizon) * p.n;
  if (work > MAP_WORK_BUDGET)
    throw new CalibrateError(
      `the observations run to t = ${sci(p.horizon)}, and ${every.runner} runs every update for each of about ${sci(trials)} trials (${sci(work)} skill-steps, more than the ${sci(MAP_WORK_BUDGET)} a calibration may take); ` +
        `use ${every.instead}, a shorter horizon (--set steps=T leaves later points out) or a coarser --grid`,
    );
}

/**
 * Is the optimum pinned down by the data? Along the flattest direction of the residuals'
 * Gauss-Newton matrix J^T J (in log space; for one parameter, that parameter), a factor of 2 in
 * the parameter that moves most must move the fitted curves by at least IDENT_SHIFT (rms over the
 * points, in the compared units) or 5% of the rmse. Otherwise: why, in words; else null.
 */
export const IDENT_SHIFT = 1e-4;
function identification(obj: Objective, p: Plan, opt: Minimum, toValues: (x: Float64Array, out: Float64Array) => void): string | null {
  const P = opt.x.length, M = p.pIdx.length;
  const vals = new Float64Array(P);
  const model = (x: Float64Array): Float64Array | null => {
    toValues(x, vals);
    if (!obj.evaluateModel(vals)) return null;
    const out = new Float64Array(M);
    for (let j = 0; j < M; j++) out[j] = obj.out[p.pIdx[j]];
    return out;
  };
  const base = model(opt.x);
  if (!base) return null;
  // Jacobian columns (central differences, step 1e-4 in log space).
  const J: Float64Array[] = [];
  const xt = new Float64Array(P);
  for (let a = 0; a < P; a++) {
    xt.set(opt.x); xt[a] += 1e-4;
    const up = model(xt);
    xt[a] -= 2e-4;
    const dn = model(xt);
    if (!up || !dn) return null;
    J.push(Float64Array.from(up, (u, j) => (u - dn[j]) / 2e-4));
  }
  const dot = (a: Float64Array, b: Float64Array) => { let s = 0; for (let j = 0; j < M; j++) s += a[j] * b[j]; return s; };
  let v: number[];
  if (P === 1) v = [1];
  else {
    // smallest eigenvector of the 2 x 2 matrix [[a, b], [b, c]]
    const a = dot(J[0], J[0]), b = dot(J[0], J[1]), c = dot(J[1], J[1]);
    const lmin = (a + c) / 2 - Math.sqrt(((a - c) / 2) ** 2 + b * b);
    v = Math.abs(b) > 1e-300 ? [b, lmin - a] : a <= c ? [1, 0] : [0, 1];
  }
  const big = Math.max(...v.map(Math.abs));
  v = v.map((x) => (x / big) * Math.LN2); // the largest component: a factor of 2
  let worst = 0;
  for (const sign of [1, -1]) {
    for (let a = 0; a < P; a++) xt[a] = opt.x[a] + sign * v[a];
    const m = model(xt);
    if (!m) return null;
    let s = 0;
    for (let j = 0; j < M; j++) s += (m[j] - base[j]) ** 2;
    worst = Math.max(worst, Math.sqrt(s / M));
  }
  const rmse = Math.sqrt(opt.f);
  if (worst >= Math.max(IDENT_SHIFT, 0.05 * rmse)) return null;
  const names = p.params.map((q) => q.name);
  const what = P === 1
    ? `a factor of 2 in ${names[0]}`
    : Math.abs(v[0]) > 0.2 && Math.abs(v[1]) > 0.2
      ? `${names[0]} and ${names[1]} changed together (${names[0]} x ${fmtFactor(v[0])}, ${names[1]} x ${fmtFactor(v[1])})`
      : `a factor of 2 in ${Math.abs(v[0]) >= Math.abs(v[1]) ? names[0] : names[1]}`;
  const times = new Set<number>();
  for (let j = 0; j < M; j++) times.add(p.times[p.pIdx[j] % p.times.length]);
  return `${what} moves the fitted curves by ${Number(worst.toPrecision(2))} (rms) at most, below ${Number(Math.max(IDENT_SHIFT, 0.05 * rmse).toPrecision(2))}, over ${times.size} observed time${times.size === 1 ? "" : "s"}`;
}

function fmtFactor(logStep: number): string {
  return Number(Math.exp(logStep).toPrecision(3)).toString();
}

function quantile(sorted: number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const a = Math.floor(h), b = Math.min(sorted.length - 1, a + 1);
  return sorted[a] + (h - a) * (sorted[b] - sorted[a]);
}

/** The toy model's other physical settings (what was held fixed). */
function fixedOf(cfg: Config, fitted: string[]): Record<string, unknown> {
  const out = calibrationOf(cfg.model).fixed(cfg, fitted);
  out.frequencies = cfg.skills.frequencies;
  out.steps = cfg.steps;
  return out;
}


/** The fitted model's curves at `times` (for the figure): values[i][k]. */
export function fittedCurves(p: Plan, result: CalibrationResult, times: Float64Array): number[][] {
  const obj = new Objective(p);
  const vals = Float64Array.from(p.params, (q) => result.params[q.name]);
  const out = new Float64Array(p.n * times.length);
  obj.evaluateModel(vals, times, out);
  return Array.from({ length: p.n }, (_, i) => Array.from(out.subarray(i * times.length, (i + 1) * times.length)));
}

/** The earliest observed time over all inputs (a loop: no argument-spread limit). */
function minObserved(inputs: { t: number[][] }[]): number {
  let m = Infinity;
  for (const o of inputs) for (const ti of o.t) for (const x of ti) if (x < m) m = x;
  return m;
}
