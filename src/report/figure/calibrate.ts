/**
 * The calibration figure (`skillsim calibrate --plot`): observed curves (dashed, with points
 * when they are few) and the fitted toy model's curves (solid), one colour per skill, viridis
 * in skill order (skill 1 darkest), named as the observed runs name their tasks ("x1 xor x2")
 * when they do; at most `maxLines` skills, evenly spaced in index.
 */
import { evenlySpaced, fmtValue } from "../format.js";
import type { CalibrationResult } from "../../calibrate/index.js";
import { modelSpec } from "../../models/index.js";
import { type FigureSize, type VlSpec, topLevel, viridisRange, xDomain, zoom } from "./theme.js";

export interface CalibrateFigureInput extends FigureSize {
  result: CalibrationResult;
  files: string[];
  /** The fitted model's curves: fitted[i][k] at times[k]. */
  times: number[];
  fitted: number[][];
  /** Observed curves (skill 0-based, run index). */
  observed: { skill: number; run: number; t: number[]; v: number[] }[];
  logTime?: boolean;
  maxLines?: number;
  /** Each skill's name by index - 1 (the observed runs' taskNamesOf); absent: "skill i". */
  taskNames?: string[];
}

export function calibrateSpec(inp: CalibrateFigureInput): VlSpec {
  const r = inp.result;
  const n = inp.fitted.length;
  const shown = evenlySpaced(n, Math.max(2, inp.maxLines ?? 12));
  const nameOf = (i: number) => inp.taskNames?.[i] ?? `skill ${i + 1}`;
  const names = shown.map(nameOf);
  const named = shown.some((i) => nameOf(i) !== `skill ${i + 1}`);
  const allT = [...inp.times, ...inp.observed.flatMap((c) => c.t)];
  const logTime = !!inp.logTime && allT.filter((t) => t > 0).length > 1;
  const inX = (t: number) => (!logTime || t > 0) && (!inp.xlim || (t >= inp.xlim[0] && t <= inp.xlim[1]));
  const integerTime = allT.every((t) => Number.isInteger(t));
  const rows: VlSpec[] = [];
  const fittedName = `fitted ${r.model} model`;
  for (const c of inp.observed) {
    if (!shown.includes(c.skill)) continue;
    const few = c.t.length <= 60;
    for (let k = 0; k < c.t.length; k++) if (inX(c.t[k]) && Number.isFinite(c.v[k])) rows.push({ t: c.t[k], value: c.v[k], skill: nameOf(c.skill), curve: "observed", run: c.run, point: few });
  }
  for (const i of shown) for (let k = 0; k < inp.times.length; k++) {
    if (inX(inp.times[k]) && Number.isFinite(inp.fitted[i][k])) rows.push({ t: inp.times[k], value: inp.fitted[i][k], skill: nameOf(i), curve: fittedName, run: -1, point: false });
  }
  const yTitle = r.compare.startsWith("progress") ? "progress" : "level";
  const x = { field: "t", type: "quantitative", title: (integerTime ? "step" : "time") + (logTime ? " (log scale)" : ""), scale: { type: logTime ? "log" : "linear", ...(logTime ? {} : { zero: false, nice: false }), ...xDomain(inp) } };
  const y = { field: "value", type: "quantitative", title: yTitle, scale: { zero: false } };
  const colour = { field: "skill", type: "nominal", title: named ? "task" : "skill", sort: names, scale: { domain: names, range: viridisRange(names.length) } };
  const dash = { field: "curve", type: "nominal", title: null, scale: { domain: ["observed", fittedName], range: [[4, 3], [1, 0]] } };
  const params = Object.entries(r.params).map(([k, v]) => `${k} = ${fmtValue(v)}`).join(", ");
  const title = `${modelSpec(r.model).calibration!.title} model fitted to ${inp.files.length === 1 ? inp.files[0].split("/").pop() : `${inp.files.length} runs`}`;
  const sub = [`${params || "nothing fitted"} · rmse ${fmtValue(r.rmse)} over ${r.n_points} points · worst skill ${r.worst_skill.index}`];
  if (shown.length < n) sub.push(`${shown.length} of ${n} skills shown, evenly spaced in index`);
  return topLevel({
    data: { values: rows }, width: inp.width ?? 560, height: inp.height ?? 300,
    layer: [
      {
        mark: { type: "line", clip: true },
        encoding: { x, y, color: colour, strokeDash: dash, detail: { field: "run", type: "nominal" }, tooltip: [{ field: "skill" }, { field: "curve" }, { field: "t" }, { field: "value", format: ".4~g" }] },
        params: [zoom("zoom")],
      },
      { transform: [{ filter: "datum.point" }], mark: { type: "point", filled: true, size: 14, clip: true }, encoding: { x, y, color: colour } },
    ],
  }, title, sub);
}
