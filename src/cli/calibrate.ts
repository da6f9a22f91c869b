/** `skillsim calibrate OBSERVED...`: fit a toy model (Resource or Domino) to observed skill curves. */
import type { Command } from "commander";
import { stringify } from "yaml";
import {
  TOLERANCE, calibrate, calibrationOf, fittedCurves, parseObserved, plan, type CalibrationResult, type Plan,
} from "../analysis/calibrate.js";
import { calibratedModels, defaultModel } from "../models/index.js";
import { VERSION } from "../version.js";
import { CliError, declareIo, emit, inputName, readTextFile, writeFigure, writeFileAtomic } from "./io.js";
import { progressBar } from "./progress.js";
import { collect, note } from "./shared.js";

import { plotSettings } from "./plot.js";
export interface CalibrateCliOptions {
  model: string;
  compare: string;
  fit?: string;
  set: string[];
  grid: string;
  bootstrap?: string;
  seed: string;
  level: string;
  json?: boolean;
  out?: string;
  configOut?: string;
  plot?: string;
  xlim?: string;
  plotSize?: string;
  logTime?: boolean;
  quiet?: boolean;
}

export function registerCalibrate(program: Command): void {
  const cmd = program
    .command("calibrate")
    .argument("<observed...>", "a `skillsim run --json` result (several: runs of one setting, e.g. seeds), or a CSV of curves; - reads standard input")
    .description("fit a toy model (Resource or Domino) to observed skill curves: N0, rate, t0 or tau")
    .option("--model <model>", `the toy model: ${calibratedModels.join(" | ")}`, defaultModel)
    .option("--fit <names>", "parameters to fit, comma-separated: resource N0,rate; domino t0 (serial) or tau (parallel)")
    .option("--set <key=value>", "fix a toy-model config key (dotted, repeatable; value parsed as YAML), e.g. --set integrator=rk45", collect, [])
    .option("--compare <what>", "progress: (s - s0)/(1 - s0) of the observed run and of the model; level: the levels s themselves", "progress")
    .option("--grid <G>", "grid points per fitted parameter for the global search", "21")
    .option("--bootstrap <K>", "K bootstrap resamples (of skills, or of runs when several are given): percentile intervals")
    .option("--seed <S>", "bootstrap random seed", "0")
    .option("--level <p>", "bootstrap interval coverage", "0.95")
    .option("--json", "print one JSON document: { model, params, fixed, rmse, n_points, intervals, config, ... }")
    .option("-o, --out <file>", "write the result to FILE (atomically) instead of stdout")
    .option("--config-out <file>", "also write the fitted toy model as a YAML config that `skillsim run` runs")
    .option("--plot <file>", "also draw observed (dashed, points) and fitted (solid) curves: FILE.svg, .png, .vl.json or .html")
    .option("--log-time", "with --plot: log-scaled time axis")
    .option("--xlim <lo,hi>", "with --plot: draw only lo <= t <= hi")
    .option("--plot-size <WxH>", "with --plot: the panel's width and height in px (default 560x300)")
    .option("-q, --quiet", "no progress or notes on stderr")
    .addHelpText(
      "after",
      `
Input: a run's JSON (its trace gives the curves; its config the frequencies and, from lr and
params, the rate 2 lr sqrt(params)), or a CSV: wide "t,s1,...,sn" (as \`run --csv\` writes,
with its loss column) or long "step,skill,level". A CSV needs --set skills.frequencies=...
Levels are compared as the observed run defines them: progress (s - s0)/(1 - s0) by default,
so accuracy from chance and a ce run from 1/2 are both on 0..1 (--compare level: the levels
themselves); CSV levels as given.

Fitted by default: resource N0 (and the rate when the input cannot give it); domino t0
(serial) or tau (parallel). Objective: the mean squared difference between observed and model
levels over every recorded point; the map's s(t) is its state after t updates. Search: a
log-spaced grid (N0 1e-4..1e2; rate, t0, tau over two decades around their starting value),
then Nelder-Mead and Levenberg-Marquardt in log space: ${TOLERANCE}.

Examples:
  $ skillsim run configs/geometry-minimal.yaml --json --out g.json
  $ skillsim calibrate g.json                                   # N0 of the Resource model
  $ skillsim calibrate g.json --fit N0,rate --plot cal.svg
  $ skillsim calibrate seed0.json seed1.json seed2.json --bootstrap 200   # intervals over seeds
  $ skillsim calibrate curves.csv --set 'skills.frequencies={zipf: 2}' --fit N0,rate
  $ skillsim calibrate d.json --model domino --json | jq .params.t0
  $ skillsim calibrate g.json --config-out fitted.yaml && skillsim run fitted.yaml

Exit codes: 0 success, 2 bad usage or input (unreadable or malformed curves, NaN levels, a
skill count that does not match the frequencies, a --fit key the model lacks, no overlap
with the model's horizon).`,
    )
    .action((files: string[], opts: CalibrateCliOptions) => calibrateCommand(files, opts));
  declareIo(cmd, { args: "input", outputs: ["--out", "--config-out", "--plot"] });
}

function parseNumber(flag: string, s: string, check: (v: number) => boolean, want: string): number {
  const t = s.trim();
  const v = t === "" ? NaN : Number(t);
  if (!Number.isFinite(v) || !check(v)) throw new CliError(`${flag} ${s}: expected ${want}`);
  return v;
}

export async function calibrateCommand(paths: string[], opts: CalibrateCliOptions): Promise<void> {
  const files = paths.map(inputName); // "-" is standard input
  const quiet = Boolean(opts.quiet);
  // Notes go to stderr when stdout is not the text report (which lists them itself).
  const say = (m: string) => { if (!quiet && (opts.json || opts.out)) note(m); };
  if (!(calibratedModels as readonly string[]).includes(opts.model)) throw new CliError(`--model ${opts.model}: expected ${calibratedModels.join(" or ")}`);
  const size = plotSettings(opts);
  if (opts.compare !== "progress" && opts.compare !== "level") throw new CliError(`--compare ${opts.compare}: expected progress or level`);
  const grid = parseNumber("--grid", opts.grid, (v) => Number.isInteger(v) && v >= 2 && v <= 1000, "a whole number of grid points, 2 to 1000");
  const seed = parseNumber("--seed", opts.seed, (v) => Number.isSafeInteger(v) && v >= 0, "a whole number >= 0");
  const level = parseNumber("--level", opts.level, (v) => v > 0 && v < 1, "a coverage between 0 and 1, e.g. 0.95");
  const bootstrap = opts.bootstrap === undefined ? null
    : { K: parseNumber("--bootstrap", opts.bootstrap, (v) => Number.isInteger(v) && v >= 2 && v <= 1e5, "a whole number of resamples >= 2"), seed, level };
  const fit = opts.fit === undefined ? undefined : opts.fit.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (fit !== undefined && fit.length === 0) throw new CliError(`--fit ${opts.fit}: name the parameters to fit, e.g. --fit N0,rate`);


  const t0 = performance.now();
  const inputs = paths.map((f) => parseObserved(readTextFile(f, "observed curves"), inputName(f), opts.compare as "progress" | "level"));
  const p = plan(inputs, { model: opts.model, fit, sets: opts.set });
  for (const n of p.notes) say(n);
  const bar = progressBar("calibrate", quiet, "trials");
  let result: CalibrationResult;
  try {
    result = calibrate(p, { model: opts.model, grid, bootstrap, onProgress: (d, t) => bar.update(d, t) });
  } finally {
    bar.stop();
  }
  const ms = performance.now() - t0;
  for (const n of result.notes.slice(p.notes.length)) say(n);
  const doc = {
    model: result.model,
    params: result.params,
    fixed: result.fixed,
    rmse: result.rmse,
    n_points: result.n_points,
    intervals: result.intervals,
    bootstrap: result.bootstrap,
    worst_skill: result.worst_skill,
    skills: result.skills,
    compare: result.compare,
    time_alignment: result.time_alignment,
    search: result.search,
    notes: result.notes,
    config: result.config,
    observed: { files, model: p.observedModel, skills: p.n, runs: p.runs, times: p.times.length, horizon: p.horizon, dropped_points: p.dropped },
    provenance: { skillsim: VERSION, node: process.version },
  };
  emit(opts.json ? JSON.stringify(doc) + "\n" : renderText(result, p, files), opts.out);
  if (!quiet) note(`calibrated in ${ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`} (${result.search.evaluations} model runs)`);
  if (opts.configOut) writeFileAtomic(opts.configOut, configYaml(result, files));
  if (opts.plot) {
    const T = p.horizon;
    const dense = T <= 2000 && Number.isInteger(T)
      ? Float64Array.from({ length: T + 1 }, (_, k) => k)
      : Float64Array.from({ length: 801 }, (_, k) => (k / 800) * T);
    const curves = fittedCurves(p, result, dense);
    const observed = observedCurves(p);
    const { calibrateSpec } = await import("../report/figure/calibrate.js");
    await writeFigure(opts.plot, calibrateSpec({ result, files, times: Array.from(dense), fitted: curves, observed, logTime: opts.logTime, ...size }), quiet);
  }
}

/** Observed curves back from the plan's flat points: per curve (run, skill) its (t, value) pairs. */
function observedCurves(p: Plan): { skill: number; run: number; t: number[]; v: number[] }[] {
  const K = p.times.length;
  const map = new Map<number, { skill: number; run: number; t: number[]; v: number[] }>();
  for (let j = 0; j < p.pIdx.length; j++) {
    const c = p.pCurve[j];
    if (!map.has(c)) map.set(c, { skill: c % p.n, run: Math.floor(c / p.n), t: [], v: [] });
    const e = map.get(c)!;
    e.t.push(p.times[p.pIdx[j] % K]);
    e.v.push(p.pVal[j]);
  }
  return [...map.values()];
}

const fmt = (x: number, digits = 6): string => {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(digits - 1);
  return Number(x.toPrecision(digits)).toString();
};

function renderText(r: CalibrationResult, p: Plan, files: string[]): string {
  const out: string[] = [];
  const variant = calibrationOf(r.config.model).form(r.config);
  const obs = `${files.length === 1 ? files[0] : `${files.length} runs (${files.join(", ")})`}${p.observedModel ? `, a ${p.observedModel} run` : ""}: ${p.n} skills, ${p.times.length} recorded times`;
  out.push(`skillsim calibrate · ${r.model} model (${variant}) against ${obs}`);
  out.push(`compared: ${r.compare}`);
  out.push(`time: ${r.time_alignment}`);
  out.push("");
  const cols = ["parameter", "value", r.intervals ? `${Math.round((r.bootstrap!.level) * 100)}% interval` : "", "how"];
  const rows: string[][] = [];
  for (const [k, v] of Object.entries(r.params)) {
    const iv = r.intervals?.[k];
    rows.push([k, fmt(v), iv ? `[${fmt(iv[0], 4)}, ${fmt(iv[1], 4)}]` : "", "fitted"]);
  }
  for (const [k, v] of Object.entries(r.fixed)) {
    if (typeof v !== "number" || k === "steps") continue;
    const how = k === "rate" ? `fixed: ${p.rateSource ?? "from the config"}` : "fixed";
    rows.push([k, fmt(v), r.intervals ? "" : "", how]);
  }
  const keep = cols.map((c, j) => c !== "" || rows.some((row) => row[j] !== ""));
  const w = cols.map((c, j) => Math.max(c.length, ...rows.map((row) => row[j].length)));
  const line = (cells: string[]) => cells.map((x, j) => (keep[j] ? (j === 0 || j === 3 ? x.padEnd(w[j]) : x.padStart(w[j])) : null)).filter((x) => x !== null).join("  ").trimEnd();
  out.push(line(cols), ...rows.map(line));
  out.push("");
  out.push(`rmse ${fmt(r.rmse, 4)} over ${r.n_points} points; worst skill ${r.worst_skill.index} (rmse ${fmt(r.worst_skill.rmse, 4)})`);
  if (r.bootstrap) out.push(`bootstrap: ${r.bootstrap.K} resamples of the ${r.bootstrap.unit} (seed ${r.bootstrap.seed})${r.bootstrap.failed ? `, ${r.bootstrap.failed} failed` : ""}`);
  const g = r.search.grid.map((q) => `${q.name} ${fmt(q.lo, 3)}..${fmt(q.hi, 3)}`).join(", ");
  out.push(`search: ${g ? `${r.search.grid[0].points}-point log grid (${g}), then Nelder-Mead and Levenberg-Marquardt in log space; ` : "nothing fitted; "}${r.search.evaluations} model runs`);
  for (const n of r.notes) out.push(`note: ${n}`);
  out.push("");
  out.push("fitted toy model (skillsim run runs it; --config-out FILE writes it):");
  out.push(configYaml(r, files).trimEnd());
  return out.join("\n") + "\n";
}

function configYaml(r: CalibrationResult, files: string[]): string {
  const params = Object.entries(r.params).map(([k, v]) => `${k} = ${fmt(v)}`).join(", ");
  const head = `# ${r.model} model calibrated by skillsim calibrate against ${files.join(", ")}${params ? `: ${params}` : ""}; rmse ${fmt(r.rmse, 4)}\n`;
  return head + stringify(r.config);
}
