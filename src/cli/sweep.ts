/** `skillsim sweep CONFIG`: every run of the config's sweep block, as JSON Lines. */
import type { Command } from "commander";
import { modelSpec } from "../models/index.js";
import { availableParallelism } from "node:os";
import { parseShard, planSweep, shardIds, shardSize, type Shard, type SweepPlan } from "../sweep/grid.js";
import { runSweep } from "../sweep/run.js";
import { CliError } from "./errors.js";
import { inputName, readTextFile } from "./read.js";
import { declareIo } from "./guard.js";
import { writeFigure } from "./write.js";
import { Interrupted, RunError } from "../errors.js";
import { progressBar } from "./progress.js";
import { collect, note, warnRunsWithWarnings } from "./shared.js";
import { suggest } from "../config/errors.js";

import { addPlotOptions, plotSettings, type PlotFlags } from "./plot.js";
import type { ErrorBand } from "../report/figure/relplot.js";
import type { FigureSize } from "../report/figure/theme.js";
import type { SweepLine as FigureSweepLine } from "../report/figure/sweep.js";
import { sweepLines } from "../results/sweep-lines.js";

const BANDS = ["ci95", "sd", "minmax", "none"];

export interface SweepCliOptions extends PlotFlags {
  out?: string;
  resume?: boolean;
  jobs?: string;
  shard?: string;
  set: string[];
  dryRun?: boolean;
  quiet?: boolean;
  plotX?: string;
  plotSeries?: string;
  plotY?: string;
  plotFacet?: string;
  plotBand?: string;
}

export function registerSweep(program: Command): void {
  const cmd = program
    .command("sweep")
    .argument("<config>", "YAML config with a `sweep:` block (dotted key -> list of values), or - for stdin")
    .description("run every combination of a config's sweep block; one JSON line per finished run")
    .option("-o, --out <file>", "append lines to FILE (needed for --resume); default stdout")
    .option("--resume", "skip the runs already in --out FILE and run the rest")
    .option("-j, --jobs <n>", `worker threads (default: ${availableParallelism()}, the CPUs available; at most ${MAX_JOBS_PER_CPU}x that, and the number of runs); 1 runs one at a time in id order`)
    .option("--shard <I/K>", "run only shard I of K: the runs with id % K == I - 1 (I counts from 1)")
    .option("--set <key=value>", "override a base config key for every run (dotted, repeatable); --set 'sweep.KEY=[v1, v2]' sets or adds one sweep axis", collect, [])
    .option("--dry-run", "validate every run and print {id, overrides, config_hash} per run; run nothing")
    .option("-q, --quiet", "no progress or notes on stderr")
    .option("--plot <file>", "when the sweep is done, draw a number of each run (final loss unless --plot-y) vs a swept key: FILE.svg, .png, .vl.json or .html (needs --out)")
    .option("--plot-x <key>", "with --plot: the swept key on the x axis (default: the first numeric one that varies, else the first other one, as categories; never seed unless named)")
    .option("--plot-series <key>", "with --plot: one colour (line) per value of this swept key (default: the next one that varies)")
    .option("--plot-y <path>", "with --plot: the number drawn, a dotted path into each line (default final.loss; e.g. final.time, skills.1.learned, summary.eta_eff)")
    .option("--plot-facet <key>", "with --plot: one panel per value of this swept key")
    .option("--plot-band <kind>", "with --plot: the band over repeated runs (seeds): ci95 (default; the 95% t interval of the mean), sd, minmax or none");
  addPlotOptions(cmd)
    .addHelpText(
      "after",
      `
The sweep block maps dotted config keys to lists of values, e.g.
  sweep:
    params: [20, 40, 80]
    skills.frequencies.zipf: [1, 1.5, 2]
    seed: [0, 1]
Runs are the cartesian product, keys in the order listed and the LAST key varying fastest:
id 0 is params=20 zipf=1 seed=0, id 1 is params=20 zipf=1 seed=1, id 2 is params=20 zipf=1.5
seed=0, ... up to id 17. Unless seed is swept, run id uses seed deriveSeed(config seed, id).
Every run's config is validated before any run starts. A config's study: block is
\`skillsim study\`'s: sweep runs the runs only, and says so on stderr (skillsim study FILE runs
the same runs, resuming, and computes the study's tables and figures).

Each output line is the run's record of run --json without the per-step trace: {"id",
"overrides" (swept key -> value), "final": {"loss"}, "skills", "warnings", "summary", "domino"
(as run --json, plus "ratios": every learned_r / learned_1), "trace": {"t", "loss"}, "config"
(the run's full config), "config_hash"}; a diverged run has "error" instead of final, skills,
warnings, summary, domino and trace.
Lines are written whole as runs finish (completion order with --jobs > 1; \`skillsim merge\` sorts).

Examples:
  $ skillsim sweep configs/sweep-resource-N0.yaml > runs.jsonl
  $ skillsim sweep my.yaml --out runs.jsonl --jobs 8
  $ skillsim sweep my.yaml --out runs.jsonl --resume           # after Ctrl-C: run the rest
  $ skillsim sweep my.yaml --out part-$SLURM_ARRAY_TASK_ID.jsonl --shard $SLURM_ARRAY_TASK_ID/16
  $ skillsim merge part-*.jsonl --out runs.jsonl
  $ skillsim sweep my.yaml --dry-run | wc -l                   # how many runs

One process writes an --out file at a time: FILE.lock (pid and host) is created while it
runs, and a second sweep on the same FILE stops with exit 2 naming the holder (a lock left
by a killed process is taken over). Everything that can be checked is checked before the
first run: the configs of all runs, the --out directory, --plot-x/--plot-series.
Ctrl-C: the runs in progress finish and are kept, no new one starts; Ctrl-C again stops at
once. Progress: a bar on a terminal, a line now and then otherwise (a Slurm log).

Exit codes: 0 all runs finished, 1 some runs diverged (the rest finished; also after
--resume when the file holds diverged runs) or internal error, 2 bad usage or config
(nothing run), 130/143 interrupted by SIGINT/SIGTERM (finished runs are kept; --resume
runs the rest). Cluster recipes: docs/cluster.md.`,
    )
    .action((config: string, opts: SweepCliOptions) => sweepCommand(config, opts));
  declareIo(cmd, { args: "config", outputs: ["--out", "--plot"], writes: (o) => !o.dryRun });
}

/** More worker threads than this many per CPU only cost memory (each holds a whole runtime). */
const MAX_JOBS_PER_CPU = 4;

function parseJobs(s: string | undefined): number {
  if (s === undefined) return availableParallelism();
  if (!/^\s*\d+\s*$/.test(s) || Number(s) < 1) throw new CliError(`--jobs: expected a whole number >= 1, got "${s}"`);
  return Number(s);
}

/** --jobs capped at the runs there are and at MAX_JOBS_PER_CPU x the CPUs, saying so when asked for more. */
function capJobs(jobs: number, runs: number, given: boolean, say: (m: string) => void): number {
  const cpus = availableParallelism();
  const maxJobs = MAX_JOBS_PER_CPU * cpus;
  const n = Math.max(1, Math.min(jobs, maxJobs, runs > 0 && given ? runs : jobs));
  if (n < jobs) {
    const why = n === maxJobs
      ? `at most ${MAX_JOBS_PER_CPU} x the ${cpus} CPUs available; more would only take memory`
      : `there ${runs === 1 ? "is 1 run" : `are ${runs} runs`} to do`;
    say(`--jobs ${jobs}: using ${n} worker thread${n === 1 ? "" : "s"} (${why})`);
  }
  return n;
}

/** --plot-x/--plot-series must name swept keys; checked before the first run, not after the last. */
async function checkPlotKeys(plan: SweepPlan, opts: SweepCliOptions): Promise<void> {
  const swept = plan.keys.map((k) => k.key);
  for (const [flag, key] of [["--plot-x", opts.plotX], ["--plot-series", opts.plotSeries], ["--plot-facet", opts.plotFacet]] as const) {
    if (key === undefined) continue;
    const k = plan.keys.find((x) => x.key === key);
    if (!k) throw new CliError(`${flag} ${key}: not a swept key; the sweep block of ${plan.file} sweeps ${swept.join(", ")}${suggest(key, swept)}`);
  }
  // The figure's own choice of keys (non-numeric x keys are drawn as categories; never the
  // seed by default), made now from the sweep block so that a figure it cannot draw fails
  // before the first run.
  const { chooseKeysOf, keyInfo } = await import("../report/figure/sweep.js");
  try {
    chooseKeysOf(plan.keys.map((k) => keyInfo(k.key, k.values)), { x: opts.plotX, series: opts.plotSeries, facet: opts.plotFacet });
  } catch (e) {
    throw new CliError(`--plot: ${(e as Error).message.replace(/^sweepFigure: /, "")}`);
  }
}

/** `--set k=v` on a key the sweep block also sets: every run takes the swept value. */
function noteSetsOnSweptKeys(plan: SweepPlan, sets: string[], say: (m: string) => void): void {
  for (const s of sets) {
    const key = s.slice(0, Math.max(0, s.indexOf("="))).trim();
    const k = plan.keys.find((x) => x.key === key || x.key.startsWith(`${key}.`) || key.startsWith(`${x.key}.`));
    if (k) say(`--set ${s}: ${k.key} is swept, so each run takes its value from the sweep block (${k.where}); this --set ${k.key === key ? "is overridden" : "is partly overridden"}`);
  }
}

/** Quote a word for a shell command line when it needs it. */
function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export async function sweepCommand(config: string, opts: SweepCliOptions): Promise<void> {
  const jobs = parseJobs(opts.jobs);
  const shard: Shard | undefined = opts.shard === undefined ? undefined : parseShard(opts.shard);
  if (opts.resume && !opts.out) throw new CliError("--resume needs --out FILE (the file whose finished runs it skips)");
  if (opts.plot && !opts.out) throw new CliError("--plot needs --out FILE (the figure is drawn from the finished lines in it)");
  const size = plotSettings(opts);
  if (opts.plotBand !== undefined && !BANDS.includes(opts.plotBand)) throw new CliError(`--plot-band ${opts.plotBand}: expected one of ${BANDS.join(", ")}`);
  const quiet = Boolean(opts.quiet);
  const say = (m: string) => {
    if (!quiet) note(m);
  };
  const plan = planSweep(readTextFile(config, "config"), { file: inputName(config), sets: opts.set });
  if (opts.plot) await checkPlotKeys(plan, opts);
  noteSetsOnSweptKeys(plan, opts.set, say);
  // The study block belongs to `skillsim study` (one home): sweep runs the runs and says so.
  if (plan.studyWhere) say(`${plan.studyWhere}: sweep runs the sweep only and does not act on the study: block; \`skillsim study ${shellWord(config)}\` runs the same runs (resuming) and computes the study's tables and figures`);

  if (opts.dryRun) {
    plan.validate(shardIds(plan.total, shard));
    for (const id of shardIds(plan.total, shard)) {
      const r = plan.run(id);
      process.stdout.write(JSON.stringify({ id, overrides: r.overrides, config_hash: r.hash }) + "\n");
    }
    return;
  }

  const runs = shardSize(plan.total, shard);
  const workers = capJobs(jobs, runs, opts.jobs !== undefined, say);
  const bar = progressBar("sweep", quiet, "runs");
  let started = performance.now();
  let summary;
  try {
    summary = await runSweep(plan, {
      out: opts.out,
      resume: opts.resume,
      jobs: workers,
      shard,
      handleSignals: true,
      note: quiet ? undefined : note,
      onProgress: (done, total) => {
        if (done === 0) started = performance.now(); // the runs start (validation is done)
        const s = (performance.now() - started) / 1000;
        bar.update(done, total, done > 0 && s > 0 ? ` | ${(done / s).toFixed(done / s >= 10 ? 0 : 1)} runs/s` : "");
      },
    });
  } finally {
    bar.stop();
  }

  const where = opts.out ? `in ${opts.out}` : "written";
  const have = summary.skipped + summary.finished;
  if (summary.interrupted) {
    const again = ["skillsim", "sweep", config, "--out", opts.out ?? "FILE", "--resume"];
    if (opts.shard) again.push("--shard", opts.shard);
    if (opts.jobs) again.push("--jobs", opts.jobs);
    for (const s of opts.set) again.push("--set", s);
    const hint = opts.out ? "" : " (FILE: where stdout went)";
    throw new Interrupted(
      `interrupted by ${summary.interrupted}: ${have} of ${summary.shardRuns} runs finished and are ${where}; run the rest with: ${again.map(shellWord).join(" ")}${hint}`,
      summary.interrupted,
    );
  }
  if (opts.plot) {
    const cfg0 = plan.run(0).cfg;
    await plotSweep(opts.out!, opts.plot, opts, size, modelSpec(cfg0.model).overridden?.(cfg0 as never) ?? null);
  }
  const failed = [...summary.failedBefore, ...summary.failed].sort((a, b) => a - b);
  if (failed.length > 0) {
    const ids = failed.slice(0, 10).join(", ") + (failed.length > 10 ? ", ..." : "");
    const before = summary.failedBefore.length > 0 ? ` (${summary.failedBefore.length} of them already ${where})` : "";
    throw new RunError(`${failed.length} of ${have} runs diverged (ids ${ids}; their lines carry "error")${before}; the other runs finished`);
  }
  if (!quiet && summary.shardRuns === 0) {
    note(`shard ${shard!.index}/${shard!.count} has no runs: the sweep has only ${summary.total}`);
  } else if (!quiet && summary.finished === 0) {
    note(`nothing left to run: all ${have} runs${shard ? ` of shard ${shard.index}/${shard.count}` : ""} are ${where}`);
  } else if (!quiet) {
    const rate = summary.seconds > 0 ? ` (${(summary.finished / summary.seconds).toFixed(1)} runs/s)` : "";
    const how = summary.workers > 0 ? `${summary.workers} worker thread${summary.workers === 1 ? "" : "s"}` : "in-process";
    const part = shard ? ` of shard ${shard.index}/${shard.count}` : "";
    const prior = summary.skipped > 0 ? `; ${summary.skipped} were already there` : "";
    note(`${summary.finished} runs${part} finished in ${summary.seconds.toFixed(1)} s${rate}, ${how}${prior}; ${have} of ${summary.shardRuns} ${where}`);
  }
  if (!quiet) warnRunsWithWarnings(summary.warned, summary.finished, "");
}


/** Draw the finished lines of a sweep output (runs that diverged carry no loss and are left out). */
async function plotSweep(out: string, plot: string, opts: SweepCliOptions, size: FigureSize, overridden: { keys: string[]; by: string } | null): Promise<void> {
  const { sweepSpec } = await import("../report/figure/sweep.js");
  // The one sweep-line reader (src/results/): each line checked, errors naming file:line.
  const lines = sweepLines(readTextFile(out, "sweep output"), out).map((l) => l.value).filter((l): l is FigureSweepLine => "final" in l);
  if (lines.length === 0) throw new RunError(`--plot: no finished runs in ${out} to draw`);
  let spec;
  try {
    spec = sweepSpec(lines, { x: opts.plotX, series: opts.plotSeries, facet: opts.plotFacet, y: opts.plotY, errorband: opts.plotBand as ErrorBand | undefined, overridden, ...size });
  } catch (e) {
    throw new RunError(`--plot: ${(e as Error).message}`);
  }
  await writeFigure(plot, spec, Boolean(opts.quiet));
}
