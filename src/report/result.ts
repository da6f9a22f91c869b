/**
 * The run result: the one JSON-shaped object every reporter (text, JSON, CSV, SVG) and
 * `skillsim check` reads. Field names are a public contract (scripts and CI rely on them):
 *   { model, config, skills: [{ index, frequency, onset, half, learned, final, withheld? }],
 *     final: { loss, time }, summary, warnings, domino, trace: { t, loss, level }, provenance }
 * warnings: what a reader must know to trust the numbers (empty for a clean run).
 * trace.level[i][k] is skill i+1's level at trace.t[k]; times are numbers or null.
 */
import type { Config } from "../config/schema.js";
import { dominoStats, type DominoStats } from "../models/timeline.js";
import type { ModelOutput, Trace } from "../models/types.js";
import { VERSION } from "../version.js";
import { configHash } from "../config/hash.js";

export interface SkillRow {
  index: number;
  frequency: number;
  onset: number | null;
  half: number | null;
  learned: number | null;
  final: number;
  /** Present only when the skill's timeline is withheld: why (onset, half, learned are then
   * null without meaning "never reached"). */
  withheld?: string;
}

export interface Provenance {
  skillsim: string;
  node: string;
  config_hash: string;
  seed: number;
}

export interface RunResult {
  model: Config["model"];
  config: Config;
  skills: SkillRow[];
  final: { loss: number; time: number };
  summary: Record<string, unknown>;
  warnings: string[];
  domino: DominoStats | null;
  trace: Trace;
  provenance: Provenance;
}

export function provenance(cfg: Config): Provenance {
  return { skillsim: VERSION, node: process.version, config_hash: configHash(cfg), seed: cfg.seed };
}

export function buildResult(cfg: Config, out: ModelOutput): RunResult {
  const skills = out.frequencies.map((p, i) => ({
    index: i + 1,
    frequency: p,
    onset: out.crossings.onset[i],
    half: out.crossings.half[i],
    learned: out.crossings.learned[i],
    final: out.final.level[i],
    ...(out.crossings.withheld?.[i] ? { withheld: out.crossings.withheld[i]! } : {}),
  }));
  return {
    model: cfg.model,
    config: cfg,
    skills,
    final: { loss: out.final.loss, time: out.final.time },
    summary: out.extra,
    warnings: [...(out.warnings ?? []), ...startWarnings(cfg, out)],
    domino: skills.length >= 2 ? dominoStats(out.frequencies, out.crossings) : null,
    trace: out.trace,
    provenance: provenance(cfg),
  };
}

/**
 * timeline.on: level with a threshold at or below a skill's starting level: the time 0 it
 * reports means "there from the start", not "learned at once". The config check refuses this
 * where the config fixes the start (config/semantic.ts `startingLevel`); here, for every model,
 * the run's own starting levels (a Geometry init, a network's measured accuracy) are checked.
 */
function startWarnings(cfg: Config, out: ModelOutput): string[] {
  const th = cfg.timeline;
  if (th.on !== "level") return [];
  const over = out.initialLevel.flatMap((s0, i) => (s0 >= th.onset ? [i + 1] : []));
  if (over.length === 0) return [];
  const names = over.length <= 8 ? over.join(", ") : `${over.slice(0, 8).join(", ")}, ... (${over.length} skills)`;
  const lv = over.map((i) => out.initialLevel[i - 1]);
  const lo = Math.min(...lv), hi = Math.max(...lv);
  const at = lo === hi ? `${Number(lo.toPrecision(4))}` : `${Number(lo.toPrecision(4))} to ${Number(hi.toPrecision(4))}`;
  return [`skill${over.length > 1 ? "s" : ""} ${names} start${over.length > 1 ? "" : "s"} at level ${at}, at or above the timeline's onset threshold ${th.onset} (on: level): a time 0 there means "already there at t = 0", not learned; use higher thresholds or on: progress`];
}
