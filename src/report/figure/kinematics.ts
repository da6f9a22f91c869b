/**
 * The kinematics figure: the aggregate information velocity v = -d ln L / dt (top) and each
 * skill's progress velocity w = d pi / dt (bottom), against time at interval midpoints, on a
 * log time axis when every midpoint is positive. Skills coloured viridis in skill order.
 */
import type { KinematicsDoc } from "../kinematics.js";
import { type FigureSize, type VlSpec, topLevel, viridisRange, xDomain, zoom } from "./theme.js";

export function kinematicsSpec(k: KinematicsDoc, size: FigureSize = {}): VlSpec {
  const tm = k.t_mid;
  const positive = tm.length > 0 && tm.every((t) => t > 0);
  const inX = (t: number) => !size.xlim || (t >= size.xlim[0] && t <= size.xlim[1]);
  const xScale = { type: positive ? "log" : "linear", ...(positive ? {} : { zero: false }), ...xDomain(size) };
  const xTitle = positive ? "time (log scale; interval midpoints)" : "time (interval midpoints)";
  const agg = tm.map((t, i) => ({ t, v: k.aggregate.velocity[i] })).filter((r) => inX(r.t) && Number.isFinite(r.v));
  const names = k.skills.map((s) => `skill ${s.index}`);
  const per = k.skills.flatMap((s) => s.velocity.map((w, j) => ({ t: tm[j], w, skill: `skill ${s.index}` }))).filter((r) => inX(r.t) && Number.isFinite(r.w));
  const width = size.width ?? 560, height = size.height ?? 220;
  const decel = k.aggregate.decelerating_fraction;
  return topLevel({
    vconcat: [
      {
        data: { values: agg }, width, height,
        mark: { type: "line", clip: true, color: "#1f4e79" },
        encoding: {
          x: { field: "t", type: "quantitative", scale: xScale, title: xTitle },
          y: { field: "v", type: "quantitative", title: "info velocity −d ln L/dt" },
          tooltip: [{ field: "t", format: ".4~g" }, { field: "v", format: ".4~g" }],
        },
        params: [zoom("zoom_v", ["x"])],
      },
      {
        data: { values: per }, width, height,
        mark: { type: "line", clip: true, strokeWidth: 1.4 },
        encoding: {
          x: { field: "t", type: "quantitative", scale: xScale, title: xTitle },
          y: { field: "w", type: "quantitative", title: `${k.progress} velocity` },
          color: { field: "skill", type: "nominal", sort: names, scale: { domain: names, range: viridisRange(names.length) }, legend: names.length <= 12 ? {} : null },
          tooltip: [{ field: "skill" }, { field: "t", format: ".4~g" }, { field: "w", format: ".4~g" }],
        },
        params: [zoom("zoom_w", ["x"])],
      },
    ],
    spacing: 16,
  }, `Learning kinematics (${k.model} run)`, [
    `${k.points} recorded points${k.per_step ? ", every step" : ": velocities are interval averages"} · decelerating fraction of v: ${decel === null ? "-" : (100 * decel).toFixed(1) + "%"}`,
  ]);
}
