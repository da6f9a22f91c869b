/**
 * The report of `skillsim calibrate`: its JSON document, its text (the parameter table, the fit's
 * quality, the search, the notes and the fitted toy config), the fitted config as YAML that
 * `skillsim run` runs, and the curves its figure draws. Pure: a calibration in, text out.
 */
import { stringify } from "yaml";
import { calibrationOf } from "./common.js";
import { fittedCurves } from "./objective.js";
import type { Plan } from "./plan.js";
import type { CalibrationResult } from "./result.js";

/** The --json document; `files` as the inputs are named, `versions` the provenance. */
export function calibrationJson(result: CalibrationResult, p: Plan, files: string[], versions: { skillsim: string; node: string }): Record<string, unknown> {
  return {
    model: result.model,
    params: result.params,
    fixed: result.fixed,
    rmse: result.rmse,
    n_points: result.n_points,
    intervals: result.intervals,
    bootstrap: result.bootstrap,
    worst_skill: result.worst_skill,
    skills: result.skills,
    compare: result.compare,
    time_alignment: result.time_alignment,
    search: result.search,
    notes: result.notes,
    config: result.config,
    observed: { files, model: p.observedModel, skills: p.n, runs: p.runs, times: p.times.length, horizon: p.horizon, dropped_points: p.dropped },
    provenance: versions,
  };
}

/**
 * What the figure draws: the fitted model on a dense time grid (every step up to a horizon of
 * 2000, else 801 points) and the observed curves.
 */
export function figureCurves(p: Plan, result: CalibrationResult): {
  times: number[];
  fitted: number[][];
  observed: { skill: number; run: number; t: number[]; v: number[] }[];
} {
  const T = p.horizon;
  const dense = T <= 2000 && Number.isInteger(T)
    ? Float64Array.from({ length: T + 1 }, (_, k) => k)
    : Float64Array.from({ length: 801 }, (_, k) => (k / 800) * T);
  const fitted = fittedCurves(p, result, dense);
  return { times: Array.from(dense), fitted, observed: observedCurves(p) };
}

/** Observed curves back from the plan's flat points: per curve (run, skill) its (t, value) pairs. */
function observedCurves(p: Plan): { skill: number; run: number; t: number[]; v: number[] }[] {
  const K = p.times.length;
  const map = new Map<number, { skill: number; run: number; t: number[]; v: number[] }>();
  for (let j = 0; j < p.pIdx.length; j++) {
    const c = p.pCurve[j];
    if (!map.has(c)) map.set(c, { skill: c % p.n, run: Math.floor(c / p.n), t: [], v: [] });
    const e = map.get(c)!;
    e.t.push(p.times[p.pIdx[j] % K]);
    e.v.push(p.pVal[j]);
  }
  return [...map.values()];
}

const fmt = (x: number, digits = 6): string => {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(digits - 1);
  return Number(x.toPrecision(digits)).toString();
};

export function renderText(r: CalibrationResult, p: Plan, files: string[]): string {
  const out: string[] = [];
  const variant = calibrationOf(r.config.model).form(r.config);
  const obs = `${files.length === 1 ? files[0] : `${files.length} runs (${files.join(", ")})`}${p.observedModel ? `, a ${p.observedModel} run` : ""}: ${p.n} skills, ${p.times.length} recorded times`;
  out.push(`skillsim calibrate · ${r.model} model (${variant}) against ${obs}`);
  out.push(`compared: ${r.compare}`);
  out.push(`time: ${r.time_alignment}`);
  out.push("");
  const cols = ["parameter", "value", r.intervals ? `${Math.round((r.bootstrap!.level) * 100)}% interval` : "", "how"];
  const rows: string[][] = [];
  for (const [k, v] of Object.entries(r.params)) {
    const iv = r.intervals?.[k];
    rows.push([k, fmt(v), iv ? `[${fmt(iv[0], 4)}, ${fmt(iv[1], 4)}]` : "", "fitted"]);
  }
  for (const [k, v] of Object.entries(r.fixed)) {
    if (typeof v !== "number" || k === "steps") continue;
    const how = k === "rate" ? `fixed: ${p.rateSource ?? "from the config"}` : "fixed";
    rows.push([k, fmt(v), r.intervals ? "" : "", how]);
  }
  const keep = cols.map((c, j) => c !== "" || rows.some((row) => row[j] !== ""));
  const w = cols.map((c, j) => Math.max(c.length, ...rows.map((row) => row[j].length)));
  const line = (cells: string[]) => cells.map((x, j) => (keep[j] ? (j === 0 || j === 3 ? x.padEnd(w[j]) : x.padStart(w[j])) : null)).filter((x) => x !== null).join("  ").trimEnd();
  out.push(line(cols), ...rows.map(line));
  out.push("");
  out.push(`rmse ${fmt(r.rmse, 4)} over ${r.n_points} points; worst skill ${r.worst_skill.index} (rmse ${fmt(r.worst_skill.rmse, 4)})`);
  if (r.bootstrap) out.push(`bootstrap: ${r.bootstrap.K} resamples of the ${r.bootstrap.unit} (seed ${r.bootstrap.seed})${r.bootstrap.failed ? `, ${r.bootstrap.failed} failed` : ""}`);
  const g = r.search.grid.map((q) => `${q.name} ${fmt(q.lo, 3)}..${fmt(q.hi, 3)}`).join(", ");
  out.push(`search: ${g ? `${r.search.grid[0].points}-point log grid (${g}), then Nelder-Mead and Levenberg-Marquardt in log space; ` : "nothing fitted; "}${r.search.evaluations} model runs`);
  for (const n of r.notes) out.push(`note: ${n}`);
  out.push("");
  out.push("fitted toy model (skillsim run runs it; --config-out FILE writes it):");
  out.push(configYaml(r, files).trimEnd());
  return out.join("\n") + "\n";
}

export function configYaml(r: CalibrationResult, files: string[]): string {
  const params = Object.entries(r.params).map(([k, v]) => `${k} = ${fmt(v)}`).join(", ");
  const head = `# ${r.model} model calibrated by skillsim calibrate against ${files.join(", ")}${params ? `: ${params}` : ""}; rmse ${fmt(r.rmse, 4)}\n`;
  return head + stringify(r.config);
}
