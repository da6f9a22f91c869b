/**
 * The sweep figure: final loss vs one swept key (log-log when all values are positive),
 * one series per value of a second swept key, and the runs that differ only in the other
 * swept keys (seeds, typically) shown as spread: a min–max band, faint dots for single
 * runs and a line through the mean. The legend gives each series' log-log slope.
 * Input: the JSON Lines of `skillsim sweep` (as text or parsed objects).
 */
import {
  FS, MARKERS, MUTED, type LegendItem, type Panel, type Pt, type Scale, type Tick,
  axes, clipRect, extent, fmtAny, fmtValue, heading, legend, linearScale, logScale, marker, num,
  padLinear, padLog, pathData, pushAll, samplePolyline, svgDocument, viridisCategory,
} from "./core.js";
import { sweepLines } from "../../results/sweep-lines.js";

export interface SweepLine {
  id: number;
  /** Swept settings of this run, by dotted config key ("params", "skills.frequencies.zipf", "seed"). */
  overrides: Record<string, unknown>;
  final: { loss: number; [k: string]: unknown };
  skills?: unknown[];
  trace?: { t: number[]; loss: number[] };
}

export interface SweepFigureOptions {
  /** Key on the x axis (default: the first numeric key that varies, other than seed, else the
   * first other key that varies, drawn as categories; never seed unless named). */
  x?: string;
  /** Key whose values make the series (default: the next key that varies, other than seed). */
  series?: string;
  title?: string;
}

const W = 720;
const H = 480;

/** Okabe–Ito colours (colour-blind safe) for unordered series. */
const OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"];

/** A sweep's JSON Lines, each line checked by the results layer's reader (blank lines ignored). */
export function parseJsonLines(s: string, file = "<sweep>"): SweepLine[] {
  return sweepLines(s, file).map((l) => l.value as unknown as SweepLine);
}

/** Last part of a dotted key ("skills.frequencies.zipf" -> "zipf"). */
export function shortKey(k: string): string {
  const parts = k.split(".");
  return parts[parts.length - 1];
}

export interface KeyInfo {
  key: string;
  numeric: boolean;
  values: unknown[]; // distinct, in sorted (numeric) or first-seen order
}

/** A swept key and its values as KeyInfo (distinct values, numeric ones sorted). */
export function keyInfo(key: string, values: unknown[]): KeyInfo {
  const m = new Map<string, unknown>();
  for (const v of values) m.set(JSON.stringify(v), v);
  const distinct = [...m.values()];
  const numeric = distinct.every((v) => typeof v === "number" && Number.isFinite(v));
  if (numeric) (distinct as number[]).sort((a, b) => a - b);
  return { key, numeric, values: distinct };
}

/** Swept keys in order of first appearance, with their distinct values. */
export function sweptKeys(lines: SweepLine[]): KeyInfo[] {
  const seen = new Map<string, Map<string, unknown>>();
  for (const l of lines) {
    for (const [k, v] of Object.entries(l.overrides ?? {})) {
      if (!seen.has(k)) seen.set(k, new Map());
      seen.get(k)!.set(JSON.stringify(v), v);
    }
  }
  return [...seen].map(([key, m]) => keyInfo(key, [...m.values()]));
}

/** Default x and series keys for a sweep (see SweepFigureOptions). */
export function chooseKeys(lines: SweepLine[], opts: SweepFigureOptions = {}): { x: string; series: string | null; pooled: KeyInfo[] } {
  return chooseKeysOf(sweptKeys(lines), opts);
}

/**
 * The same choice from the swept keys and their values alone (e.g. a config's `sweep:`
 * block, as `keyInfo` builds them), so a caller can check --plot-x before any run. Throws
 * an Error naming the problem when no x key fits.
 */
export function chooseKeysOf(keys: KeyInfo[], opts: SweepFigureOptions = {}): { x: string; series: string | null; pooled: KeyInfo[] } {
  const varies = (k: KeyInfo) => k.values.length > 1;
  let x = opts.x;
  if (x === undefined) {
    // Never seed by default: final loss against the seed number shows nothing; it is spread.
    // A numeric key that varies first, then any key that varies (drawn as categories, e.g.
    // the two-skill sweep's frequency lists), then a numeric key that does not.
    const k = keys.find((k) => k.numeric && varies(k) && k.key !== "seed") ??
      keys.find((k) => varies(k) && k.key !== "seed") ??
      keys.find((k) => k.numeric && k.key !== "seed");
    if (!k) {
      const swept = keys.map((k) => k.key).join(", ") || "none";
      throw new Error(`sweepFigure: no swept key other than seed for the x axis (swept: ${swept}); name one as x (--plot-x), seed included`);
    }
    x = k.key;
  }
  const xi = keys.find((k) => k.key === x);
  if (!xi) throw new Error(`sweepFigure: x key "${x}" is not a swept key (swept: ${keys.map((k) => k.key).join(", ") || "none"})`);
  let series: string | null = opts.series ?? null;
  if (opts.series === undefined) series = keys.find((k) => varies(k) && k.key !== x && k.key !== "seed")?.key ?? null;
  if (series !== null && !keys.some((k) => k.key === series)) throw new Error(`sweepFigure: series key "${series}" is not a swept key`);
  const pooled = keys.filter((k) => varies(k) && k.key !== x && k.key !== series);
  return { x, series, pooled };
}

/** Least-squares slope of log y on log x (null with fewer than 2 distinct points). */
function logSlope(pts: [number, number][]): number | null {
  const q = pts.filter(([a, b]) => a > 0 && b > 0).map(([a, b]) => [Math.log(a), Math.log(b)]);
  if (q.length < 2) return null;
  const mx = q.reduce((s, p) => s + p[0], 0) / q.length;
  const my = q.reduce((s, p) => s + p[1], 0) / q.length;
  let sxx = 0;
  let sxy = 0;
  for (const [a, b] of q) { sxx += (a - mx) ** 2; sxy += (a - mx) * (b - my); }
  return sxx > 0 ? sxy / sxx : null;
}

/** The sweep figure as an SVG document (see the file comment). */
export function sweepFigure(input: SweepLine[] | string, opts: SweepFigureOptions = {}): string {
  const all = typeof input === "string" ? parseJsonLines(input) : input;
  const { x: xKey, series: sKey, pooled } = chooseKeys(all, opts);
  const lossOf = (l: SweepLine) => Number(l.final?.loss);
  // A non-numeric x key is drawn as categories at 0, 1, 2, … in the order first swept.
  const xInfo = sweptKeys(all).find((k) => k.key === xKey)!;
  const categorical = !xInfo.numeric;
  const categories = xInfo.values.map((v) => JSON.stringify(v));
  const xOf = (l: SweepLine): number =>
    categorical ? (l.overrides?.[xKey] === undefined ? NaN : categories.indexOf(JSON.stringify(l.overrides[xKey]))) : Number(l.overrides?.[xKey]);
  const lines = all.filter((l) => Number.isFinite(lossOf(l)) && (categorical || typeof l.overrides?.[xKey] === "number") && Number.isFinite(xOf(l)));
  const dropped = all.length - lines.length;

  // Series, in numeric order (or first-seen order).
  const sInfo = sKey === null ? null : sweptKeys(lines).find((k) => k.key === sKey) ?? null;
  const sValues: unknown[] = sInfo ? sInfo.values : [undefined];
  const ordered = !!sInfo?.numeric;
  const colourOf = (k: number) => (sValues.length === 1 ? "#1f4e79" : ordered ? viridisCategory(k, sValues.length) : OKABE_ITO[k % OKABE_ITO.length]);

  interface Group { x: number; ys: number[]; mean: number; min: number; max: number }
  const series = sValues.map((sv, k) => {
    const mine = lines.filter((l) => sKey === null || JSON.stringify(l.overrides[sKey]) === JSON.stringify(sv));
    const byX = new Map<number, number[]>();
    for (const l of mine) {
      const xv = xOf(l);
      if (!byX.has(xv)) byX.set(xv, []);
      byX.get(xv)!.push(lossOf(l));
    }
    const groups: Group[] = [...byX.entries()].sort((a, b) => a[0] - b[0]).map(([x, ys]) => ({
      x, ys, mean: ys.reduce((s, v) => s + v, 0) / ys.length, min: ys.reduce((a, v) => Math.min(a, v), Infinity), max: ys.reduce((a, v) => Math.max(a, v), -Infinity),
    }));
    return { value: sv, colour: colourOf(k), shape: MARKERS[k % MARKERS.length], groups };
  });

  // Scales.
  const xsVals = lines.map(xOf);
  const ysVals = lines.map(lossOf);
  const logX = !categorical && xsVals.length > 0 && xsVals.every((v) => v > 0);
  const logY = ysVals.length > 0 && ysVals.every((v) => v > 0);
  const xe: [number, number] = categorical ? [-0.5, categories.length - 0.5] : extent(xsVals) ?? [1, 10];
  const ye = extent(ysVals) ?? [0.1, 1];

  const title = opts.title ?? `Final loss vs ${xKey}` + (sKey ? ` by ${shortKey(sKey)}` : "");
  let maxGroup = 0;
  for (const s of series) for (const g of s.groups) maxGroup = Math.max(maxGroup, g.ys.length);
  const pooledText = pooled.map((k) => `${k.key} (${k.values.length} values)`).join(", ");
  const sub1 = [`${lines.length} run${lines.length === 1 ? "" : "s"}`, `x: ${xKey}`];
  if (sKey) sub1.push(`series: ${sKey}`);
  if (dropped) sub1.push(`${dropped} without a finite loss left out`);
  const sub2 = maxGroup > 1
    ? `line: mean over ${pooledText || "repeats"}; band: min–max; dots: single runs`
    : "one run per point";
  const head = heading(W, title, [sub1.join(" · "), sub2]);

  const p: Panel = { x: 84, y: head.height + 10, w: W - 84 - 22, h: H - head.height - 10 - 58 };
  const xs: Scale = logX ? logScale(padLog(xe, 0.05), [p.x, p.x + p.w]) : linearScale(categorical ? xe : padLinear(xe), [p.x, p.x + p.w]);
  const ys: Scale = logY ? logScale(padLog(ye, 0.08), [p.y + p.h, p.y]) : linearScale(padLinear(ye), [p.y + p.h, p.y]);

  // Few distinct x values on a log axis: label exactly those.
  const distinctX = [...new Set(xsVals)].sort((a, b) => a - b);
  let xTicks: Tick[] | undefined;
  if (categorical) {
    xTicks = xInfo.values.map((v, i) => ({ value: i, label: fmtAny(v) }));
  } else if (logX && distinctX.length >= 2 && distinctX.length <= 10) {
    xTicks = [
      ...distinctX.map((v) => ({ value: v, label: fmtValue(v) })),
      ...xs.ticks(10).filter((t) => !distinctX.includes(t.value)).map((t) => ({ value: t.value })),
    ].sort((a, b) => a.value - b.value);
  }

  const body: string[] = [head.svg];
  const defs = [clipRect("sweep-clip", p)];
  body.push(axes(p, xs, ys, { xLabel: xKey, yLabel: "final loss", xTicks }));

  const bands: string[] = [];
  const dots: string[] = [];
  const means: string[] = [];
  const avoid: Pt[] = [];
  const items: LegendItem[] = [];
  for (const s of series) {
    if (s.groups.length === 0) continue;
    const pts: Pt[] = s.groups.map((g) => [xs.map(g.x), ys.map(g.mean)]);
    if (maxGroup > 1 && s.groups.length > 1) {
      const upper = s.groups.map((g) => `${num(xs.map(g.x))} ${num(ys.map(g.max))}`);
      const lower = s.groups.map((g) => `${num(xs.map(g.x))} ${num(ys.map(g.min))}`).reverse();
      bands.push(`<path d="M${upper.join("L")}L${lower.join("L")}Z" fill="${s.colour}" fill-opacity="0.15" stroke="none"/>`);
    }
    if (maxGroup > 1) {
      for (const g of s.groups) for (const y of g.ys) {
        dots.push(`<circle cx="${num(xs.map(g.x))}" cy="${num(ys.map(y))}" r="2.2" fill="${s.colour}" fill-opacity="0.45"/>`);
        avoid.push([xs.map(g.x), ys.map(y)]);
      }
    }
    means.push(`<path d="${pathData(pts)}" stroke="${s.colour}" stroke-width="1.8" fill="none" stroke-linejoin="round"/>`);
    for (const [px, py] of pts) means.push(marker(s.shape, px, py, 3.6, `fill="${s.colour}" stroke="#ffffff" stroke-width="0.8"`));
    pushAll(avoid, samplePolyline(pts, 4));
    const slope = logX && logY ? logSlope(s.groups.map((g) => [g.x, g.mean])) : null;
    const name = sKey ? `${shortKey(sKey)} = ${fmtAny(s.value)}` : "mean";
    items.push({ label: name + (slope !== null && s.groups.length >= 3 ? `   (slope ${fmtValue(slope)})` : ""), kind: "line+marker", color: s.colour, marker: s.shape });
  }
  body.push(`<g clip-path="url(#sweep-clip)">\n${[...bands, ...dots, ...means].join("\n")}\n</g>`);
  if (lines.length === 0) body.push(`<text x="${num(p.x + p.w / 2)}" y="${num(p.y + p.h / 2)}" font-size="${FS.axisLabel}" text-anchor="middle" fill="${MUTED}">no runs with a finite loss</text>`);
  if (items.length > 1 || sKey) body.push(legend(items, p, avoid));
  return svgDocument(W, H, title, body, defs);
}
