/**
 * A study's figures (`study: figures:` in a config or study file), drawn through relplot like
 * every other figure: tidy rows in, y against x, one colour per value of `color`, one panel per
 * value of `column`, log axes where asked.
 * - data: runs / calibration: one row per run; runs that share (column, color, x) - the seeds -
 *   are drawn as their mean with the 95% t interval of the mean (Student t, n - 1 degrees of
 *   freedom) as a band or error bars, each run a dot;
 * - data: groups: the group table's own numbers, y_mean with y_lo..y_hi (the same 95% t
 *   interval, computed once in src/study/compute.ts), each run of the group a dot;
 * - data: fits: one row per fit group; alpha with its bootstrap percentile interval when the
 *   fit has one;
 * - data: curves: long format, one row per run, recorded step and skill (level, loss and the
 *   skill's own loss): per-skill curves, colour = skill; the runs that share a curve's keys
 *   (the seeds) drawn as its mean with the same t band.
 * `select` keeps the rows whose columns hold the given values (the runs a figure shows).
 * Pure: the study's tables in, a Vega-Lite specification out.
 */
import type { FigureSpec, PaperCheck } from "../../study/spec.js";
import { cellMatches, cellOf, type StudyResult, type Table } from "../../study/compute.js";
import { relplot, type Row } from "./relplot.js";
import type { FigureSize, VlSpec } from "./theme.js";
import { LOSS_RANGE } from "./run.js";

export interface StudyFigureOptions extends FigureSize {
  /** Title when the figure has none of its own (the paper figure's title). */
  title?: string;
  /** The study's paper checks: those of this figure's table, y and x are drawn as the paper's values. */
  checks?: PaperCheck[];
}

/**
 * The paper's numbers this figure can show: the checks on its table (groups, fits or compare)
 * and its y, whose row names its x value and the colour and panel values it draws with (and
 * passes its select); each as a row at (x, colour, panel) with the value in `ref`, the keys'
 * values as the tables hold them (a list as its JSON text, as on the figure's axis).
 */
export function referenceRows(f: FigureSpec, checks: PaperCheck[]): Row[] {
  const yCol = (c: PaperCheck) => c.column;
  const keys = [f.x, f.color, f.column].filter((k): k is string => k !== undefined);
  return checks
    .filter((c) => (c.table === f.data) && yCol(c) === f.y && keys.every((k) => k in c.row))
    .filter((c) => Object.entries(f.select).every(([k, vs]) => !(k in c.row) || vs.some((v) => cellMatches(c.row[k] as never, v))))
    .map((c) => ({ ...Object.fromEntries(keys.map((k) => [k, cellOf(c.row[k])])), ref: c.value, source: `${c.provenance}: ${c.source}` }));
}

/**
 * A legend or panel value that is a setting written as an object with a name (an optimizer with
 * its parameters, `{"name":"adam","beta1":0.9,"beta2":0.95}` in the tables) as a label:
 * "adam (beta1 0.9, beta2 0.95)". Other values as they are.
 */
export function settingLabel(v: unknown): unknown {
  if (typeof v !== "string" || !v.startsWith("{")) return v;
  try {
    const o = JSON.parse(v) as Record<string, unknown>;
    if (typeof o.name !== "string") return v;
    const rest = Object.entries(o).filter(([k]) => k !== "name").map(([k, x]) => `${k} ${typeof x === "string" ? x : JSON.stringify(x)}`);
    return rest.length ? `${o.name} (${rest.join(", ")})` : o.name;
  } catch {
    return v;
  }
}

function readable(r: Row, fields: (string | undefined)[]): Row {
  const out = { ...r };
  for (const f of fields) if (f && f in out) out[f] = settingLabel(out[f]);
  return out;
}

/** The subtitle's line for the reference points: what they are and where they were read. */
function referenceText(refs: Row[]): string {
  const from = [...new Set(refs.map((r) => String(r.source).split(":")[0]))].join(", ");
  return `open diamonds: the paper's values (read from: ${from}; skillsim paper's verdict table gives each source and tolerance)`;
}

function records(t: Table): Row[] {
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i]])));
}

function tableOf(result: StudyResult, f: FigureSpec): Table {
  const t = f.data === "runs" ? result.runs : f.data === "groups" ? result.groups : f.data === "fits" ? result.fits : f.data === "curves" ? result.curves : f.data === "compare" ? result.compare : result.calibration;
  if (!t) throw new Error(`figure ${f.name}: the study has no ${f.data} table`);
  return t;
}

export const GROUP_INTERVAL = "95% t interval of the mean over the group's runs (Student t, n - 1 degrees of freedom)";
export const FIT_INTERVAL = "2.5 and 97.5 percentiles of the bootstrap refits";

/** The Vega-Lite specification of one study figure (see the file comment). */
export function studySpec(result: StudyResult, f: FigureSpec, o: StudyFigureOptions = {}): VlSpec {
  const t = tableOf(result, f);
  const keep = (r: Row) => Object.entries(f.select).every(([k, vs]) => vs.some((v) => cellMatches(r[k] as never, v)));
  const rows = records(t).filter(keep).map((r) => readable(r, [f.color, f.column]));
  if (rows.length === 0 && t.rows.length > 0) throw new Error(`figure ${f.name}: select ${JSON.stringify(f.select)} keeps none of the ${t.rows.length} rows of the ${f.data} table`);
  const common = {
    x: f.x, y: f.y, colour: f.color ?? null, facet: f.column ?? null, mark: f.mark,
    logX: f.logX, logY: f.logY, title: f.title ?? o.title ?? f.name,
    width: o.width, height: o.height, xlim: o.xlim ?? f.xlim,
  };
  try {
    const fitted = f.fitLines ? fitLines(result, f, rows) : {};
    const refRows = o.checks ? referenceRows(f, o.checks) : [];
    const refs = refRows.length ? { refs: refRows, refsText: referenceText(refRows) } : {};
    if (f.data === "groups" && t.columns.includes(`${f.y}_mean`)) {
      return relplot(rows, {
        ...common, ...fitted, ...refs, yTitle: `${f.y} (mean over seeds)`,
        given: { mean: `${f.y}_mean`, lo: `${f.y}_lo`, hi: `${f.y}_hi`, n: `${f.y}_n`, sd: `${f.y}_sd`, interval: GROUP_INTERVAL, singles: records(result.runs).filter(keep).map((r) => readable(r, [f.color, f.column])), what: "mean over the group's seeds" },
      });
    }
    if (f.data === "compare") {
      // A ratio of paired runs (num over den, same keys and seed): its mean over the pairs with the t interval.
      return relplot(rows, {
        ...common, ...refs, yTitle: `${f.y} (mean over paired seeds)`,
        given: { mean: `${f.y}_mean`, lo: `${f.y}_lo`, hi: `${f.y}_hi`, n: `${f.y}_n`, sd: `${f.y}_sd`, interval: GROUP_INTERVAL.replace("group's runs", "pairs"), what: "mean over the pairs (one per seed)" },
      });
    }
    if (f.data === "fits" && f.y === "alpha") {
      return relplot(rows, { ...common, ...refs, given: { mean: "alpha", lo: "alpha_lo", hi: "alpha_hi", n: "n", interval: FIT_INTERVAL, what: "the fitted alpha of each fit group" } });
    }
    if (f.data === "curves") {
      // A loss on a log axis keeps to its useful range, as the run figure's (LOSS_RANGE decades).
      // Curves span their steps exactly (no padding past the first and last step).
      const steps = rows.map((r) => r[f.x]).filter((v): v is number => typeof v === "number" && (!f.logX || v > 0));
      if (!common.xlim && steps.length > 1 && Math.min(...steps) < Math.max(...steps)) common.xlim = [Math.min(...steps), Math.max(...steps)];
      const named = { ...common, colourTitle: f.color === "skill" ? "skill" : undefined, dots: false, points: false, ordered: f.color === "task" || f.color === "skill" ? true : undefined, yDecades: f.y === "loss" || f.y === "skill_loss" ? LOSS_RANGE : undefined };
      return relplot(rows, { ...named, subtitle: Object.keys(f.select).length ? [`runs: ${selectText(f.select)}`] : undefined });
    }
    return relplot(rows, { ...common, ...fitted, subtitle: Object.keys(f.select).length ? [`rows: ${selectText(f.select)}`] : undefined });
  } catch (e) {
    throw new Error(`figure ${f.name}: ${(e as Error).message}`);
  }
}

/** Points on each fit group's curve y = E + A x^-alpha. */
export const FIT_LINE_POINTS = 41;

/**
 * The fitted power laws of a study as lines (`fit_lines: true`): for each fit row with
 * parameters whose group the figure draws, FIT_LINE_POINTS points from the smallest to the largest
 * x of that group's rows (log-spaced on a log x axis), y = E + A x^-alpha.
 */
function fitLines(result: StudyResult, f: FigureSpec, rows: Row[]): { lines: Row[]; linesText: string } {
  const fits = result.fits;
  const lines: Row[] = [];
  const range = result.fitRange ?? null;
  if (!fits) return { lines, linesText: "" };
  const by = fits.columns.slice(0, fits.columns.indexOf("n"));
  const at = (r: (typeof fits.rows)[number], c: string) => r[fits.columns.indexOf(c)];
  let pure = true;
  for (const fr of fits.rows) {
    const A = at(fr, "A"), alpha = at(fr, "alpha"), E = at(fr, "E");
    if (typeof A !== "number" || typeof alpha !== "number") continue;
    const e = typeof E === "number" ? E : 0;
    if (e !== 0) pure = false;
    const mine = rows.filter((r) => by.every((k) => cellMatches(r[k] as never, at(fr, k))));
    const xs = mine.map((r) => r[f.x]).filter((v): v is number => typeof v === "number" && Number.isFinite(v) && (!f.logX || v > 0));
    if (xs.length === 0) continue;
    // Drawn over the fitted window only (fit.range): the law is not claimed outside it.
    const win = xs.filter((x) => !range || (x >= range[0] && x <= range[1]));
    if (win.length === 0) continue;
    const lo = Math.min(...win), hi = Math.max(...win);
    const key: Row = {};
    for (const k of by) key[k] = at(fr, k);
    for (let i = 0; i < FIT_LINE_POINTS; i++) {
      const u = i / (FIT_LINE_POINTS - 1);
      const x = f.logX ? lo * Math.pow(hi / lo, u) : lo + (hi - lo) * u;
      lines.push({ ...key, [f.x]: x, fit: e + A * Math.pow(x, -alpha) });
    }
  }
  return { lines, linesText: `lines: the fitted power law ${f.y} = ${pure ? "" : "E + "}A ${f.x}^-alpha, one per ${by.join(" and ")} (fits.csv)${range ? `, fitted and drawn over ${range[0]} <= ${f.x} <= ${range[1]}` : ""}` };
}

function selectText(select: Record<string, unknown[]>): string {
  return Object.entries(select).map(([k, vs]) => `${k} = ${vs.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(" or ")}`).join(", ");
}
