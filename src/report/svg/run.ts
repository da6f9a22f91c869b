/**
 * The run figure: one simulated run (`skillsim run --json`) as three panels stacked on a
 * shared time axis: (a) each skill's level vs time, coloured by frequency rank (viridis,
 * most frequent = dark); (b) the total loss on a log axis; (c) the onset timeline, one
 * bar per skill from onset to learned with a tick at half, so a Domino cascade shows as a
 * staircase and parallel learning as stacked bars. Many skills: at most `maxLines`
 * (default 20) are drawn, evenly spaced in frequency rank, and the subtitle says so.
 */
import {
  FS, INK, MUTED, type LegendItem, type Panel, type Pt, type Scale, type Tick,
  axes, clipRect, extent, fmtAny, fmtValue, heading, legendRow, legendRowWidth, linearScale, logScale, num, padLog,
  pathData, svgDocument, text, textWidth, viridis, viridisGradient, VIRIDIS_MAX,
} from "./core.js";
import { evenlySpaced } from "./plain.js";
import type { SkillRow } from "../result.js";

export { evenlySpaced };

/** One row of a run's skill timeline (the run JSON's `skills`), 1-based index. */
export type RunSkill = SkillRow;

export interface RunResult {
  model: string;
  config: Record<string, unknown>;
  skills: RunSkill[];
  final: { loss: number; [k: string]: unknown };
  /** level[i][k]: level (0..1) of skill i+1 at time t[k]. */
  trace: { t: number[]; loss: number[]; level: number[][] };
}

export interface RunFigureOptions {
  /** Log-scaled time axis (starts at the first positive recorded time). */
  logTime?: boolean;
  title?: string;
  /** Most skills drawn (default 20). */
  maxLines?: number;
}

const W = 720;

/** Value at a dotted path of a plain object ("skills.frequencies.zipf"). */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const k of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** Short "key = value" settings of a run config for a subtitle. */
export function describeConfig(config: Record<string, unknown>): string[] {
  const keys: [string, string][] = [
    ["params", "params"], ["lr", "lr"], ["rate", "rate"], ["skills.frequencies.zipf", "zipf"],
    ["skills.frequencies.exponential", "exponential"], ["seed", "seed"],
  ];
  const out: string[] = [];
  for (const [path, name] of keys) {
    const v = getPath(config, path);
    if (v !== undefined && v !== null && typeof v !== "object") out.push(`${name} = ${fmtAny(v)}`);
  }
  return out;
}

function capitalise(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

/** Ranks (0 = most frequent) of the skills, ties broken by index. */
function frequencyOrder(skills: RunSkill[]): number[] {
  return skills.map((_, i) => i).sort((a, b) => skills[b].frequency - skills[a].frequency || skills[a].index - skills[b].index);
}

/** The run figure as an SVG document (see the file comment). */
export function runFigure(result: RunResult, opts: RunFigureOptions = {}): string {
  const skills = result.skills ?? [];
  const n = skills.length;
  const trace = result.trace ?? { t: [], loss: [], level: [] };
  const t = trace.t ?? [];
  const maxLines = Math.max(2, opts.maxLines ?? 20);

  // Which skills to draw, in frequency order.
  const order = frequencyOrder(skills);
  const shownRanks = evenlySpaced(n, maxLines);
  const shown = shownRanks.map((r) => ({ rank: r, skill: skills[order[r]], colour: viridis(n <= 1 ? 0 : (r / (n - 1)) * VIRIDIS_MAX) }));
  const levelOf = (s: RunSkill, pos: number): number[] | undefined => trace.level?.[s.index - 1] ?? trace.level?.[pos];

  // Time axis.
  const tExt = extent(t);
  const tPos = extent(t, true);
  const logTime = !!opts.logTime && tPos !== null && tPos[1] > tPos[0];
  const tDomain: [number, number] = logTime ? tPos! : tExt && tExt[1] > tExt[0] ? tExt : [0, Math.max(1, tExt?.[1] ?? 1)];
  const tEnd = tDomain[1];
  const integerTime = t.length > 0 && t.every((v) => Number.isInteger(v));
  const timeLabel = (integerTime ? "step" : "time") + (logTime ? " (log scale)" : "");

  // Heading.
  const model = String(result.model ?? getPath(result.config, "model") ?? "model");
  const steps = getPath(result.config, "steps");
  const title = opts.title ?? `${capitalise(model)} model: ${n} skill${n === 1 ? "" : "s"}` + (typeof steps === "number" ? `, ${fmtValue(steps)} steps` : "");
  const settings = describeConfig(result.config ?? {});
  if (result.final && Number.isFinite(result.final.loss)) settings.push(`final loss = ${fmtValue(result.final.loss)}`);
  const learnedCount = skills.filter((s) => s.learned !== null).length;
  settings.push(`${learnedCount} of ${n} learned`);
  const sub2 = "colour = frequency rank (dark = most frequent)" +
    (shown.length < n ? `; showing ${shown.length} of ${n} skills, evenly spaced in rank` : "");
  const head = heading(W, title, [settings.join(" · "), sub2]);

  // Layout: three panels on one time axis.
  const left = 80;
  const right = W - 86;
  const gap = 14;
  const pa: Panel = { x: left, y: head.height + 8, w: right - left, h: 180 };
  const pb: Panel = { x: left, y: pa.y + pa.h + gap, w: pa.w, h: 110 };
  const rows = shown.length;
  const pc: Panel = { x: left, y: pb.y + pb.h + gap, w: pa.w, h: Math.min(260, Math.max(100, rows * 17)) };
  const H = pc.y + pc.h + 72;
  const yLabelX = 22;

  const xs: Scale = logTime ? logScale(tDomain, [left, right]) : linearScale(tDomain, [left, right]);
  const X = (v: number) => xs.map(logTime ? Math.max(v, tDomain[0]) : v);
  const body: string[] = [head.svg];
  const defs = [clipRect("run-clip-a", pa), clipRect("run-clip-b", pb), clipRect("run-clip-c", pc)];

  // (a) skill levels.
  const ya = linearScale([-0.04, 1.04], [pa.y + pa.h, pa.y]);
  body.push(axes(pa, xs, ya, { yLabel: "(a) skill level", xTickLabels: false, yLabelX }));
  const lines: string[] = [];
  for (let j = shown.length - 1; j >= 0; j--) {
    const { skill, colour } = shown[j];
    const lv = levelOf(skill, order[shown[j].rank]);
    if (!lv) continue;
    const pts: Pt[] = [];
    for (let k = 0; k < t.length && k < lv.length; k++) if (!logTime || t[k] > 0) pts.push([X(t[k]), ya.map(lv[k])]);
    const d = pathData(pts);
    if (d) lines.push(`<path d="${d}" stroke="${colour}" stroke-width="1.6" fill="none" stroke-linejoin="round"/>`);
  }
  body.push(`<g clip-path="url(#run-clip-a)">\n${lines.join("\n")}\n</g>`);
  if (t.length === 0) body.push(text(pa.x + pa.w / 2, pa.y + pa.h / 2, "no trace recorded", { anchor: "middle", fill: MUTED, size: FS.axisLabel }));
  body.push(colourKey(pa, shown.map((s) => ({ label: String(s.skill.index), colour: s.colour })), n, defs));

  // (b) total loss.
  const lossPts = t.map((tk, k) => [tk, trace.loss?.[k]] as const).filter(([tk, l]) => Number.isFinite(l) && (!logTime || tk > 0));
  const lExt = extent(lossPts.map(([, l]) => l as number), true);
  const logLoss = lExt !== null;
  const yb = logLoss ? logScale(padLog(lExt!, 0.08), [pb.y + pb.h, pb.y]) : linearScale([0, 1], [pb.y + pb.h, pb.y]);
  body.push(axes(pb, xs, yb, { yLabel: "(b) loss", xTickLabels: false, yLabelX }));
  const lossPath = pathData(lossPts.filter(([, l]) => !logLoss || (l as number) > 0).map(([tk, l]) => [X(tk), yb.map(l as number)]));
  if (lossPath) body.push(`<g clip-path="url(#run-clip-b)"><path d="${lossPath}" stroke="${INK}" stroke-width="1.6" fill="none" stroke-linejoin="round"/></g>`);

  // (c) onset timeline.
  const yc = linearScale([-0.5, rows - 0.5], [pc.y, pc.y + pc.h]); // row 0 (most frequent) on top
  const rowH = pc.h / Math.max(1, rows);
  const every = Math.max(1, Math.ceil(15 / rowH));
  const yTicks: Tick[] = shown.map((s, j) => (j % every === 0 || j === rows - 1 && rows <= 2 ? { value: j, label: String(s.skill.index) } : { value: j }));
  body.push(axes(pc, xs, yc, { yLabel: "(c) skill", xLabel: timeLabel, yTicks, yLabelX }));
  const barH = Math.max(3, Math.min(10, rowH * 0.55));
  const bars: string[] = [];
  let unfinished = 0;
  let neverStarted = 0;
  shown.forEach(({ skill, colour }, j) => {
    const cy = yc.map(j);
    if (skill.onset === null || !Number.isFinite(skill.onset)) { neverStarted++; return; }
    const x0 = X(skill.onset);
    const done = skill.learned !== null && Number.isFinite(skill.learned);
    const x1 = done ? X(skill.learned as number) : X(tEnd);
    const w = Math.max(1.5, x1 - x0);
    if (done) bars.push(`<rect x="${num(x0)}" y="${num(cy - barH / 2)}" width="${num(w)}" height="${num(barH)}" fill="${colour}"/>`);
    else {
      unfinished++;
      bars.push(`<rect x="${num(x0)}" y="${num(cy - barH / 2)}" width="${num(w)}" height="${num(barH)}" fill="${colour}" fill-opacity="0.35" stroke="${colour}" stroke-width="0.8" stroke-dasharray="3 2"/>`);
    }
    if (skill.half !== null && Number.isFinite(skill.half)) {
      const xh = X(skill.half);
      bars.push(`<path d="M${num(xh)} ${num(cy - barH / 2 - 3)}v${num(barH + 6)}" stroke="${INK}" stroke-width="1.6"/>`);
    }
  });
  body.push(`<g clip-path="url(#run-clip-c)">\n${bars.join("\n")}\n</g>`);
  const items: LegendItem[] = [
    { label: "onset → learned", kind: "bar", color: "#7f7f7f" },
    { label: "half-learned", kind: "tick", color: INK },
  ];
  if (unfinished) items.push({ label: "not learned by the end", kind: "faded-bar", color: "#7f7f7f" });
  if (neverStarted) items.push({ label: `(${neverStarted} shown never started)`, kind: "text" });
  // Below the time axis label, so it never covers a bar (panel (c) is often full).
  body.push(legendRow(items, Math.max(8, pc.x + (pc.w - legendRowWidth(items)) / 2), pc.y + pc.h + 58));

  return svgDocument(W, H, title, body, defs);
}

/** Colour key right of panel (a): discrete swatches for few skills, a gradient bar otherwise. */
function colourKey(p: Panel, entries: { label: string; colour: string }[], n: number, defs: string[]): string {
  const x = p.x + p.w + 12;
  const out: string[] = [text(x, p.y + 8, "skill", { size: FS.tick, weight: "bold" })];
  if (entries.length <= 12) {
    const step = Math.min(15, (p.h - 18) / Math.max(1, entries.length));
    entries.forEach((e, i) => {
      const cy = p.y + 22 + step * i;
      out.push(`<path d="M${num(x)} ${num(cy)}h16" stroke="${e.colour}" stroke-width="3"/>`);
      out.push(text(x + 21, cy, e.label, { middle: true }));
    });
    return out.join("\n");
  }
  defs.push(viridisGradient("run-key", true));
  const y0 = p.y + 18;
  const h = p.h - 26;
  out.push(`<rect x="${num(x)}" y="${num(y0)}" width="12" height="${num(h)}" fill="url(#run-key)"/>`);
  const label = (y: number, s: string) => text(x + 17, y, s, { middle: true });
  out.push(label(y0 + 5, "1"), label(y0 + h - 5, String(n)));
  if (n >= 4) out.push(label(y0 + h / 2, String(Math.round((n + 1) / 2))));
  const cap = "rank";
  // Rotated by -90°, the caption's glyphs lie left of its anchor x: clear the labels by a line height.
  const capX = x + 17 + Math.max(textWidth(String(n), FS.tick), textWidth(String(Math.round((n + 1) / 2)), FS.tick)) + 4 + FS.tick;
  out.push(text(capX, y0 + h / 2, cap, { rotate: -90, anchor: "middle", fill: MUTED }));
  return out.join("\n");
}
