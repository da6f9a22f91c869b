/**
 * A study's figures as Vega-Lite specifications (v5) with their data inline: the reviewable
 * artefact, which opens unchanged in the Vega editor and in Altair. Tidy data in, x / y /
 * colour / column facet, like seaborn's relplot; a group figure draws each quantity's mean
 * over seeds with its 95% t interval as error bars. Pure: tables in, JSON objects out.
 */
import type { FigureSpec } from "./spec.js";
import { toRecords, type Cell, type StudyResult, type Table } from "./compute.js";

export type VegaLite = Record<string, unknown>;

/** A field name as Vega-Lite reads it (a dot would mean a nested field). */
export function field(name: string): string {
  return name.replace(/([.[\]\\])/g, "\\$1");
}

function tableOf(result: StudyResult, f: FigureSpec): Table {
  const t = f.data === "runs" ? result.runs : f.data === "groups" ? result.groups : f.data === "fits" ? result.fits : result.calibration;
  if (!t) throw new Error(`figure ${f.name}: the study has no ${f.data} table`);
  return t;
}

/** Columns a figure's y names: the column itself, or for groups the mean and interval of a quantity. */
function yColumns(t: Table, f: FigureSpec): { y: string; lo?: string; hi?: string } {
  if (f.data === "groups" && t.columns.includes(`${f.y}_mean`)) return { y: `${f.y}_mean`, lo: `${f.y}_lo`, hi: `${f.y}_hi` };
  if (f.data === "fits" && f.y === "alpha") return { y: "alpha", lo: "alpha_lo", hi: "alpha_hi" };
  return { y: f.y };
}

function typeOf(rows: Record<string, Cell>[], col: string): "quantitative" | "nominal" {
  return rows.every((r) => typeof r[col] === "number" || r[col] === null) ? "quantitative" : "nominal";
}

/** The Vega-Lite spec of one study figure. */
export function figureSpec(result: StudyResult, f: FigureSpec, title?: string): VegaLite {
  const t = tableOf(result, f);
  const { y, lo, hi } = yColumns(t, f);
  const keep = [...new Set([f.x, y, lo, hi, f.color, f.column].filter((c): c is string => c !== undefined))];
  const values = toRecords(t)
    .filter((r) => r[f.x] !== null && r[y] !== null && (!f.logY || (r[y] as number) > 0) && (!f.logX || (r[f.x] as number) > 0))
    .map((r) => Object.fromEntries(keep.map((c) => [c, r[c]])));
  const xType = typeOf(values, f.x);
  const yTitle = f.data === "groups" && y.endsWith("_mean") ? `${f.y} (mean over seeds; bars: 95% t interval)` : f.data === "fits" && f.y === "alpha" ? "alpha (bars: bootstrap 95% interval)" : f.y;
  const enc: Record<string, unknown> = {
    x: { field: field(f.x), type: xType === "quantitative" && f.mark === "bar" ? "ordinal" : xType, title: f.x, ...(f.logX ? { scale: { type: "log" } } : {}) },
    y: { field: field(y), type: "quantitative", title: yTitle, ...(f.logY ? { scale: { type: "log" } } : {}) },
  };
  if (f.color) enc.color = { field: field(f.color), type: "nominal", title: f.color };
  const tooltip = keep.map((c) => ({ field: field(c), type: typeOf(values, c) }));
  const layers: VegaLite[] = [{ mark: f.mark === "line" ? { type: "line", point: true } : { type: f.mark }, encoding: { ...enc, tooltip } }];
  if (lo && hi) {
    layers.push({
      mark: { type: "rule" },
      // On a log axis an interval reaching 0 or below (few seeds, a wide spread) cannot be drawn: left out.
      transform: [{ filter: `isValid(datum[${JSON.stringify(lo)}]) && isValid(datum[${JSON.stringify(hi)}])${f.logY ? ` && datum[${JSON.stringify(lo)}] > 0` : ""}` }],
      encoding: { x: enc.x, y: { field: field(lo), type: "quantitative", ...(f.logY ? { scale: { type: "log" } } : {}) }, y2: { field: field(hi) }, ...(f.color ? { color: enc.color } : {}) },
    });
  }
  const spec: VegaLite = {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: f.title ?? title ?? f.name,
    data: { values },
  };
  if (f.column) return { ...spec, facet: { column: { field: field(f.column), type: "nominal", title: f.column } }, spec: { width: 260, height: 200, layer: layers } };
  return { ...spec, width: 400, height: 260, layer: layers };
}
