/** `skillsim run [CONFIG]`: one experiment, reported as text, JSON or CSV. */
import type { Command } from "commander";
import type { ModelOutput } from "../models/types.js";
import type { SkillLoss } from "../models/spec.js";
import type { Config } from "../config/schema.js";
import { buildResult } from "../report/result.js";
import { renderCsv, renderText } from "../report/text.js";
import { modelSpec } from "../models/index.js";
import { inBackground, interruptible } from "./background.js";
import { CliError } from "./errors.js";
import { inputName } from "./read.js";
import { declareIo } from "./guard.js";
import { emit, writeFigure, writeFileAtomic } from "./write.js";
import { colorAllowed } from "./terminal.js";
import { loadConfigFile } from "./config-file.js";
import { progressBar } from "./progress.js";
import { collect, note } from "./shared.js";
import { addPlotOptions, plotSettings, type PlotFlags } from "./plot.js";

export interface RunOptions extends PlotFlags {
  set: string[];
  json?: boolean;
  csv?: boolean;
  out?: string;
  quiet?: boolean;
  logTime?: boolean;
  skillLoss?: boolean;
  vectors?: string;
}

export function registerRun(program: Command): void {
  const cmd = program
    .command("run")
    .argument("[config]", "YAML config file, or - to read it from stdin (default: the paper's minimal example of the model --set model=NAME names; Resource without one)")
    .description("run one experiment and report each skill's onset timeline")
    .option("--set <key=value>", "override a config key (dotted, repeatable; value parsed as YAML)", collect, [])
    .option("--json", "print one JSON document: config, skills timeline, final loss, trace")
    .option("--csv", "print the recorded trace as CSV (t, loss, s1..sn)")
    .option("-o, --out <file>", "write the result to FILE (atomically) instead of stdout")
    .option("-q, --quiet", "no progress or notes on stderr")
    .option("--plot <file>", "also draw the run as a figure: FILE.svg, .png, .vl.json or .html (levels or task losses, loss, onset timeline, aligned dimensions when recorded)")
    .option("--log-time", "with --plot: log-scaled time axis")
    .option("--skill-loss", "with --plot: also a panel of each skill's own loss (e.g. (1 - s_i)^2; paper Fig 12), log axis")
    .option("--vectors <file>", "geometry: also write the run's skill vectors as CSV (one row per skill)");
  addPlotOptions(cmd)
    .addHelpText(
      "after",
      `
Examples:
  $ skillsim run                                   # the built-in default (Resource model, 10 skills)
  $ skillsim run --set model=geometry              # the Geometry model's minimal example
  $ skillsim init geometry | skillsim run -        # a config from stdin
  $ skillsim run configs/resource-chain.yaml
  $ skillsim run --set N0=1 --set steps=3000       # change keys without editing the file
  $ skillsim run configs/geometry-minimal.yaml --json | jq '.skills[] | [.index, .onset, .learned]'
  $ skillsim run --csv --out trace.csv
  $ skillsim run configs/domino-serial.yaml --plot domino.svg
  $ skillsim run configs/domino-serial.yaml --plot domino.html   # interactive: tooltips, zoom

Times: onset/half/learned are the first step whose progress exceeds 0.1/0.5/0.9
(interpolated crossing times with integrator: rk45; exact times for the Domino model).
Progress goes to stderr: a bar on a terminal, a line now and then otherwise (a Slurm log).
Exit codes: 0 success, 1 the run failed (diverged), 2 bad usage or config (nothing run),
130/143 interrupted by SIGINT/SIGTERM (nothing written).`,
    )
    .action((config: string | undefined, opts: RunOptions) => runCommand(config, opts));
  declareIo(cmd, { args: "config", outputs: ["--out", "--plot", "--vectors"] });
}

export async function runCommand(config: string | undefined, opts: RunOptions): Promise<void> {
  if (opts.json && opts.csv) throw new CliError("choose one of --json and --csv");
  const size = plotSettings(opts);
  const cfg = loadConfigFile(config, opts.set);
  const writeVectors = modelSpec(cfg.model).exports?.vectors;
  const skillLoss = opts.skillLoss && opts.plot ? skillLossOf(cfg) : undefined; // refused before the run
  if (opts.vectors && !writeVectors) throw new CliError(`--vectors ${opts.vectors}: only the geometry model has skill vectors (this config is ${cfg.model})`);
  if (!opts.quiet) {
    if (cfg.sweep) note("this config has a sweep block; `run` runs the base config only (use `skillsim sweep` for all runs)");
  }
  const bar = progressBar(`${cfg.model}`, Boolean(opts.quiet));
  let out: ModelOutput;
  try {
    // On a worker thread, so that Ctrl-C stops the run at once.
    out = await interruptible(`the run of ${config === undefined ? "the built-in default" : inputName(config)}`, () =>
      inBackground<ModelOutput>(modelSpec(cfg.model).runner.module, modelSpec(cfg.model).runner.fn, [cfg], (d, t) => bar.update(d, t)),
    );
  } finally {
    bar.stop();
  }
  const result = buildResult(cfg, out);
  // The text report prints its warnings; JSON carries them in `warnings`, CSV has no room.
  if ((opts.json || opts.csv || opts.out) && !opts.quiet) for (const w of result.warnings) process.stderr.write(`skillsim: warning: ${w}\n`);
  let text: string;
  if (opts.json) text = JSON.stringify(result) + "\n";
  else if (opts.csv) text = renderCsv(result);
  else text = renderText(result, { color: !opts.out && colorAllowed(process.stdout), width: process.stdout.columns || 100 });
  emit(text, opts.out);
  if (opts.vectors && writeVectors) writeFileAtomic(opts.vectors, writeVectors(cfg));
  if (opts.plot) {
    const { runSpec } = await import("../report/figure/run.js");
    await writeFigure(opts.plot, runSpec(result as never, { logTime: opts.logTime, title: cfg.title, skillLoss, ...size }), Boolean(opts.quiet));
  }
}

/** The model's per-skill loss for --skill-loss, or a CliError (exit 2) saying why this config has none. */
function skillLossOf(cfg: Config): SkillLoss {
  const spec = modelSpec(cfg.model);
  const f = spec.skillLoss?.(cfg as never) ?? `the ${cfg.model} model defines no per-skill loss`;
  if (typeof f === "string") throw new CliError(`--skill-loss: ${f}; draw the figure without it`);
  return f;
}
