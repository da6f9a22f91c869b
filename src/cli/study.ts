/** `skillsim study FILE`: run what a study needs (resuming), compute its tables, write them and its figures. */
import type { Command } from "commander";
import { appendFileSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { availableParallelism } from "node:os";
import { ConfigError } from "../config/errors.js";
import { runSweep } from "../sweep/run.js";
import { parseSweepRuns } from "../analysis/sweep-table.js";
import { CURVE_COLUMNS, parseStudy, type Study } from "../study/spec.js";
import { cellOf, computeStudy, toCsv, toRecords, type Cell, type StudyResult, type StudyRun, type Table } from "../study/compute.js";
import { studySpec } from "../report/figure/study.js";
import { withSuffix } from "../report/figure/formats.js";
import type { FigureSize } from "../report/figure/theme.js";
import { addPlotOptions, plotSettings, type PlotFlags } from "./plot.js";
import { CliError } from "./errors.js";
import { inputName, readTextFile } from "./read.js";
import { checkFolder, declareIo } from "./guard.js";
import { writeFigure, writeFileAtomic } from "./write.js";
import { Interrupted, RunError } from "../errors.js";
import type { VlSpec } from "../report/figure/theme.js";
import { progressBar } from "./progress.js";
import { note, warnRunsWithWarnings } from "./shared.js";

export interface StudyCliOptions extends PlotFlags {
  out?: string;
  jobs?: string;
  long?: boolean;
  quiet?: boolean;
}

export const INTERVAL_NOTE = "mean over each group's runs, sd the sample standard deviation (n - 1), lo/hi the 95% confidence interval of the mean (Student t, n - 1 degrees of freedom; empty for n < 2)";

export function registerStudy(program: Command): void {
  const cmd = program
    .command("study")
    .argument("<file>", "a config with sweep: and study: blocks, or a study file naming several configs")
    .description("run a study's sweeps (resuming), write its tidy tables (CSV and JSON) and Vega-Lite figures")
    .option("-o, --out <dir>", "folder for the runs, tables and figures (default: <file name>-study)")
    .option("-j, --jobs <n>", `worker threads for the runs (default: ${availableParallelism()})`)
    .option("--long", "also write curves.csv: one row per run, recorded step and skill (config, id, seed, swept keys, step, skill, task, level, loss)")
    .option("-q, --quiet", "no progress or notes on stderr")
    .option("--plot <file>", "also draw the study's figures as FILE.svg, .png, .vl.json or .html (several figures: FILE-<name>.<ending>)");
  addPlotOptions(cmd)
    .addHelpText("after", `
The study block (docs/study.md):
  study:
    derive: {ratio: "skills[2].learned / skills[1].learned"}   # per-run quantities
    group: [skills.frequencies]                                # default: the swept keys but seed
    fit: {x: params, y: final.loss, by: [skills.frequencies.zipf], fix_E: 0, range: [40, 220]}
    compare: {key: config, num: random, den: modular, of: [final_loss]}   # paired ratios (a study file)
    calibrate: {model: resource}                               # N0 per run, as \`skillsim calibrate\`
    figures: [{name: ratio, data: groups, x: skills.frequencies, y: ratio}]

Writes into the folder: runs-<config>.jsonl (the sweep lines; a second call resumes them),
results-<config>.jsonl (each run's whole result, when curves figures, --long or calibrate need
its level curves: no run is run twice), runs.csv/.json (one row per run), groups.csv/.json (per group and quantity: n, mean, sd and
the 95% t interval of the mean), fits.csv/.json, compare.csv/.json, calibration.csv/.json, <figure>.vl.json and <figure>.svg
(Vega-Lite, data inline; seeds drawn as their mean with the 95% t interval of the mean, each
run a dot) and study.json (what was computed, and how). stdout: the group table.

Exit codes: 0 done, 1 some runs diverged (the rest are used) or a run failed, 2 bad study or config (nothing run).`)
    .action(async (file: string, opts: StudyCliOptions) => {
      const quiet = Boolean(opts.quiet);
      const out = opts.out ?? `${inputName(file).replace(/^.*\//, "").replace(/\.ya?ml$/i, "")}-study`;
      if (opts.out === undefined) checkFolder("--out", out); // a given --out: checked by the output guard
      const size = plotSettings(opts);
      const { result, failed, drawn } = await executeStudy(file, { out, jobs: parseJobs(opts.jobs), long: Boolean(opts.long), quiet, plot: opts.plot, size, check: (s) => checkPlot(s, opts.plot) });
      process.stdout.write(textTable(result.groups));
      if (!quiet) note(`groups: ${INTERVAL_NOTE}`);
      if (!quiet) note(`wrote ${out}/: runs, groups${result.fits ? ", fits" : ""}${result.compare ? ", compare" : ""}${result.calibration ? ", calibration" : ""} (CSV and JSON)${drawn.length ? `, ${drawn.map((name) => `${name}.vl.json/.svg`).join(", ")}` : ""}${opts.long ? ", curves.csv" : ""}`);
      if (failed > 0) throw new RunError(`${failed} run${failed === 1 ? "" : "s"} diverged (their rows carry "error"); the other runs were used`);
    });
  declareIo(cmd, { args: "study", outputs: ["--plot"], folders: ["--out"] });
}

function parseJobs(s: string | undefined): number {
  if (s === undefined) return availableParallelism();
  if (!/^\s*\d+\s*$/.test(s) || Number(s) < 1) throw new CliError(`--jobs: expected a whole number >= 1, got "${s}"`);
  return Number(s);
}

/** Read and check a study file (exit 2 on any problem, before any run). */
export function loadStudy(file: string): Study {
  const text = readTextFile(file, "study");
  return parseStudy(text, inputName(file), (p) => readTextFile(p, "config"));
}

export interface ExecuteOptions {
  out: string;
  jobs: number;
  long?: boolean;
  quiet?: boolean;
  /** Overrides for every config (paper --full). */
  study?: Study;
  /** --plot: each figure also drawn to this file (several: studyPlotFiles). */
  plot?: string;
  /** Figure size and x range (--plot-size, --xlim). */
  size?: FigureSize;
  /** Name every --plot file by its figure, even when there is one (paper: FILE-fig<N>-<name>). */
  plotPrefix?: boolean;
  /** Checks on the loaded study before any run (a --plot with no figure to draw). */
  check?: (study: Study) => void;
}

/** The --plot files of a study's figures: the file itself for one figure, FILE-<name>.<ending> for several. */
export function studyPlotFiles(study: Study, plot: string, always = false): string[] {
  if (study.figures.length === 1 && !always) return [plot];
  return study.figures.map((f) => withSuffix(plot, `-${f.name}`));
}

/** --plot on a study with no figures: refused before any run (exit 2). */
export function checkPlot(study: Study, plot: string | undefined): void {
  if (plot !== undefined && study.figures.length === 0) throw new CliError(`--plot ${plot}: ${study.file} draws no figures (add study: figures: [...])`);
}

/** Run, compute, write (see the command's help). */
export async function executeStudy(file: string, opts: ExecuteOptions): Promise<{ study: Study; result: StudyResult; failed: number; seconds: number; drawn: string[]; specs: Map<string, VlSpec> }> {
  const t0 = performance.now();
  const study = opts.study ?? loadStudy(file);
  opts.check?.(study);
  const quiet = Boolean(opts.quiet);
  const say = (m: string) => {
    if (!quiet) note(m);
  };
  // The folder was checked before any work (checkFolder: by the output guard for a given --out,
  // by the callers for the default folder and paper's per-figure ones).
  try {
    mkdirSync(opts.out, { recursive: true });
  } catch (e) {
    throw new CliError(`--out ${opts.out}: cannot create the folder: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }

  // Runs: each config's sweep into its own JSON Lines file, resuming what is there. When the
  // study needs the level curves (curves figures, --long, calibrate), each run's whole result is
  // kept beside its line (results-<config>.jsonl), so no run is run twice.
  const wantsCurves = study.figures.some((f) => f.data === "curves");
  const needsResults = Boolean(study.calibrate || opts.long || wantsCurves);
  let failed = 0;
  const runs: StudyRun[] = [];
  for (const src of study.sources) {
    const path = join(opts.out, `runs-${src.label}.jsonl`);
    const bar = progressBar(`${src.label}`, quiet, "runs");
    try {
      const s = await runSweep(src.plan, { out: path, resume: existsSync(path), keep: needsResults ? keptPath(opts.out, src.label) : undefined, jobs: Math.max(1, Math.min(opts.jobs, src.plan.total)), handleSignals: true, note: quiet ? undefined : note, onProgress: (d, t) => bar.update(d, t) });
      if (s.interrupted) throw new Interrupted(`interrupted by ${s.interrupted}: the finished runs are in ${path}; run the same command again to resume`, s.interrupted);
      if (s.finished > 0) say(`${src.label}: ${s.finished} runs in ${s.seconds.toFixed(1)} s${s.skipped ? ` (${s.skipped} were there)` : ""}`);
    } finally {
      bar.stop();
    }
    const lines = parseSweepRuns(readTextFile(path, "sweep output"), path);
    // every run the study reads, resumed ones too: its numbers come from all of them
    if (!quiet) warnRunsWithWarnings(lines.flatMap((r) => (r.warnings && r.warnings.length > 0 ? [{ id: r.id, first: r.warnings[0] }] : [])), lines.length, `${src.label}: `);
    const byId = new Map(lines.map((r) => [r.id, r]));
    for (let id = 0; id < src.plan.total; id++) {
      const run = byId.get(id);
      if (!run) throw new RunError(`${path}: run ${id} is missing; run the command again to resume`);
      if (run.error) failed++;
      runs.push({ label: src.label, run, cfg: src.plan.run(id).cfg });
    }
  }

  const curves = needsResults ? await curvesOf(study, runs, opts, say, wantsCurves) : null;
  const result = computeStudy(study, runs);
  result.curves = curves;
  for (const n of result.notes) say(n);

  const write = (name: string, t: Table | null) => {
    if (!t) return;
    writeFileAtomic(join(opts.out, `${name}.csv`), toCsv(t));
    writeFileAtomic(join(opts.out, `${name}.json`), JSON.stringify(toRecords(t), null, 1) + "\n");
  };
  write("runs", result.runs);
  write("groups", result.groups);
  write("fits", result.fits);
  write("compare", result.compare ?? null);
  write("calibration", result.calibration);
  // Each figure as its Vega-Lite specification (data inline: opens in the Vega editor and Altair)
  // and drawn to SVG by the one figure layer.
  const plots = opts.plot ? studyPlotFiles(study, opts.plot, opts.plotPrefix) : [];
  const drawn: string[] = [];
  const specs = new Map<string, VlSpec>();
  for (const [i, f] of study.figures.entries()) {
    let spec: VlSpec;
    try {
      spec = studySpec(result, f, { title: study.paper?.title, checks: study.paper?.checks, ...opts.size });
    } catch (e) {
      // Nothing to draw (no run reached the quantity): said, the tables stay written.
      const m = `${f.where}: ${(e as Error).message}; not drawn`;
      result.notes.push(m);
      say(m);
      continue;
    }
    await writeFigure(join(opts.out, `${f.name}.vl.json`), spec, opts.quiet);
    await writeFigure(join(opts.out, `${f.name}.svg`), spec, opts.quiet);
    if (plots[i]) await writeFigure(plots[i], spec, opts.quiet);
    drawn.push(f.name);
    specs.set(f.name, spec);
  }
  const seconds = (performance.now() - t0) / 1000;
  writeFileAtomic(join(opts.out, "study.json"), JSON.stringify({
    study: study.file,
    configs: study.sources.map((s) => ({ label: s.label, file: s.path, runs: s.plan.total, swept: s.plan.keys.map((k) => k.key) })),
    quantities: Object.fromEntries(study.quantities.map((q) => [q.name, q.src])),
    group: study.group,
    intervals: INTERVAL_NOTE,
    fit: study.fit ? { form: study.fit.fixE === 0 ? "L = A x^-alpha" : study.fit.fixE === null ? "L = E + A x^-alpha" : `L = ${study.fit.fixE} + A x^-alpha`, x: study.fit.x.src, y: study.fit.y.src, by: study.fit.by, range: study.fit.range, interval: study.fit.bootstrap > 0 ? `alpha_lo/alpha_hi: 2.5 and 97.5 percentiles of ${study.fit.bootstrap} bootstrap refits (runs resampled, seed 0)` : null } : null,
    compare: study.compare ? { ratio: `<q>_ratio = <q> of the ${study.compare.key} = ${study.compare.num} run / <q> of the ${study.compare.key} = ${study.compare.den} run with the same other group keys and seed`, of: study.compare.of, aggregate: "n, mean, sd and the 95% t interval of the mean over the pairs" } : null,
    calibrate: study.calibrate ? { model: study.calibrate.model, fit: study.calibrate.fit ?? "the default of skillsim calibrate" } : null,
    figures: drawn.flatMap((name) => [`${name}.vl.json`, `${name}.svg`]),
    notes: result.notes,
  }, null, 1) + "\n");
  return { study, result, failed, seconds, drawn, specs };
}

/** Where a study keeps its runs' whole results (results/kept-runs.ts), one file per config. */
export function keptPath(out: string, label: string): string {
  return join(out, `results-${label}.jsonl`);
}

/**
 * Per-run work that needs the level curves, which sweep lines do not keep: read from the results
 * the sweep kept beside its lines (results-<config>.jsonl). A run with no kept result (its line
 * written by a sweep that kept none, or a kept result that does not match the line) is run again
 * in-process from the config it ran with (same config, same seed: the same numbers) and its
 * result appended to the file, so the next call finds it.
 */
async function curvesOf(study: Study, runs: StudyRun[], opts: ExecuteOptions, say: (m: string) => void, wantsCurves: boolean): Promise<Table | null> {
  const { runModel, modelSpec, taskNamesOf } = await import("../models/index.js");
  const { buildResult } = await import("../report/result.js");
  const { readKeptRuns, keptRunLine } = await import("../results/index.js");
  const { configHash } = await import("../config/hash.js");
  const kept = new Map(study.sources.map((s) => [s.label, readKeptRuns(keptPath(opts.out, s.label))]));
  const rerunNow = new Map<string, string[]>(); // label -> kept lines of the runs re-run here
  let reran = 0;
  const cal = study.calibrate ? await import("../calibrate/index.js") : null;
  const swept = [...new Set(study.sources.flatMap((s) => s.plan.keys.map((k) => k.key)))].filter((k) => k !== "seed");
  const curves: string[] = [["config", "id", "seed", ...swept, "step", "skill", "task", "level", "loss"].map(csvText).join(",")];
  // The curves figures' table: the same rows, with each skill's own loss (the model's SkillLoss; empty where it has none).
  const table: Table | null = wantsCurves ? { columns: ["config", "id", "seed", ...swept, ...CURVE_COLUMNS], rows: [] } : null;
  const bar = progressBar(study.calibrate ? "calibrate" : "curves", Boolean(opts.quiet), "runs");
  try {
    for (let i = 0; i < runs.length; i++) {
      const r = runs[i];
      bar.update(i, runs.length);
      if (r.run.error) continue;
      const k = kept.get(r.label)?.get(r.run.id);
      let res = k && k.config_hash === configHash(r.cfg) && (k.result as unknown as { final?: { loss?: unknown } }).final?.loss === r.run.finalLoss ? (k.result as unknown as ReturnType<typeof buildResult>) : null;
      if (!res) {
        res = buildResult(r.cfg, runModel(r.cfg));
        if (res.final.loss !== r.run.finalLoss) throw new RunError(`${r.label} run ${r.run.id}: re-running gave a final loss of ${res.final.loss}, the sweep line ${r.run.finalLoss}; the line was made by another version or config`);
        reran++;
        const list = rerunNow.get(r.label) ?? [];
        list.push(keptRunLine(r.run.id, res.provenance.config_hash, res));
        rerunNow.set(r.label, list);
      }
      if (table) {
        const sl = modelSpec(r.cfg.model).skillLoss?.(r.cfg as never);
        const of = sl && typeof sl !== "string" ? sl : null;
        const keys: Cell[] = [r.label, r.run.id, r.cfg.seed, ...swept.map((k) => (Object.hasOwn(r.run.overrides, k) ? cellOf(r.run.overrides[k]) : null))];
        const tr = res.trace as { t: number[]; loss: number[]; level: number[][] };
        const summary = (res.summary ?? {}) as Record<string, unknown>;
        const names = taskNamesOf(r.cfg, tr.level.length);
        const aligned = (res.trace as { extra?: { aligned?: unknown } }).extra?.aligned;
        const al = Array.isArray(aligned) && aligned.length === tr.level.length ? (aligned as number[][]) : null;
        for (let k = 0; k < tr.t.length; k++)
          for (let s = 0; s < tr.level.length; s++) {
            const l = of ? of.of(tr.level[s][k], s + 1, summary) : null;
            // diagnostics: average records 0 at t = 0 (no update yet): empty here, not a count of 0 drawn as a dip.
            const a = tr.t[k] === 0 ? null : al?.[s]?.[k];
            table.rows.push([...keys, tr.t[k], s + 1, names[s], tr.level[s][k], tr.loss[k], l !== null && Number.isFinite(l) ? l : null, typeof a === "number" && Number.isFinite(a) ? a : null]);
          }
      }
      if (opts.long) {
        const head = [r.label, r.run.id, r.cfg.seed, ...swept.map((k) => (Object.hasOwn(r.run.overrides, k) ? r.run.overrides[k] : ""))].map(csvText).join(",");
        const tr = res.trace as { t: number[]; loss: number[]; level: number[][] };
        const names = taskNamesOf(r.cfg, tr.level.length).map(csvText);
        for (let k = 0; k < tr.t.length; k++)
          for (let s = 0; s < tr.level.length; s++) curves.push(`${head},${tr.t[k]},${s + 1},${names[s]},${tr.level[s][k]},${tr.loss[k]}`);
      }
      if (cal && study.calibrate) {
        try {
          const obs = cal.parseObserved(JSON.stringify(res), `${r.label} run ${r.run.id}`);
          const p = cal.plan([obs], { model: study.calibrate.model, fit: study.calibrate.fit });
          const c = cal.calibrate(p, { model: study.calibrate.model });
          r.calibration = { ...c.params, calibration_rmse: c.rmse };
        } catch (e) {
          if (e instanceof cal.CalibrateError) throw new ConfigError(`cannot calibrate ${r.label} run ${r.run.id}: ${e.message}`, study.calibrate.where, "study.calibrate");
          throw e;
        }
      }
    }
    bar.update(runs.length, runs.length);
  } finally {
    bar.stop();
    for (const [label, lines] of rerunNow) appendFileSync(keptPath(opts.out, label), lines.join("\n") + "\n");
  }
  if (reran > 0) say(`${reran} run${reran === 1 ? "" : "s"} re-run in-process for ${wantsCurves || opts.long ? "their curves" : "calibration"} (no kept result: lines from a sweep that kept none); kept in results-<config>.jsonl for the next call`);
  if (opts.long) {
    writeFileAtomic(join(opts.out, "curves.csv"), curves.join("\n") + "\n");
    say(`curves.csv: ${curves.length - 1} rows`);
  }
  return table;
}

function csvText(v: unknown): string {
  const s = typeof v === "string" ? v : v === null || v === undefined ? "" : typeof v === "number" ? String(v) : JSON.stringify(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Aligned text of a table (numbers to 4 significant digits). */
export function textTable(t: Table): string {
  const fmt = (c: unknown) => (c === null ? "-" : typeof c === "number" ? (Number.isInteger(c) ? String(c) : Number(c.toPrecision(4)).toString()) : String(c));
  const cells = [t.columns, ...t.rows.map((r) => r.map(fmt))];
  const w = t.columns.map((_, j) => Math.max(...cells.map((r) => String(r[j]).length)));
  return cells.map((r) => r.map((c, j) => String(c).padEnd(w[j])).join("  ").trimEnd()).join("\n") + "\n";
}
