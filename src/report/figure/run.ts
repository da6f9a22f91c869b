/**
 * The run figure: one simulated run (`skillsim run --json`) as panels stacked on a shared
 * time axis:
 * (a) each skill's level (accuracy for a network's tasks), or each task's own loss where
 *     that is what the run measures (the `squares` network: loss_i = l_i(0)·(1 - level_i));
 * (b) the total loss on a log axis kept within its useful range (LOSS_RANGE decades below
 *     its largest value: a Domino run's loss reaching 10⁻¹¹⁶ would flatten everything else);
 * (c) the onset timeline: a bar per skill from onset to learned, a tick at half-learned;
 * (d) when the Geometry diagnostics were recorded: each skill's aligned dimensions.
 * With a SkillLoss (`run --plot --skill-loss`) each skill's own loss gets a panel after (a),
 * on a log axis kept within LOSS_RANGE decades of its largest value; panels are lettered in order.
 * Tasks are named from the config where the model names them ("x1 xor x2" for a sparse-parity
 * output, "training accuracy" and "held-out accuracy" for modular addition), legends
 * and rows go in skill-index order, colours are viridis in that order (skill 1 darkest).
 */
import { evenlySpaced, fmtAny, fmtValue } from "../format.js";
import { isModelName, modelSpec, taskNamesOf } from "../../models/index.js";
import type { SkillLoss } from "../../models/spec.js";
import type { SkillRow } from "../result.js";
import { type FigureSize, type VlSpec, topLevel, viridisRange, xDomain, zoom } from "./theme.js";

/** A skill's row of the run JSON, as the figure reads it (the writer's SkillRow). */
export type RunSkillRow = Omit<SkillRow, "withheld">;

/** What the run figure reads of a run result (the run JSON). */
export interface RunFigureInput {
  model: string;
  config: Record<string, unknown>;
  skills: RunSkillRow[];
  final: { loss: number; [k: string]: unknown };
  summary?: Record<string, unknown>;
  trace: { t: number[]; loss: number[]; level: number[][]; extra?: Record<string, unknown> };
}

export interface RunFigureOptions extends FigureSize {
  /** Log-scaled time axis (starts at the first positive recorded time). */
  logTime?: boolean;
  title?: string;
  /** Most skills drawn (default 20), evenly spaced in index. */
  maxLines?: number;
  /** Also draw each skill's own loss from its level (the model's SkillLoss; paper Fig 12), on a log axis. */
  skillLoss?: SkillLoss;
}

/** Decades of loss the loss axes show below their largest value. */
export const LOSS_RANGE = 12;

/** Value at a dotted path of a plain object ("skills.frequencies.zipf"). */
function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const k of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/**
 * Short "key = value" settings of a run config for a subtitle: only what is in force (the
 * model's `overridden`: a Resource or Domino `rate` overrides 2·lr·√params, so params and lr
 * are not shown beside it).
 */
export function describeConfig(config: Record<string, unknown>): string[] {
  const model = config.model;
  const off = new Set(isModelName(model) ? (modelSpec(model).overridden?.(config as never)?.keys ?? []) : []);
  const keys = ([
    ["params", "params"], ["lr", "lr"],
    ["rate", "rate"], ["skills.frequencies.zipf", "zipf"], ["skills.frequencies.exponential", "exponential"], ["seed", "seed"],
  ] as [string, string][]).filter(([path]) => !off.has(path));
  const out: string[] = [];
  for (const [path, name] of keys) {
    const v = getPath(config, path);
    if (v !== undefined && v !== null && typeof v !== "object") out.push(`${name} = ${fmtAny(v)}`);
  }
  return out;
}

/** The title of the level panel: the model's name for its level (a network's accuracy), else "skill level". */
function levelTitle(model: string): string {
  return (isModelName(model) ? modelSpec(model).levelTitle : undefined) ?? "skill level";
}

/** The name of each task, by skill index - 1: the model's names from the run's config (taskNamesOf), else "skill i". */
export function taskNames(r: RunFigureInput): string[] {
  return taskNamesOf({ ...(r.config ?? {}), model: r.model }, r.skills.length);
}

function capitalise(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

/** The lower end of a loss axis: its smallest positive value, but at most LOSS_RANGE decades below its largest. */
export function lossFloor(values: number[]): { lo: number; hi: number; cut: boolean } | null {
  const pos = values.filter((v) => Number.isFinite(v) && v > 0);
  if (pos.length === 0) return null;
  const hi = Math.max(...pos);
  const min = Math.min(...pos);
  const floor = hi * Math.pow(10, -LOSS_RANGE);
  return min < floor ? { lo: floor, hi, cut: true } : { lo: min, hi, cut: false };
}

/** The run figure's specification (see the file comment). */
export function runSpec(r: RunFigureInput, opts: RunFigureOptions = {}): VlSpec {
  const skills = [...(r.skills ?? [])].sort((a, b) => a.index - b.index);
  const n = skills.length;
  const names = taskNames({ ...r, skills });
  const trace = r.trace ?? { t: [], loss: [], level: [] };
  const t = trace.t ?? [];
  const shown = evenlySpaced(n, Math.max(2, opts.maxLines ?? 20)).map((j) => ({ skill: skills[j], name: names[j], pos: j }));
  const colours = { domain: shown.map((s) => s.name), range: viridisRange(shown.length) };
  const positiveT = t.filter((v) => v > 0);
  const logTime = !!opts.logTime && positiveT.length > 1;
  const inX = (v: number) => (!logTime || v > 0) && (!opts.xlim || (v >= opts.xlim[0] && v <= opts.xlim[1]));
  const integerTime = t.length > 0 && t.every((v) => Number.isInteger(v));
  const xTitle = (integerTime ? "step" : "time") + (logTime ? " (log scale)" : "");
  const tEnd = opts.xlim ? Math.min(opts.xlim[1], t[t.length - 1] ?? 0) : (t[t.length - 1] ?? 0);
  const xScale: VlSpec = { type: logTime ? "log" : "linear", ...(logTime ? {} : { zero: false, nice: false }), ...xDomain(opts) };
  const x = (title: string | null): VlSpec => ({ field: "t", type: "quantitative", scale: xScale, title, ...(title === null ? { axis: { labels: false, ticks: true, title: null } } : {}) });
  const colour = (title: string): VlSpec => ({ field: "task", type: "nominal", title, scale: colours, sort: colours.domain });
  const width = opts.width ?? 560;
  const height = opts.height ?? 180;
  const panels: VlSpec[] = [];
  const subtitle: string[] = [];
  let panelCount = 0;
  const letter = () => `(${String.fromCharCode(97 + panelCount++)})`;

  // (a) Levels, or each task's own loss.
  const l0 = r.summary?.initialTaskLoss;
  const perTaskLoss = Array.isArray(l0) && l0.length === n && l0.every((v) => typeof v === "number");
  const levelRows: VlSpec[] = [];
  for (const s of shown) {
    const lv = trace.level?.[s.skill.index - 1] ?? [];
    for (let k = 0; k < t.length && k < lv.length; k++) {
      if (!inX(t[k])) continue;
      const v = perTaskLoss ? (l0 as number[])[s.skill.index - 1] * (1 - lv[k]) : lv[k];
      if (Number.isFinite(v)) levelRows.push({ t: t[k], task: s.name, index: s.skill.index, value: v });
    }
  }
  const taskName = names.every((nm, i) => nm === `skill ${i + 1}`) ? "skill" : "task";
  if (perTaskLoss) {
    const range = lossFloor(levelRows.map((row) => row.value as number));
    const rows = levelRows.filter((row) => (row.value as number) > 0);
    panels.push({
      data: { values: rows }, width, height,
      mark: { type: "line", clip: true },
      encoding: {
        x: x(null),
        y: { field: "value", type: "quantitative", title: `${letter()} loss of each task`, scale: { type: "log", ...(range ? { domain: [range.lo, range.hi] } : {}) } },
        color: colour(taskName),
        tooltip: [{ field: "task" }, { field: "t", title: integerTime ? "step" : "time" }, { field: "value", title: "loss", format: ".4~g" }],
      },
      params: [zoom("zoom_a", ["x"])],
    });
    if (range?.cut) subtitle.push(`task losses below ${fmtValue(range.lo)} (${LOSS_RANGE} decades under the largest) are cut off`);
  } else {
    panels.push({
      data: { values: levelRows }, width, height,
      mark: { type: "line", clip: true },
      encoding: {
        x: x(null),
        y: { field: "value", type: "quantitative", title: `${letter()} ${levelTitle(r.model)}`, scale: { zero: false } },
        color: colour(taskName),
        tooltip: [{ field: "task" }, { field: "t", title: integerTime ? "step" : "time" }, { field: "value", title: "level", format: ".4~g" }],
      },
      params: [zoom("zoom_a", ["x"])],
    });
  }

  // Each skill's own loss (the model's SkillLoss of its level), log axis within its useful range.
  if (opts.skillLoss && !perTaskLoss) {
    const f = opts.skillLoss;
    const rows: VlSpec[] = [];
    for (const s of shown) {
      const lv = trace.level?.[s.skill.index - 1] ?? [];
      for (let k = 0; k < t.length && k < lv.length; k++) {
        if (!inX(t[k])) continue;
        const v = f.of(lv[k], s.skill.index, r.summary ?? {});
        if (Number.isFinite(v)) rows.push({ t: t[k], task: s.name, index: s.skill.index, loss: v });
      }
    }
    const skillRange = lossFloor(rows.map((row) => row.loss as number));
    const kept = rows.filter((row) => (row.loss as number) > 0 && (!skillRange || (row.loss as number) >= skillRange.lo));
    panels.push({
      data: { values: kept }, width, height,
      mark: { type: "line", clip: true },
      encoding: {
        x: x(null),
        y: { field: "loss", type: "quantitative", title: `${letter()} loss of each ${taskName}`, scale: { type: "log", ...(skillRange ? { domain: [skillRange.lo, skillRange.hi] } : {}) } },
        color: colour(taskName),
        tooltip: [{ field: "task" }, { field: "t", title: integerTime ? "step" : "time" }, { field: "loss", format: ".4~g" }],
      },
      params: [zoom("zoom_skill_loss", ["x"])],
    });
    const zeros = rows.length - rows.filter((row) => (row.loss as number) > 0).length;
    subtitle.push(`each ${taskName}'s loss: ${f.formula}`);
    if (skillRange?.cut) subtitle.push(`${taskName} losses below ${fmtValue(skillRange.lo)} (${LOSS_RANGE} decades under the largest, ${fmtValue(skillRange.hi)}) are cut off`);
    if (zeros) subtitle.push(`${zeros} ${taskName}-loss value${zeros === 1 ? "" : "s"} of exactly 0 (learned) not drawn on the log axis`);
  }

  // (b) Total loss, log axis within its useful range.
  const lossRows = t.map((tk, k) => ({ t: tk, loss: trace.loss?.[k] })).filter((row) => inX(row.t) && typeof row.loss === "number" && Number.isFinite(row.loss));
  const range = lossFloor(lossRows.map((row) => row.loss as number));
  panels.push({
    data: { values: range ? lossRows.filter((row) => (row.loss as number) > 0) : lossRows }, width, height: Math.round(height * 0.6),
    mark: { type: "line", clip: true, color: "#222222" },
    encoding: {
      x: x(null),
      y: { field: "loss", type: "quantitative", title: `${letter()} loss`, scale: range ? { type: "log", domain: [range.lo, range.hi] } : { zero: false } },
      tooltip: [{ field: "t", title: integerTime ? "step" : "time" }, { field: "loss", format: ".4~g" }],
    },
    params: [zoom("zoom_b", ["x"])],
  });
  if (range?.cut) subtitle.push(`loss axis cut at ${fmtValue(range.lo)} (${LOSS_RANGE} decades under its largest value); the loss reaches ${fmtValue(Math.min(...lossRows.map((row) => row.loss as number).filter((v) => v > 0)))}`);

  // (c) Onset timeline.
  const bars: VlSpec[] = [];
  let unfinished = 0, never = 0;
  for (const s of shown) {
    const { onset, half, learned } = s.skill;
    if (onset === null || !Number.isFinite(onset)) { never++; continue; }
    const done = learned !== null && Number.isFinite(learned);
    if (!done) unfinished++;
    const start = logTime ? Math.max(onset, positiveT[0] ?? onset) : onset;
    bars.push({ task: s.name, index: s.skill.index, onset: start, end: done ? learned : tEnd, half, learned, state: done ? "onset → learned" : "not learned by the end" });
  }
  const barColour = { field: "task", type: "nominal", title: taskName, scale: colours, sort: colours.domain };
  const ySkills = { field: "task", type: "nominal", title: `${letter()} ${taskName}`, sort: shown.map((s) => s.name), scale: { domain: shown.map((s) => s.name) } };
  panels.push({
    data: { values: bars }, width, height: Math.min(260, Math.max(60, shown.length * 17)),
    layer: [
      {
        mark: { type: "bar", clip: true, height: { band: 0.55 } },
        encoding: {
          x: { ...x(xTitle), field: "onset" }, x2: { field: "end" }, y: ySkills, color: barColour,
          opacity: { field: "state", type: "ordinal", title: null, sort: ["onset → learned", "not learned by the end"], scale: { domain: ["onset → learned", "not learned by the end"], range: [1, 0.35] } },
          tooltip: [{ field: "task" }, { field: "onset", format: ".4~g" }, { field: "half", format: ".4~g" }, { field: "learned", format: ".4~g" }],
        },
        params: [zoom("zoom_c", ["x"])],
      },
      {
        transform: [{ filter: "isValid(datum.half)" }],
        mark: { type: "tick", clip: true, color: "#222222", thickness: 1.6 },
        encoding: { x: { ...x(xTitle), field: "half" }, y: ySkills },
      },
    ],
  });
  if (never) subtitle.push(`${never} shown never started`);
  void unfinished;

  // (d) Aligned dimensions (Geometry diagnostics), when recorded.
  const aligned = trace.extra?.aligned;
  if (Array.isArray(aligned) && aligned.length === n && aligned.every((row) => Array.isArray(row))) {
    const rows: VlSpec[] = [];
    for (const s of shown) {
      const a = aligned[s.skill.index - 1] as number[];
      for (let k = 0; k < t.length && k < a.length; k++) if (inX(t[k]) && Number.isFinite(a[k])) rows.push({ t: t[k], task: s.name, index: s.skill.index, aligned: a[k] });
    }
    // The x axis labels move to this, the lowest panel.
    panels.push({
      data: { values: rows }, width, height: Math.round(height * 0.8),
      mark: { type: "line", clip: true },
      encoding: {
        x: x(xTitle),
        y: { field: "aligned", type: "quantitative", title: `${letter()} aligned dimensions` },
        color: colour(taskName),
        tooltip: [{ field: "task" }, { field: "t", title: integerTime ? "step" : "time" }, { field: "aligned", format: ".4~g" }],
      },
      params: [zoom("zoom_d", ["x"])],
    });
  }

  const model = String(r.model ?? getPath(r.config, "model") ?? "model");
  const steps = getPath(r.config, "steps");
  const title = opts.title ?? `${capitalise(model)} model: ${n} ${taskName}${n === 1 ? "" : "s"}` + (typeof steps === "number" ? `, ${fmtValue(steps)} steps` : "");
  const settings = describeConfig(r.config ?? {});
  if (r.final && Number.isFinite(r.final.loss)) settings.push(`final loss = ${fmtValue(r.final.loss)}`);
  settings.push(`${skills.filter((s) => s.learned !== null).length} of ${n} learned`);
  const sub = [settings.join(" · ")];
  if (shown.length < n) sub.push(`showing ${shown.length} of ${n} skills, evenly spaced in index`);
  sub.push(...subtitle);
  return topLevel({ vconcat: panels, spacing: 12, resolve: { scale: { x: "shared", color: "shared" } } }, title, sub);
}
