/** `skillsim kinematics RESULT`: learning as motion (information velocity, acceleration, least time). */
import type { Command } from "commander";
import { kinematics, parseDeltas, parseSmooth } from "../analysis/kinematics.js";
import { renderKinematics, type KinematicsDoc } from "../report/kinematics.js";
import { readRunJson } from "../results/run-json.js";
import { readTextFile } from "./read.js";
import { declareIo } from "./guard.js";
import { emit, writeFigure } from "./write.js";
import { note } from "./shared.js";

import { plotSettings, type PlotFlags } from "./plot.js";
export interface KinematicsOptions extends PlotFlags {
  delta?: string;
  smooth?: string;
  json?: boolean;
  out?: string;
  quiet?: boolean;
}

export function registerKinematics(program: Command): void {
  const cmd = program
    .command("kinematics")
    .argument("<result>", "a run result: the JSON of `skillsim run --json` (any model)")
    .description("learning as motion: information velocity and acceleration, per-skill velocity, least time T(delta)")
    .option("--delta <list>", "loss thresholds for the least time T(delta), comma-separated (default: L(0) x 0.5, 0.1, 0.01, 0.001)")
    .option("--smooth <K>", "average each velocity over a centred window of K intervals (odd) before reading rises, falls and peaks")
    .option("--json", "print one JSON document")
    .option("-o, --out <file>", "write the report to FILE (atomically) instead of stdout")
    .option("--plot <file>", "draw the velocities: FILE.svg, .png, .vl.json or .html")
    .option("--xlim <lo,hi>", "with --plot: draw only lo <= t <= hi")
    .option("--plot-size <WxH>", "with --plot: one panel's width and height in px (default 560x220)")
    .option("-q, --quiet", "no notes on stderr")
    .addHelpText(
      "after",
      `
What it measures, on the run's recorded trace (t_k, L_k) (Guo and Schoelkopf 2025):
  information velocity  v_k = -(ln L_{k+1} - ln L_k) / (t_{k+1} - t_k)   (per recorded interval)
  decelerating_fraction the share of consecutive intervals where v falls: is learning decelerating?
  per skill             progress velocity w_k = (pi_{k+1} - pi_k) / (t_{k+1} - t_k), the share of
                        intervals where it rises (overall, and inside the skill's own ramp 0 < pi < 1),
                        and when it peaks (when that domino falls)
  least time            T(delta) = first recorded t with L <= delta
  step length           for Geometry runs with diagnostics: |delta theta| and whether it decelerates

With record: every these are exact per step; on a sparser trace velocities are interval
averages and T(delta) is the first recorded time (the report says so). A series whose changes
alternate in sign at most intervals (a noisy every-step run) is flagged noise-dominated;
--smooth K averages the velocities over K intervals first (the report states the window).
A loss of exactly 0 (a Domino run past its last skill) ends the kinematics at the point before.

Examples:
  $ skillsim run configs/geometry-minimal.yaml --set record=every --json --out run.json
  $ skillsim kinematics run.json
  $ skillsim kinematics run.json --delta 0.1,0.01 --json | jq .least_time
  $ skillsim kinematics run.json --plot velocity.svg

Exit codes: 0 success, 2 bad input (not a run JSON, fewer than 2 points, a loss < 0).`,
    )
    .action((result: string, opts: KinematicsOptions) => kinematicsCommand(result, opts));
  declareIo(cmd, { args: "run result", outputs: ["--out", "--plot"] });
}

export function kinematicsCommand(resultPath: string, opts: KinematicsOptions): Promise<void> | void {
  const size = plotSettings(opts);
  const deltas = opts.delta === undefined ? null : parseDeltas(opts.delta);
  const smooth = opts.smooth === undefined ? 1 : parseSmooth(opts.smooth);
  const run = readRunJson(readTextFile(resultPath, "run result"), resultPath);
  const { t, loss, level } = run.trace;
  const onLevel = run.config.timeline?.on === "level";
  // Progress baseline s(0): the level at t = 0 when it was recorded (every model records it).
  let baseline: number[] | null = null;
  if (!onLevel) {
    if (t.length > 0 && t[0] === 0) baseline = level.map((row) => row[0]);
    else {
      const s0 = run.config.loss === "ce" ? 0.5 : 0;
      baseline = level.map(() => s0);
      if (!opts.quiet) note(`${resultPath}: the trace does not start at t = 0; progress uses s(0) = ${s0}`);
    }
  }
  const L0 = loss[0];
  const steps = typeof run.config.steps === "number" ? run.config.steps : t[t.length - 1];
  const stepLength = run.trace.extra?.stepLength;
  const k = kinematics({
    t,
    loss,
    level,
    baseline,
    deltas: deltas ?? [0.5, 0.1, 0.01, 0.001].map((f) => Number((f * L0).toPrecision(6))),
    steps,
    stepLength: Array.isArray(stepLength) && stepLength.every((x) => typeof x === "number") ? (stepLength as number[]) : undefined,
    source: resultPath,
    smooth,
  });
  if (!opts.quiet) for (const n of k.notes) note(n);
  const doc: KinematicsDoc = { model: run.model, progress: onLevel ? "level" : "progress", ...k };
  emit(opts.json ? JSON.stringify(doc) + "\n" : renderKinematics(doc), opts.out);
  const plot = opts.plot;
  // vega and the figure code are loaded only when --plot asks for them.
  if (plot) return import("../report/figure/kinematics.js").then(({ kinematicsSpec }) => writeFigure(plot, kinematicsSpec(doc, size), Boolean(opts.quiet)));
}
