/**
 * What every skillsim figure shares: the Vega-Lite type (a plain JSON object), the look
 * (DejaVu Sans, the font the PNG is drawn with), colours (viridis for ordered series,
 * Okabe–Ito for unordered ones) and small helpers to put a title and subtitles on a spec.
 * Pure: no figure library is loaded here.
 */

/** A Vega-Lite specification: plain JSON, data inline. Checked by vega-lite when rendered. */
export type VlSpec = { [key: string]: unknown };

export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
export const FONT = "DejaVu Sans";

/** Options every figure takes: its size (one panel's, in px) and the x range drawn. */
export interface FigureSize {
  width?: number;
  height?: number;
  /** Draw only lo <= x <= hi (marks outside are clipped). */
  xlim?: [number, number];
}

/** The shared look (Vega-Lite `config`). */
export const CONFIG: VlSpec = {
  font: FONT,
  background: "white",
  padding: 8,
  title: { anchor: "start", fontSize: 15, subtitleFontSize: 11.5, subtitleColor: "#555555", offset: 10 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal", gridColor: "#e6e6e6", labelOverlap: "greedy", labelSeparation: 4 },
  legend: { labelFontSize: 11, titleFontSize: 11.5, titleFontWeight: "bold", labelLimit: 360, titleLimit: 360, symbolOpacity: 1 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  view: { stroke: "#888888" },
  line: { strokeWidth: 1.8, strokeJoin: "round" },
};

// viridis sampled at 32 points (matplotlib's), as "rrggbb".
const VIRIDIS =
  "440154470d6048186a482374472d7b4537814240863e49893b528b375b8d33638d2f6b8e2c728e297a8e26828e23898e21918c" +
  "1f978b1f9f8821a68527ad8131b57b3dbc744cc26c5cc8636ece5881d34d95d840aadc32c0df25d5e21aeae51afde725";

/** viridis(t) for t in [0, 1] (0 = dark purple, 1 = yellow) as "#rrggbb". */
export function viridis(t: number): string {
  const n = VIRIDIS.length / 6 - 1;
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * n;
  const i = Math.min(n - 1, Math.floor(x));
  const f = x - i;
  const at = (j: number, c: number) => parseInt(VIRIDIS.slice(6 * j + 2 * c, 6 * j + 2 * c + 2), 16);
  let s = "#";
  for (let c = 0; c < 3; c++) s += Math.round(Math.min(255, Math.max(0, at(i, c) + (at(i + 1, c) - at(i, c)) * f))).toString(16).padStart(2, "0");
  return s;
}

/** Colours stop short of viridis' pale yellow end, which is unreadable on white. */
export const VIRIDIS_MAX = 0.82;

/** `count` ordered colours, dark first. */
export function viridisRange(count: number): string[] {
  return Array.from({ length: count }, (_, k) => viridis(count <= 1 ? 0 : (k / (count - 1)) * VIRIDIS_MAX));
}

/** Okabe–Ito colours (colour-blind safe) for unordered series. */
export const OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"];

export function okabeIto(count: number): string[] {
  return Array.from({ length: count }, (_, k) => OKABE_ITO[k % OKABE_ITO.length]);
}

/** The top-level wrapper: schema, title and subtitle lines, config; log axes get short labels. */
export function topLevel(body: VlSpec, title: string, subtitle: string[] = []): VlSpec {
  const t: VlSpec = { text: title };
  const lines = subtitle.filter((s) => s.length > 0);
  if (lines.length) t.subtitle = lines;
  return { $schema: VEGA_LITE_SCHEMA, title: t, ...(shortLogLabels(body) as VlSpec), config: CONFIG };
}

/** The decade of a log-axis tick, its mantissa rounded: 0.000999999 (a tick vega computed) is 1×10⁻³. */
const DECADE = "floor(round(log(datum.value) / LN10 * 1e6) / 1e6)";
const MANTISSA = `round(datum.value / pow(10, ${DECADE}) * 1000) / 1000`;

/**
 * Log-axis labels: at 1, 2, 3 and 5 times a power of ten only (vega ticks every multiple and
 * would label 9e-4 next to 0.004), plain between 10⁻³ and 10⁵ (0.001, 20, 5000), else with
 * an exponent (1e-8, 2e+8). Labels that would overlap are dropped by vega.
 */
export const LOG_LABELS = `indexof([1, 2, 3, 5], ${MANTISSA}) < 0 ? '' : abs(datum.value) >= 9.9999e-4 && abs(datum.value) < 1e5 ? format(datum.value, '.6~r') : format(datum.value, '.0e')`;

/**
 * Every x/y encoding on a log scale without its own axis labels gets LOG_LABELS, short where
 * vega's default writes 200,000,000 or 0.000001.
 */
function shortLogLabels(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(shortLogLabels);
  if (node === null || typeof node !== "object") return node;
  const out: VlSpec = {};
  for (const [k, v] of Object.entries(node as VlSpec)) {
    if (k === "data") out[k] = v;
    else if ((k === "x" || k === "y") && v && typeof v === "object" && ((v as VlSpec).scale as VlSpec | undefined)?.type === "log") {
      const enc = v as VlSpec;
      const axis = enc.axis === null ? null : { labelExpr: LOG_LABELS, ...((enc.axis as VlSpec | undefined) ?? {}) };
      out[k] = { ...enc, axis };
    } else out[k] = shortLogLabels(v);
  }
  return out;
}

/** A scale domain from --xlim (clipped marks), or nothing. */
export function xDomain(size: FigureSize | undefined): VlSpec {
  return size?.xlim ? { domain: [size.xlim[0], size.xlim[1]] } : {};
}

/** Keep the rows with lo <= x <= hi (the data a --xlim figure carries). */
export function withinXlim<T>(rows: T[], x: (r: T) => number, size: FigureSize | undefined): T[] {
  if (!size?.xlim) return rows;
  const [lo, hi] = size.xlim;
  return rows.filter((r) => x(r) >= lo && x(r) <= hi);
}

/** Pan and zoom with the mouse (on the .html page; no effect on a static render). */
export function zoom(name: string, encodings: ("x" | "y")[] = ["x", "y"]): VlSpec {
  return { name, select: { type: "interval", encodings }, bind: "scales" };
}
