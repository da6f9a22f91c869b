/**
 * Reading observed curves: a run's JSON (through the results reader) or a CSV of curves, into
 * per-skill times and compared values (progress (s - s0)/(1 - s0) from the run's recorded s0,
 * or levels), with what the run says about frequencies, rate and seed.
 */
import { isModelName, modelSpec } from "../models/index.js";
import { ResultsError, csvNumber, csvRecords, readRunJson, startsWithSweepLine } from "../results/index.js";
import { CalibrateError, fmt } from "./common.js";

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
