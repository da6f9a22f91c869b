/**
 * The calibration figure (`skillsim calibrate --plot`): observed curves (dashed, with points
 * when they are few) and the fitted toy model's curves (solid), one colour per skill, viridis
 * by frequency rank (dark = most frequent), as the run figure colours them.
 */
import {
  FS, MUTED, type LegendItem, type Panel, type Pt,
  axes, clipRect, extent, fmtValue, heading, legendRow, legendRowWidth, linearScale, logScale, marker, num, pathData,
  svgDocument, text, viridis, VIRIDIS_MAX,
} from "./core.js";
import { evenlySpaced } from "./plain.js";
import { frequencyOrder, skillFrequencies } from "../../models/skills.js";
import type { CalibrationResult } from "../../analysis/calibrate.js";

export interface CalibrateFigureInput {
  result: CalibrationResult;
  files: string[];
  /** The fitted model's curves: fitted[i][k] at times[k]. */
  times: number[];
  fitted: number[][];
  /** Observed curves (skill 0-based, run index). */
  observed: { skill: number; run: number; t: number[]; v: number[] }[];
  logTime?: boolean;
  maxLines?: number;
}

const W = 720;

export function calibrateFigure(inp: CalibrateFigureInput): string {
  const r = inp.result;
  const n = inp.fitted.length;
  const p = skillFrequencies(r.config.skills.frequencies, n);
  const order = frequencyOrder(p);
  const shownRanks = evenlySpaced(n, Math.max(2, inp.maxLines ?? 12));
  const colourOf = new Map<number, string>();
  for (const rank of shownRanks) colourOf.set(order[rank], viridis(n <= 1 ? 0 : (rank / (n - 1)) * VIRIDIS_MAX));

  const params = Object.entries(r.params).map(([k, v]) => `${k} = ${fmtValue(v)}`).join(", ");
  const title = `${r.model === "resource" ? "Resource" : "Domino"} model fitted to ${inp.files.length === 1 ? inp.files[0].split("/").pop() : `${inp.files.length} runs`}`;
  const sub1 = `${params || "nothing fitted"} · rmse ${fmtValue(r.rmse)} over ${r.n_points} points · worst skill ${r.worst_skill.index}`;
  const sub2 = `colour = frequency rank (dark = most frequent)${shownRanks.length < n ? `; ${shownRanks.length} of ${n} skills shown` : ""}`;
  const head = heading(W, title, [sub1, sub2]);

  const left = 80, right = W - 86;
  const pa: Panel = { x: left, y: head.height + 10, w: right - left, h: 300 };
  const H = pa.y + pa.h + 84;
  const allT = [...inp.times, ...inp.observed.flatMap((c) => c.t)];
  const tPos = extent(allT, true);
  const tExt = extent(allT);
  const logTime = !!inp.logTime && tPos !== null && tPos[1] > tPos[0];
  const domain: [number, number] = logTime ? tPos! : tExt && tExt[1] > tExt[0] ? tExt : [0, 1];
  const xs = logTime ? logScale(domain, [pa.x, pa.x + pa.w]) : linearScale(domain, [pa.x, pa.x + pa.w]);
  const vals = [...inp.fitted.flat(), ...inp.observed.flatMap((c) => c.v)].filter(Number.isFinite);
  const lo = Math.min(0, ...vals), hi = Math.max(1, ...vals);
  const pad = 0.04 * (hi - lo);
  const ys = linearScale([lo - pad, hi + pad], [pa.y + pa.h, pa.y]);
  const X = (t: number) => xs.map(logTime ? Math.max(t, domain[0]) : t);
  const integerTime = allT.every((t) => Number.isInteger(t));
  const yLabel = r.compare.startsWith("progress") ? "progress" : "level";
  const body: string[] = [head.svg];
  const defs = [clipRect("cal-clip", pa)];
  body.push(axes(pa, xs, ys, { xLabel: (integerTime ? "step" : "time") + (logTime ? " (log scale)" : ""), yLabel }));

  const lines: string[] = [];
  // Observed: dashed lines, with points when a curve has few.
  for (const c of inp.observed) {
    const colour = colourOf.get(c.skill);
    if (!colour) continue;
    const pts: Pt[] = [];
    for (let k = 0; k < c.t.length; k++) if (!logTime || c.t[k] > 0) pts.push([X(c.t[k]), ys.map(c.v[k])]);
    const d = pathData(pts);
    if (d) lines.push(`<path d="${d}" stroke="${colour}" stroke-width="1.2" stroke-dasharray="4 3" fill="none" opacity="0.9"/>`);
    if (pts.length <= 60) for (const q of pts) lines.push(marker("circle", q[0], q[1], 2.2, `fill="${colour}" stroke="#ffffff" stroke-width="0.5"`));
  }
  // Fitted: solid lines.
  for (let i = 0; i < n; i++) {
    const colour = colourOf.get(i);
    if (!colour) continue;
    const pts: Pt[] = [];
    for (let k = 0; k < inp.times.length; k++) if (!logTime || inp.times[k] > 0) pts.push([X(inp.times[k]), ys.map(inp.fitted[i][k])]);
    const d = pathData(pts);
    if (d) lines.push(`<path d="${d}" stroke="${colour}" stroke-width="2" fill="none" stroke-linejoin="round"/>`);
  }
  body.push(`<g clip-path="url(#cal-clip)">\n${lines.join("\n")}\n</g>`);

  // Skill key right of the panel.
  const kx = pa.x + pa.w + 12;
  const key: string[] = [text(kx, pa.y + 8, "skill", { size: FS.tick, weight: "bold" })];
  const step = Math.min(15, (pa.h - 18) / Math.max(1, shownRanks.length));
  shownRanks.forEach((rank, j) => {
    const i = order[rank];
    const cy = pa.y + 22 + step * j;
    key.push(`<path d="M${num(kx)} ${num(cy)}h16" stroke="${colourOf.get(i)}" stroke-width="3"/>`);
    key.push(text(kx + 21, cy, String(i + 1), { middle: true }));
  });
  body.push(key.join("\n"));
  const items: LegendItem[] = [
    { label: "observed", kind: "dash", color: MUTED },
    { label: `fitted ${r.model} model`, kind: "line", color: MUTED },
  ];
  body.push(legendRow(items, Math.max(8, pa.x + (pa.w - legendRowWidth(items)) / 2), pa.y + pa.h + 62));
  return svgDocument(W, H, title, body, defs);
}
