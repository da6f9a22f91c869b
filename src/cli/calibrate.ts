/** `skillsim calibrate OBSERVED...`: fit a toy model (Resource or Domino) to observed skill curves. */
import type { Command } from "commander";
import {
  TOLERANCE, calibrate, calibrationJson, configYaml, figureCurves, parseObserved, plan, renderText, type CalibrationResult,
} from "../calibrate/index.js";
import { calibratedModels, defaultModel } from "../models/index.js";
import { VERSION } from "../version.js";
import { CliError } from "./errors.js";
import { inputName, readTextFile } from "./read.js";
import { declareIo } from "./guard.js";
import { emit, writeFigure, writeFileAtomic } from "./write.js";
import { progressBar } from "./progress.js";
import { collect, note } from "./shared.js";
import { plotSettings, type PlotFlags } from "./plot.js";

export interface CalibrateCliOptions extends PlotFlags {
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
  emit(opts.json ? JSON.stringify(calibrationJson(result, p, files, { skillsim: VERSION, node: process.version })) + "\n" : renderText(result, p, files), opts.out);
  if (!quiet) note(`calibrated in ${ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`} (${result.search.evaluations} model runs)`);
  if (opts.configOut) writeFileAtomic(opts.configOut, configYaml(result, files));
  if (opts.plot) {
    const { times, fitted, observed } = figureCurves(p, result);
    const { calibrateSpec } = await import("../report/figure/calibrate.js");
    // The observed runs' task names (x1 xor x2 for a sparse-parity network), when every input is a run JSON and they agree.
    const { taskNamesOf } = await import("../models/index.js");
    const named = new Set(inputs.map((o) => (o.config ? JSON.stringify(taskNamesOf(o.config, p.n)) : "")));
    const taskNames = named.size === 1 && !named.has("") ? (JSON.parse([...named][0]) as string[]) : undefined;
    await writeFigure(opts.plot, calibrateSpec({ result, files, times, fitted, observed, logTime: opts.logTime, taskNames, ...size }), quiet);
  }
}
