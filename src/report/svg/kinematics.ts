/**
 * The kinematics figure: the aggregate information velocity v = -d ln L / dt (top) and each
 * skill's progress velocity w = d pi / dt (bottom), against time at interval midpoints, on a
 * log time axis. Skills coloured viridis in skill order (skill 1 darkest).
 */
import type { KinematicsDoc } from "../kinematics.js";
import {
  type LegendItem, type Panel, type Pt, type Scale,
  axes, clipRect, extent, heading, legend, linearScale, logScale, padLinear, padLog, pathData, svgDocument, viridisCategory,
} from "./core.js";

const W = 720;
const H = 620;

export function kinematicsFigure(k: KinematicsDoc): string {
  const title = `Learning kinematics (${k.model} run)`;
  const head = heading(W, title, [
    `${k.points} recorded points${k.per_step ? ", every step" : ": velocities are interval averages"} · decelerating fraction of v: ${
      k.aggregate.decelerating_fraction === null ? "-" : (100 * k.aggregate.decelerating_fraction).toFixed(1) + "%"
    }`,
  ]);
  const x0 = 84, gap = 46;
  const ph = (H - head.height - 20 - gap - 58) / 2;
  const top: Panel = { x: x0, y: head.height + 14, w: W - x0 - 22, h: ph };
  const bot: Panel = { x: x0, y: top.y + ph + gap, w: top.w, h: ph };
  const tm = k.t_mid;
  const positive = tm.every((t) => t > 0);
  const te = extent(tm) ?? [1, 10];
  const xsOf = (p: Panel): Scale => (positive ? logScale(padLog(te, 0.02), [p.x, p.x + p.w]) : linearScale(padLinear(te, 0.02), [p.x, p.x + p.w]));
  const xt = xsOf(top), xb = xsOf(bot);

  const v = k.aggregate.velocity;
  const ve = extent(v) ?? [0, 1];
  const yt = linearScale(padLinear([Math.min(0, ve[0]), ve[1]]), [top.y + top.h, top.y]);
  let wmin = 0, wmax = 0;
  for (const s of k.skills) for (const w of s.velocity) { if (w < wmin) wmin = w; if (w > wmax) wmax = w; }
  const yb = linearScale(padLinear([wmin, wmax > wmin ? wmax : wmin + 1]), [bot.y + bot.h, bot.y]);

  const body: string[] = [head.svg];
  const defs = [clipRect("kin-top", top), clipRect("kin-bot", bot)];
  body.push(axes(top, xt, yt, { yLabel: "info velocity -d ln L/dt", xTickLabels: true }));
  const aPts: Pt[] = v.map((y, i) => [xt.map(tm[i]), yt.map(y)]);
  body.push(`<g clip-path="url(#kin-top)"><path d="${pathData(aPts)}" stroke="#1f4e79" stroke-width="1.8" fill="none" stroke-linejoin="round"/></g>`);
  body.push(axes(bot, xb, yb, { xLabel: positive ? "time (log scale; interval midpoints)" : "time (interval midpoints)", yLabel: `${k.progress} velocity`, }));
  const lines: string[] = [];
  const items: LegendItem[] = [];
  const avoid: Pt[] = [];
  const n = k.skills.length;
  k.skills.forEach((s, i) => {
    const c = viridisCategory(i, n);
    const pts: Pt[] = s.velocity.map((y, j) => [xb.map(tm[j]), yb.map(y)]);
    lines.push(`<path d="${pathData(pts)}" stroke="${c}" stroke-width="1.4" fill="none" stroke-linejoin="round"/>`);
    avoid.push(...pts.filter((_, j) => j % 4 === 0));
    if (n <= 12) items.push({ label: `skill ${s.index}`, kind: "line", color: c });
  });
  body.push(`<g clip-path="url(#kin-bot)">\n${lines.join("\n")}\n</g>`);
  if (items.length > 1) body.push(legend(items, bot, avoid));
  return svgDocument(W, H, title, body, defs);
}
