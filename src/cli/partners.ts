/**
 * Options that act only with another option ("acts only with"), declared once for every
 * command: given without their partner they change nothing, so the user gets a note on stderr
 * (never with --quiet) instead of silence. main.ts checks every command before its action.
 */
import type { Command } from "commander";
import { note } from "./shared.js";

export interface Partner {
  /** The option that acts only with `with`, as typed (e.g. "--seed"). */
  option: string;
  with: string;
  /** What it does with its partner, for the note. */
  what: string;
  /** Options that make the note moot (e.g. sweep --dry-run runs nothing). */
  unless?: string[];
}

/** What every drawing command's --xlim and --plot-size need. */
const FIGURE: readonly Partner[] = [
  { option: "--xlim", with: "--plot", what: "the figure" },
  { option: "--plot-size", with: "--plot", what: "the figure" },
];

/** What --seed and --level need wherever --bootstrap resamples. */
const BOOTSTRAP: readonly Partner[] = [
  { option: "--seed", with: "--bootstrap", what: "the resamples' random seed" },
  { option: "--level", with: "--bootstrap", what: "the intervals' coverage" },
];

export const ACTS_ONLY_WITH: Readonly<Record<string, readonly Partner[]>> = {
  run: [
    { option: "--log-time", with: "--plot", what: "the figure's time axis" },
    { option: "--skill-loss", with: "--plot", what: "the figure's per-skill loss panel" },
    ...FIGURE,
  ],
  kinematics: [...FIGURE],
  calibrate: [
    { option: "--log-time", with: "--plot", what: "the figure's time axis" },
    ...FIGURE,
    ...BOOTSTRAP,
  ],
  fit: [
    ...BOOTSTRAP,
    { option: "--bootstrap-by", with: "--bootstrap", what: "what is resampled" },
    { option: "--flops-per-param-token", with: "--compute", what: "C = k N D for the compute-optimal split" },
    ...FIGURE,
  ],
  study: [
    { option: "--xlim", with: "--plot", what: "the figures" },
    { option: "--plot-size", with: "--plot", what: "the figures" },
  ],
  paper: [
    { option: "--xlim", with: "--plot", what: "the figures" },
    { option: "--plot-size", with: "--plot", what: "the figures" },
  ],
  sweep: [
    { option: "--plot-x", with: "--plot", what: "the sweep figure", unless: ["--dry-run"] },
    { option: "--plot-series", with: "--plot", what: "the sweep figure", unless: ["--dry-run"] },
    { option: "--plot-y", with: "--plot", what: "the sweep figure", unless: ["--dry-run"] },
    { option: "--plot-facet", with: "--plot", what: "the sweep figure", unless: ["--dry-run"] },
    { option: "--plot-band", with: "--plot", what: "the sweep figure", unless: ["--dry-run"] },
    { option: "--xlim", with: "--plot", what: "the sweep figure", unless: ["--dry-run"] },
    { option: "--plot-size", with: "--plot", what: "the sweep figure", unless: ["--dry-run"] },
  ],
};

/** Whether the user typed `flag` (not a default) for this command. */
function given(cmd: Command, flag: string): boolean {
  const o = cmd.options.find((x) => x.long === flag);
  if (!o) return false;
  return cmd.getOptionValueSource(o.attributeName()) === "cli";
}

/** The notes for options given without their partner (pure: the command's parsed options in, lines out). */
export function partnerNotes(cmd: Command): string[] {
  const rules = ACTS_ONLY_WITH[cmd.name()] ?? [];
  return rules
    .filter((r) => given(cmd, r.option) && !given(cmd, r.with) && !(r.unless ?? []).some((u) => given(cmd, u)))
    .map((r) => `${r.option} only acts with ${r.with} (${r.what}); ignored`);
}

export function checkPartners(cmd: Command): void {
  if ((cmd.opts() as { quiet?: boolean }).quiet) return;
  for (const line of partnerNotes(cmd)) note(line);
}
