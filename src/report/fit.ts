/**
 * The report of `skillsim fit`: the JSON shape of a fit and its text rendering (parameter
 * table with bootstrap intervals, objective, RMSE in log space, n, an ASCII scatter of the
 * data against the fitted law, and the compute-optimal allocation). Pure: fits in, text out.
 *
 * JSON (one fit):
 *   { form, x, y, n, params: { E, A, B, alpha, beta } | { E, A, alpha }, fixed: { E } | null,
 *     loss: { name, delta | penalty, description }, objective, rmse_log,
 *     intervals: { <param>: [lo, hi] } | null, bootstrap: { K, seed, level, by } | null,
 *     holdout: { n, rmse_log, max_abs_rel_error, rows: [{ at, x: {col: v}, y, predicted, rel_error }] } | null,
 *     predictions: [{ x: {col: v}, predicted, confidence: [lo, hi] | null, prediction: [lo, hi] | null }] | null,
 *     warnings: [{ code, message }],
 *     allocation: { flops_per_param_token, a, b, G, rows: [{ C, N_opt, D_opt, loss }] } | null }
 * With --by KEY: { by: KEY, groups: [ { value, ...one fit } ] }.
 * Numbers are full-precision JSON numbers.
 *
 * The ASCII plot is a scatter on a character grid, log10 y against log10 x: for a power law,
 * the data (one symbol per group with --by) and the fitted curves (dots); for the Chinchilla
 * law, loss vs N with the data grouped by D (as the SVG figure's left panel) and the fitted
 * curve at each group's median D.
 */
import { describeLoss, type ChinchillaParams, type FitResult, type Loss, type PowerLawParams } from "../fit/index.js";
import type { AnyParams, FitOutcome, GroupOutcome } from "../fit/outcome.js";
import { groupByD } from "./format.js";
import { asciiScatter, MAX_SERIES, type PlotSeries } from "./ascii-scatter.js";
import { FIT_PARAMS } from "../results/fit-json.js";

// ---------------------------------------------------------------------------------------------
// JSON

const ORDER: Record<FitResult<AnyParams>["form"], readonly string[]> = FIT_PARAMS;

/** The JSON object of one fit (see the file comment). */
export function fitJson(o: FitOutcome): Record<string, unknown> {
  const f = o.fit;
  const p = f.params as unknown as Record<string, number>;
  const params: Record<string, number> = {};
  for (const k of ORDER[f.form]) params[k] = p[k];
  let intervals: Record<string, [number, number]> | null = null;
  if (f.intervals) {
    intervals = {};
    const iv = f.intervals as Record<string, [number, number]>;
    for (const k of ORDER[f.form]) if (iv[k]) intervals[k] = [iv[k][0], iv[k][1]];
  }
  const a = o.allocation;
  const h = o.holdout;
  return {
    form: f.form,
    x: o.x,
    y: o.y,
    n: f.n,
    params,
    fixed: o.fixE === null || o.fixE === undefined ? null : { E: o.fixE },
    loss: lossJson(f.loss),
    objective: f.objective,
    rmse_log: f.rmse_log,
    intervals,
    bootstrap: o.bootstrap,
    holdout: h ? { n: h.n, rmse_log: h.rmse_log, max_abs_rel_error: h.max_abs_rel_error, where: h.where, rows: h.rows } : null,
    predictions: o.predictions ?? null,
    warnings: o.warnings ?? [],
    allocation: a
      ? { flops_per_param_token: a.flopsPerParamToken, a: a.a, b: a.b, G: a.G, rows: a.rows.map((r) => ({ C: r.C, N_opt: r.N_opt, D_opt: r.D_opt, loss: r.loss })) }
      : null,
  };
}

function lossJson(l: Loss): Record<string, unknown> {
  const out: Record<string, unknown> = { name: l.name };
  if (l.name === "huber") out.delta = l.delta;
  if (l.name === "asymmetric") out.penalty = l.penalty;
  out.description = describeLoss(l);
  return out;
}

/** The JSON object of a --by fit: { by, groups: [{ value, ...fit }] }. */
export function byJson(key: string, groups: readonly GroupOutcome[]): Record<string, unknown> {
  return { by: key, groups: groups.map((g) => ({ value: g.value, ...fitJson(g) })) };
}

// ---------------------------------------------------------------------------------------------
// Numbers

/** `digits` significant digits; exponent form outside [1e-3, 1e6). */
export function fmtNum(v: number, digits = 6): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-3) return v.toExponential(digits - 1).replace(/e\+?/, "e");
  const s = v.toPrecision(digits);
  return s.includes("e") ? String(Number(s)) : s; // 12590 rather than 1.259e+4
}

// ---------------------------------------------------------------------------------------------
// Tables

function alignTable(head: string[], rows: string[][], leftCols = 0): string {
  const w = head.map((h, j) => rows.reduce((m, r) => Math.max(m, r[j].length), h.length));
  const line = (cells: string[]) => cells.map((c, j) => (j < leftCols ? c.padEnd(w[j]) : c.padStart(w[j]))).join("   ").replace(/\s+$/, "");
  return [line(head), ...rows.map(line)].map((l) => `  ${l}`).join("\n");
}

/** "L = E + A/N^alpha + B/D^beta" with the column names. */
export function lawSymbolic(o: Pick<FitOutcome, "x" | "y"> & { form: FitResult<AnyParams>["form"] }): string {
  if (o.form === "chinchilla") return `${o.y} = E + A/${o.x[0]}^alpha + B/${o.x[1]}^beta`;
  return `${o.y} = E + A/${o.x[0]}^alpha`;
}

/** The fitted law with its numbers: "loss = 1.8172 + 477.82/N^0.34731 + 2143.4/D^0.36717". */
export function lawNumeric(o: FitOutcome): string {
  const p = o.fit.params as unknown as Record<string, number>;
  const n = (v: number) => fmtNum(v, 5);
  if (o.fit.form === "chinchilla") return `${o.y} = ${n(p.E)} + ${n(p.A)}/${o.x[0]}^${n(p.alpha)} + ${n(p.B)}/${o.x[1]}^${n(p.beta)}`;
  return `${o.y} = ${n(p.E)} + ${n(p.A)}/${o.x[0]}^${n(p.alpha)}`;
}

function paramTable(o: FitOutcome): string {
  const p = o.fit.params as unknown as Record<string, number>;
  const iv = o.fit.intervals as Record<string, [number, number]> | undefined;
  const head = ["parameter", "value"];
  if (iv && o.bootstrap) head.push(`${fmtLevel(o.bootstrap.level)} interval`);
  const rows = ORDER[o.fit.form].map((k) => {
    const row = [k, fmtNum(p[k])];
    if (iv && o.bootstrap) row.push(iv[k] ? `[${fmtNum(iv[k][0], 4)}, ${fmtNum(iv[k][1], 4)}]` : "-");
    return row;
  });
  return alignTable(head, rows, 1);
}

/** The summed Huber objective, to 12 significant digits (6 in tables). */
function fmtObjective(v: number, digits = 12): string {
  return v === 0 ? "0" : v.toPrecision(digits);
}

function fmtLevel(level: number): string {
  return `${Number((level * 100).toPrecision(4))}%`;
}

function fitLines(o: FitOutcome): string {
  const f = o.fit;
  const lines = [
    `  ${lawNumeric(o)}`,
    `  objective ${fmtObjective(f.objective)} (${describeLoss(f.loss)})   rmse(log ${o.y}) ${fmtNum(f.rmse_log, 4)}   n ${f.n}`,
  ];
  if (o.fixE !== null && o.fixE !== undefined) lines.push(`  E held fixed at ${fmtNum(o.fixE)} (--fix-E)`);
  if (o.bootstrap) lines.push(`  intervals: ${fmtLevel(o.bootstrap.level)} percentile bootstrap, ${o.bootstrap.K} resamples of the ${o.bootstrap.by === "run" ? "runs (whole traces)" : "rows"}, seed ${o.bootstrap.seed}`);
  return lines.join("\n");
}

function allocationTable(o: FitOutcome, label = ""): string {
  const a = o.allocation;
  if (!a) return "";
  const k = a.flopsPerParamToken;
  const [n, d] = o.x;
  const head = `compute-optimal allocation${label}, C = ${k} ${n} ${d}: ${n}_opt = G (C/${k})^a, ${d}_opt = (C/${k})^b / G with a = ${fmtNum(a.a, 4)}, b = ${fmtNum(a.b, 4)}, G = ${fmtNum(a.G, 4)}`;
  const rows = a.rows.map((r) => [fmtNum(r.C, 4), fmtNum(r.N_opt, 4), fmtNum(r.D_opt, 4), fmtNum(r.loss, 5)]);
  return `${head}\n${alignTable(["C", `${o.x[0]}_opt`, `${o.x[1]}_opt`, `${o.y}`], rows)}`;
}

// ---------------------------------------------------------------------------------------------
// The ASCII plot of a fit (the scatter itself: ./ascii-scatter.ts)

function logspace(lo: number, hi: number, k: number): number[] {
  const a = Math.log10(lo), b = Math.log10(hi);
  return Array.from({ length: k }, (_, i) => Math.pow(10, a + ((b - a) * i) / (k - 1)));
}

function range(v: ArrayLike<number>): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < v.length; i++) {
    if (v[i] > 0 && Number.isFinite(v[i])) {
      if (v[i] < lo) lo = v[i];
      if (v[i] > hi) hi = v[i];
    }
  }
  return [lo, hi];
}

/** Power-law series for one or more fits (one symbol per fit). */
function powerSeries(fits: readonly { label: string; o: FitOutcome }[], width: number): PlotSeries[] {
  return fits.map(({ label, o }) => {
    const p = o.fit.params as PowerLawParams;
    const x = o.xs[0];
    const [lo, hi] = range(x);
    const curve = Number.isFinite(lo) ? logspace(lo, hi, width * 3).map((v) => [v, p.E + p.A * Math.pow(v, -p.alpha)] as const) : [];
    return { label, x, y: o.ys, curve };
  });
}

/** Chinchilla series: loss vs N, data grouped by D, curve at each group's median D. */
function chinchillaSeries(o: FitOutcome, width: number): PlotSeries[] {
  const p = o.fit.params as ChinchillaParams;
  const N = o.xs[0], D = Array.from(o.xs[1]);
  const [lo, hi] = range(o.xs[0]);
  const groups = groupByD(D, 4);
  return groups.map((g) => ({
    label: g.label.replace(/^D/, o.x[1]),
    x: g.idx.map((i) => N[i]),
    y: g.idx.map((i) => o.ys[i]),
    curve: Number.isFinite(lo) ? logspace(lo, hi, width * 3).map((n) => [n, p.E + p.A * Math.pow(n, -p.alpha) + p.B * Math.pow(g.d, -p.beta)] as const) : [],
  }));
}

function plotFor(o: FitOutcome, opts: TextOptions): string {
  const W = plotWidth(opts);
  if (o.fit.form === "chinchilla") {
    const chart = asciiScatter(chinchillaSeries(o, W), { width: W, height: 18, xLabel: o.x[0], yLabel: o.y, color: opts.color });
    return `${o.y} vs ${o.x[0]}, data grouped by ${o.x[1]}; dots: the fitted law at each group's median ${o.x[1]}\n${chart}`;
  }
  const chart = asciiScatter(powerSeries([{ label: "data", o }], W), { width: W, height: 16, xLabel: o.x[0], yLabel: o.y, color: opts.color });
  return `${o.y} vs ${o.x[0]}: data and the fitted law\n${chart}`;
}

function plotWidth(opts: TextOptions): number {
  return Math.max(30, Math.min(72, opts.width - 12));
}

// ---------------------------------------------------------------------------------------------
// Text

export interface TextOptions {
  color: boolean;
  /** Terminal columns. */
  width: number;
}

/** What the fit was run on, for the header. */
export interface DataSummary {
  file: string;
  /** Rows read (after dropping step-0 points / --final). */
  rows: number;
  /** The --where expressions. */
  where: string[];
}

function dataLine(d: DataSummary, n: number, held = 0): string {
  const where = d.where.length ? ` (${d.where.map((w) => `--where ${w}`).join(" ")})` : "";
  const all = n + held;
  const line = all === d.rows ? `data: ${d.file}, ${all} rows${where}` : `data: ${d.file}, ${all} of ${d.rows} rows${where}`;
  return held ? `${line}; ${held} held out, ${n} fitted` : line;
}

function title(o: FitOutcome): string {
  const name = o.fit.form === "chinchilla" ? "Chinchilla fit" : "power-law fit";
  return `${name} of ${o.y} on ${o.x.join(", ")}: ${lawSymbolic({ form: o.fit.form, x: o.x, y: o.y })}`;
}

function fmtInterval(iv: [number, number] | null): string {
  return iv ? `[${fmtNum(iv[0], 4)}, ${fmtNum(iv[1], 4)}]` : "-";
}

function xText(x: Record<string, number>): string {
  return Object.entries(x).map(([k, v]) => `${k} ${fmtNum(v, 4)}`).join(", ");
}

/** Rows of the held-out table printed in text (all of them are in the JSON). */
const HOLDOUT_TEXT_ROWS = 20;

function holdoutSection(o: FitOutcome, label = ""): string {
  const h = o.holdout;
  if (!h) return "";
  const head = `held out${label} (--holdout ${h.where.join(" --holdout ")}): ${h.n} rows, not used in the fit`;
  if (h.n === 0) return `${head}; none in this group`;
  const summary = `  how well the law predicts them: rmse(log ${o.y}) ${fmtNum(h.rmse_log!, 4)}, largest |relative error| ${fmtNum(100 * h.max_abs_rel_error!, 3)}%`;
  const shown = h.rows.slice(0, HOLDOUT_TEXT_ROWS);
  const rows = shown.map((r) => [xText(r.x), fmtNum(r.y, 5), fmtNum(r.predicted, 5), `${r.rel_error >= 0 ? "+" : ""}${fmtNum(100 * r.rel_error, 3)}%`]);
  const more = h.rows.length > shown.length ? `\n  (the first ${shown.length} of ${h.rows.length} rows; --json has them all)` : "";
  return `${head}\n${summary}\n${alignTable(["at", o.y, "predicted", "error"], rows, 1)}${more}`;
}

function predictionSection(o: FitOutcome, label = ""): string {
  const ps = o.predictions;
  if (!ps || ps.length === 0) return "";
  const withIv = ps.some((p) => p.confidence);
  const level = o.bootstrap ? fmtLevel(o.bootstrap.level) : "";
  const head = ["at", `predicted ${o.y}`];
  if (withIv) head.push(`${level} confidence (mean law)`, `${level} prediction (a new run)`);
  const rows = ps.map((p) => {
    const r = [xText(p.x), fmtNum(p.predicted, 5)];
    if (withIv) r.push(fmtInterval(p.confidence), fmtInterval(p.prediction));
    return r;
  });
  const notes = withIv
    ? "  confidence: where the fitted law itself lies (bootstrap refits); prediction: where one new run would land (the refits plus the data's residual scatter)"
    : "  no intervals: add --bootstrap K for confidence and prediction intervals";
  return `predictions${label}\n${alignTable(head, rows, 1)}\n${notes}`;
}

function warningSection(o: FitOutcome, label = ""): string {
  const w = o.warnings ?? [];
  if (w.length === 0) return "";
  return [`warnings${label}:`, ...w.map((x) => `  - ${x.message} [${x.code}]`)].join("\n");
}

/** The text report of one fit. */
export function renderFitText(o: FitOutcome, d: DataSummary, opts: TextOptions): string {
  const parts = [title(o), dataLine(d, o.fit.n, o.holdout?.n ?? 0), "", paramTable(o), "", fitLines(o), "", plotFor(o, opts)];
  for (const section of [holdoutSection(o), predictionSection(o), allocationTable(o), warningSection(o)]) {
    if (section) parts.push("", section);
  }
  return parts.join("\n") + "\n";
}

/** The text report of a --by fit: one table row per group, then the plots and allocations. */
export function renderByText(key: string, groups: readonly GroupOutcome[], d: DataSummary, opts: TextOptions): string {
  const first = groups[0];
  const order = ORDER[first.fit.form];
  const withIv = groups.some((g) => g.fit.intervals) && first.bootstrap;
  const head = [key, "n", ...order, "rmse(log)", "objective"];
  if (first.allocation) head.push(`${first.x[0]}_opt ∝ C^a`, `${first.x[1]}_opt ∝ C^b`);
  const rows = groups.map((g) => {
    const p = g.fit.params as unknown as Record<string, number>;
    const iv = g.fit.intervals as Record<string, [number, number]> | undefined;
    const cells = [String(g.value), String(g.fit.n)];
    for (const k of order) cells.push(fmtNum(p[k], 5) + (withIv && iv?.[k] ? ` [${fmtNum(iv[k][0], 3)}, ${fmtNum(iv[k][1], 3)}]` : ""));
    cells.push(fmtNum(g.fit.rmse_log, 4), fmtObjective(g.fit.objective, 6));
    if (g.allocation) cells.push(fmtNum(g.allocation.a, 4), fmtNum(g.allocation.b, 4));
    return cells;
  });
  const total = groups.reduce((s, g) => s + g.fit.n, 0);
  const heldTotal = groups.reduce((s, g) => s + (g.holdout?.n ?? 0), 0);
  const name = first.fit.form === "chinchilla" ? "Chinchilla fits" : "power-law fits";
  const parts = [
    `${name} of ${first.y} on ${first.x.join(", ")}, one per value of ${key}: ${lawSymbolic({ form: first.fit.form, x: first.x, y: first.y })}`,
    dataLine(d, total, heldTotal),
    "",
    alignTable(head, rows),
  ];
  parts.push("", `  objective: ${describeLoss(first.fit.loss)}${first.fixE !== null && first.fixE !== undefined ? `; E held fixed at ${fmtNum(first.fixE)}` : ""}`);
  if (withIv) parts.push(`  intervals: ${fmtLevel(first.bootstrap!.level)} percentile bootstrap, ${first.bootstrap!.K} resamples of each group's ${first.bootstrap!.by === "run" ? "runs (whole traces)" : "rows"}, seed ${first.bootstrap!.seed}`);
  const W = plotWidth(opts);
  if (first.fit.form === "powerlaw") {
    const shown = groups.slice(0, MAX_SERIES);
    const more = groups.length > shown.length ? ` (the first ${shown.length} of ${groups.length} groups)` : "";
    const chart = asciiScatter(powerSeries(shown.map((g) => ({ label: `${key}=${g.value}`, o: g })), W), {
      width: W, height: 18, xLabel: first.x[0], yLabel: first.y, color: opts.color,
    });
    parts.push("", `${first.y} vs ${first.x[0]} per ${key}: data and the fitted laws${more}`, chart);
  } else {
    for (const g of groups) {
      const chart = asciiScatter(chinchillaSeries(g, W), { width: W, height: 14, xLabel: g.x[0], yLabel: g.y, color: opts.color });
      parts.push("", `${key}=${g.value}: ${g.y} vs ${g.x[0]}, data grouped by ${g.x[1]}; dots: the fitted law at each group's median ${g.x[1]}`, chart);
    }
  }
  for (const g of groups) {
    const label = ` (${key}=${g.value})`;
    for (const section of [holdoutSection(g, label), predictionSection(g, label), allocationTable(g, label), warningSection(g, label)]) {
      if (section) parts.push("", section);
    }
  }
  return parts.join("\n") + "\n";
}
