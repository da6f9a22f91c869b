/**
 * The plan of a calibration, checked before any work: several inputs are runs of one setting,
 * the toy config (built through the config loader from the data and the --set keys), which
 * parameters are fitted and their grid ranges, and the observed points flattened onto one time
 * grid within the model's horizon.
 */
import { parse as parseYaml } from "yaml";
import { ConfigError, loadConfigObject } from "../config/load.js";
import type { Config } from "../config/schema.js";
import { calibratedModels, modelSpec } from "../models/index.js";
import type { CalibrationParameter } from "../models/spec.js";
import { effectiveRate } from "../models/skills.js";
import { baseConfig, firstDifference } from "../results/config-diff.js";
import { CalibrateError, calibrationOf, fmt, type ToyModel } from "./common.js";
import type { Comparison, ObservedInput } from "./observed.js";

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

export interface Param {
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

/** The earliest observed time over all inputs (a loop: no argument-spread limit). */
function minObserved(inputs: { t: number[][] }[]): number {
  let m = Infinity;
  for (const o of inputs) for (const ti of o.t) for (const x of ti) if (x < m) m = x;
  return m;
}
