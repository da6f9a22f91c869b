/**
 * Plotting core for the SVG figures: number and text formatting, XML escaping, an
 * approximate text-width table (DejaVu Sans advance widths, so layout needs no font at
 * run time), linear and log scales (d3-scale, labels by d3-format), axes with tick labels, legends that
 * place themselves where they cover the least data, markers and a compact viridis table.
 *
 * Everything here is pure and deterministic: strings in, strings out, coordinates printed
 * with at most two decimals, no ids other than ones the caller names, no clock, no random.
 */

import { format, formatPrefix, precisionFixed, precisionPrefix } from "d3-format";
import { scaleLinear, scaleLog } from "d3-scale";
import { powerLabel, superscript, trimZeros } from "./plain.js";

export { powerLabel, superscript };

export const FONT_FAMILY = "DejaVu Sans, Arial, Helvetica, sans-serif";

/** Font sizes in px at the figures' 720 px width (all >= 11 px). */
export const FS = { title: 15, subtitle: 11.5, axisLabel: 12, tick: 11, legend: 11.5 } as const;

export const INK = "#222222";
export const MUTED = "#555555";
export const GRID = "#e6e6e6";

// ---------------------------------------------------------------------------------------
// Numbers and text
// ---------------------------------------------------------------------------------------

/** A coordinate: at most 2 decimals, no trailing zeros, never "-0". */
export function num(x: number): string {
  if (!Number.isFinite(x)) return "0";
  let s = x.toFixed(2);
  if (s.includes(".")) s = s.replace(/0+$/, "").replace(/\.$/, "");
  return s === "-0" ? "0" : s;
}

/** Escape text for XML character data and attribute values (control characters, illegal in XML 1.0, are dropped). */
export function escapeXml(s: string): string {
  return s
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/**
 * A fitted parameter or a value in a title: 3 significant digits, integers from 100 up,
 * m×10ᵏ outside [1e-3, 1e6). 1.8234 -> "1.82", 482.3 -> "482", 0.35 -> "0.35".
 */
export function fmtValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  const sign = v < 0 ? "−" : "";
  if (a >= 1e6 || a < 1e-3) return powerLabel(v);
  if (a >= 100) return sign + String(Math.round(a));
  return sign + trimZeros(a.toPrecision(3));
}

/** Plain config values for titles: numbers via fmtValue, everything else as text. */
export function fmtAny(v: unknown): string {
  if (typeof v === "number") return fmtValue(v);
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(fmtAny).join(", ")}]`;
  return JSON.stringify(v) ?? "";
}

// DejaVu Sans advance widths in 1/100 em for ASCII 32..126 (read from DejaVuSans.ttf).
const ASCII_W = [
  32, 40, 46, 84, 64, 95, 78, 27, 39, 39, 50, 84, 32, 36, 32, 34, 64, 64, 64, 64, 64, 64, 64, 64, 64, 64, 34, 34,
  84, 84, 84, 53, 100, 68, 69, 70, 77, 63, 58, 77, 75, 29, 29, 66, 56, 86, 75, 79, 60, 79, 69, 63, 61, 73, 68, 99,
  69, 61, 69, 39, 34, 39, 84, 50, 50, 61, 63, 55, 63, 62, 35, 63, 63, 28, 28, 58, 28, 97, 63, 61, 63, 63, 41, 52,
  39, 63, 59, 82, 59, 59, 52, 64, 34, 64, 84,
];
const EXTRA_W: Record<string, number> = {
  "⁰": 40, "¹": 40, "²": 40, "³": 40, "⁴": 40, "⁵": 40, "⁶": 40, "⁷": 40, "⁸": 40, "⁹": 40, "⁻": 53,
  "×": 84, "−": 84, "–": 50, "—": 100, "α": 66, "β": 64, "∝": 71, "≈": 84, "·": 32, "∈": 87, "≤": 84, "≥": 84,
  "±": 84, "→": 84, "…": 100,
};

/** Approximate rendered width in px of `s` at font size `size` (DejaVu Sans metrics). */
export function textWidth(s: string, size: number): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 32;
    w += c >= 32 && c < 127 ? ASCII_W[c - 32] : (EXTRA_W[ch] ?? 70);
  }
  return (w / 100) * size;
}

export interface TextOpts {
  size?: number;
  anchor?: "start" | "middle" | "end";
  weight?: "bold" | "normal";
  fill?: string;
  /** Rotate by this many degrees about (x, y). */
  rotate?: number;
  /** Shift so that (x, y) is the vertical middle of the glyphs instead of the baseline. */
  middle?: boolean;
  italic?: boolean;
}

/** A <text> element. Vertical centring is done by offset, not dominant-baseline (portable). */
export function text(x: number, y: number, s: string, o: TextOpts = {}): string {
  const size = o.size ?? FS.tick;
  const yy = o.middle ? y + 0.36 * size : y;
  const attrs = [`x="${num(x)}"`, `y="${num(yy)}"`, `font-size="${num(size)}"`];
  if (o.anchor && o.anchor !== "start") attrs.push(`text-anchor="${o.anchor}"`);
  if (o.weight === "bold") attrs.push(`font-weight="bold"`);
  if (o.italic) attrs.push(`font-style="italic"`);
  if (o.fill && o.fill !== INK) attrs.push(`fill="${o.fill}"`);
  if (o.rotate) attrs.push(`transform="rotate(${num(o.rotate)} ${num(x)} ${num(y)})"`);
  return `<text ${attrs.join(" ")}>${escapeXml(s)}</text>`;
}

/**
 * Rich text: "^{...}" marks a superscript (drawn as a smaller raised tspan).
 * Returns the element and its approximate width.
 */
export function richText(x: number, y: number, s: string, o: TextOpts = {}): string {
  const size = o.size ?? FS.legend;
  const parts = splitRich(s);
  if (parts.length === 1 && !parts[0].sup) return text(x, y, s, o);
  const sup = Math.max(9, size * 0.8);
  const rise = size * 0.38;
  let inner = "";
  let raised = false;
  for (const p of parts) {
    if (p.sup && !raised) { inner += `<tspan dy="${num(-rise)}" font-size="${num(sup)}">${escapeXml(p.text)}</tspan>`; raised = true; }
    else if (p.sup) inner += `<tspan font-size="${num(sup)}">${escapeXml(p.text)}</tspan>`;
    else if (raised) { inner += `<tspan dy="${num(rise)}">${escapeXml(p.text)}</tspan>`; raised = false; }
    else inner += escapeXml(p.text);
  }
  const yy = o.middle ? y + 0.36 * size : y;
  const attrs = [`x="${num(x)}"`, `y="${num(yy)}"`, `font-size="${num(size)}"`];
  if (o.anchor && o.anchor !== "start") attrs.push(`text-anchor="${o.anchor}"`);
  if (o.weight === "bold") attrs.push(`font-weight="bold"`);
  if (o.fill && o.fill !== INK) attrs.push(`fill="${o.fill}"`);
  return `<text ${attrs.join(" ")}>${inner}</text>`;
}

function splitRich(s: string): { text: string; sup: boolean }[] {
  const out: { text: string; sup: boolean }[] = [];
  const re = /\^\{([^}]*)\}/g;
  let last = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    if (m.index > last) out.push({ text: s.slice(last, m.index), sup: false });
    out.push({ text: m[1], sup: true });
    last = m.index + m[0].length;
  }
  if (last < s.length || out.length === 0) out.push({ text: s.slice(last), sup: false });
  return out;
}

/** Width of rich text (see richText). */
export function richWidth(s: string, size: number): number {
  const sup = Math.max(9, size * 0.8);
  return splitRich(s).reduce((w, p) => w + textWidth(p.text, p.sup ? sup : size), 0);
}

/** Plain-text form of rich text (for <title>, tests): "N^{0.35}" -> "N^0.35". */
export function plainText(s: string): string {
  return s.replace(/\^\{([^}]*)\}/g, "^$1");
}

/** Shorten `s` with "…" so that it fits in `maxW` px at `size`. */
export function fitText(s: string, size: number, maxW: number): string {
  if (textWidth(s, size) <= maxW) return s;
  let t = s;
  while (t.length > 1 && textWidth(t + "…", size) > maxW) t = t.slice(0, -1);
  return t.trimEnd() + "…";
}

// ---------------------------------------------------------------------------------------
// Ticks and scales
// ---------------------------------------------------------------------------------------

/** A tick: labelled (major) when `label` is set, otherwise a minor tick. */
export interface Tick {
  value: number;
  label?: string;
}

// Tick positions and number labels come from d3-scale and d3-format (nice 1-2-5 steps,
// log ticks at integer multiples of powers of ten, label precision from the tick step);
// what is ours is only the typography: "−" for minus, m×10ᵏ with superscripts, k/M/G.

/** Nice linear ticks inside [lo, hi], about `target` intervals (d3's ticks). [0, 1000] -> 0, 200, …, 1000. */
export function niceLinearTicks(lo: number, hi: number, target = 5): number[] {
  if (!(hi > lo)) return [lo];
  return scaleLinear().domain([lo, hi]).ticks(target);
}

/** Labels for linear ticks: decimals from the step (d3-format precisionFixed); k/M/G from 10⁴ up. */
export function linearLabels(ticks: number[]): string[] {
  if (ticks.length === 0) return [];
  const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : Math.abs(ticks[0]) || 1;
  let maxAbs = 0;
  for (const v of ticks) maxAbs = Math.max(maxAbs, Math.abs(v));
  // d3's precision for the step, raised when the step needs more digits than d3's own
  // 1-2-5 steps would (a step of 0.25 needs 2 decimals, 1.5M needs "1.5M").
  const enough = (d: number, unit: number) => {
    while (d < 12 && Math.abs((step / unit) * 10 ** d - Math.round((step / unit) * 10 ** d)) > 1e-6 * Math.max(1, (step / unit) * 10 ** d)) d++;
    return d;
  };
  if (maxAbs >= 1e4) {
    const unit = 10 ** (3 * Math.floor(Math.log10(maxAbs) / 3));
    const f = formatPrefix(`.${enough(precisionPrefix(step, maxAbs), unit)}`, maxAbs);
    return ticks.map((v) => (v === 0 ? "0" : f(v)));
  }
  if (maxAbs > 0 && maxAbs < 1e-3) return ticks.map((v) => powerLabel(v));
  const f = format(`.${enough(precisionFixed(step), 1)}f`);
  return ticks.map((v) => (Math.abs(v) < step * 1e-9 ? "0" : f(v)));
}

/** Labels for log ticks: plain numbers when all lie in [10⁻³, 10⁴], else m×10ᵏ. */
function logLabels(vals: number[]): string[] {
  const plain = vals.every((v) => v >= 1e-3 * (1 - 1e-9) && v <= 1e4 * (1 + 1e-9));
  return plain ? vals.map(format("~g")) : vals.map(powerLabel);
}

/**
 * Ticks for a log axis over [lo, hi] (lo > 0), at most `maxLabels` labelled: d3's log ticks
 * (every integer multiple of each power of ten when few decades are shown, else powers of
 * ten, skipping some when there are many; nice linear ticks inside a narrow range) and
 * d3's choice of which to label for the given count; the others are minor ticks.
 * [1e-3, 1] -> 10⁻³ … 1 with minor ticks; [0.3, 0.7] -> 0.3, 0.4, 0.5, 0.6, 0.7.
 */
export function logTicks(lo: number, hi: number, maxLabels = 8): Tick[] {
  if (!(lo > 0) || !(hi > lo)) return lo > 0 ? [{ value: lo, label: logLabels([lo])[0] }] : [];
  const sc = scaleLog().domain([lo, hi]);
  // d3 accepts a function as the specifier (its typings say string): "+" marks a label.
  const keep = (() => "+") as unknown as string;
  let best: { all: number[]; labelled: number[] } | null = null;
  for (let count = Math.max(2, maxLabels); count >= 1; count--) {
    const all = sc.ticks(count);
    const mark = sc.tickFormat(count, keep);
    const labelled = all.filter((v) => mark(v) !== "");
    best = { all, labelled };
    if (labelled.length <= maxLabels) break;
  }
  const { all } = best!;
  let { labelled } = best!;
  // With three or more powers of ten on the axis, label only those (10⁷ 10⁸ 10⁹, not 2×10⁷ …).
  const decades = labelled.filter((v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9);
  if (decades.length >= 3) labelled = decades;
  const labels = logLabels(labelled);
  const byValue = new Map(labelled.map((v, i) => [v, labels[i]] as const));
  return all.map((value) => (byValue.has(value) ? { value, label: byValue.get(value) } : { value }));
}

export interface Scale {
  readonly type: "linear" | "log";
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  /** Data value -> pixel. Log scales map values <= 0 to -Infinity (callers filter them). */
  map(v: number): number;
  /** Ticks for at most about `maxLabels` labels. */
  ticks(maxLabels: number): Tick[];
}

/** A linear scale (d3 scaleLinear); a flat domain is widened by 0.5 each way. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  let [d0, d1] = domain;
  if (!(d1 > d0)) { d0 -= 0.5; d1 += 0.5; }
  const sc = scaleLinear().domain([d0, d1]).range([range[0], range[1]]);
  return {
    type: "linear",
    domain: [d0, d1],
    range,
    map: (v) => sc(v),
    ticks: (maxLabels) => {
      let target = Math.max(2, Math.min(6, maxLabels - 1));
      let t = sc.ticks(target);
      while (t.length > maxLabels && target > 1) t = sc.ticks(--target);
      const labels = linearLabels(t);
      return t.map((value, i) => ({ value, label: labels[i] }));
    },
  };
}

/** A base-10 log scale (d3 scaleLog) over a positive domain; values <= 0 map to -Infinity. */
export function logScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  let [d0, d1] = domain;
  if (!(d0 > 0)) d0 = 1e-12;
  if (!(d1 > d0)) { d0 /= 2; d1 = d0 * 4; }
  const sc = scaleLog().domain([d0, d1]).range([range[0], range[1]]);
  return {
    type: "log",
    domain: [d0, d1],
    range,
    map: (v) => (v > 0 ? sc(v) : -Infinity),
    ticks: (maxLabels) => logTicks(d0, d1, maxLabels),
  };
}

/** Data extent of finite values (and > 0 when `positive`), or null when none. */
export function extent(values: Iterable<number>, positive = false): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (positive && !(v > 0))) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

/** Pad a linear extent by a fraction of its span (or a unit when flat). */
export function padLinear([lo, hi]: [number, number], frac = 0.05): [number, number] {
  const span = hi - lo || Math.abs(hi) || 1;
  return [lo - frac * span, hi + frac * span];
}

/** Pad a positive extent by a fraction of its log span (or a factor 2 when flat). */
export function padLog([lo, hi]: [number, number], frac = 0.06): [number, number] {
  if (!(hi > lo)) return [lo / 2, hi * 2];
  const f = Math.pow(hi / lo, frac);
  return [lo / f, hi * f];
}

// ---------------------------------------------------------------------------------------
// Panels and axes
// ---------------------------------------------------------------------------------------

/** A plotting rectangle in pixels (x, y = top left). */
export interface Panel {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface AxesOpts {
  xLabel?: string;
  yLabel?: string;
  /** Print the x tick labels (false for the upper panels of a shared x axis). */
  xTickLabels?: boolean;
  /** Light grid lines at labelled ticks. */
  grid?: boolean;
  /** Given y ticks (overrides the scale's). */
  yTicks?: Tick[];
  xTicks?: Tick[];
  /** Absolute x of the (rotated) y label; default: just left of the y tick labels. */
  yLabelX?: number;
}

/** At most how many labels to try along an axis of `length` px (x: 9 at most, y: 10). */
export function labelBudget(length: number, horizontal: boolean): number {
  return Math.max(2, Math.min(horizontal ? 9 : 10, Math.floor(length / (horizontal ? 40 : 24))));
}

/** The scale's ticks for the largest label budget (from `budget` down) whose labels do not overlap. */
function fittingTicks(sc: Scale, budget: number, inside: (v: number) => boolean, extentOf: (t: Tick) => number, gap: number): Tick[] {
  let last: Tick[] = [];
  for (let b = budget; b >= 2; b--) {
    const ticks = sc.ticks(b).filter((t) => inside(t.value));
    const thinned = thinLabels(ticks, (v) => sc.map(v), extentOf, gap);
    last = thinned;
    const labels = (ts: Tick[]) => ts.filter((t) => t.label !== undefined).length;
    if (labels(thinned) === labels(ticks)) return thinned;
  }
  return last;
}

/** Keep tick labels that do not overlap the previous kept one (greedy, in order). */
function thinLabels(ticks: Tick[], pos: (v: number) => number, extentOf: (t: Tick) => number, gap: number): Tick[] {
  let lastEdge = -Infinity;
  const sorted = [...ticks].sort((a, b) => pos(a.value) - pos(b.value));
  return sorted.map((t) => {
    if (t.label === undefined) return t;
    const p = pos(t.value);
    const half = extentOf(t) / 2;
    if (p - half < lastEdge + gap) return { value: t.value };
    lastEdge = p + half;
    return t;
  });
}

/**
 * Frame, grid, ticks, tick labels and axis labels of one panel. Returns the SVG and
 * the left edge used by the y tick labels (so callers can place a y label).
 */
export function axes(p: Panel, xs: Scale, ys: Scale, o: AxesOpts = {}): string {
  const out: string[] = [];
  const inX = (v: number) => { const x = xs.map(v); return x >= p.x - 0.5 && x <= p.x + p.w + 0.5; };
  const inY = (v: number) => { const y = ys.map(v); return y >= p.y - 0.5 && y <= p.y + p.h + 0.5; };
  const xt = o.xTicks
    ? thinLabels(o.xTicks.filter((t) => inX(t.value)), (v) => xs.map(v), (t) => textWidth(t.label ?? "", FS.tick), 8)
    : fittingTicks(xs, labelBudget(p.w, true), inX, (t) => textWidth(t.label ?? "", FS.tick), 10);
  const yt = o.yTicks
    ? thinLabels(o.yTicks.filter((t) => inY(t.value)), (v) => ys.map(v), () => FS.tick, 3)
    : fittingTicks(ys, labelBudget(p.h, false), inY, () => FS.tick, 4);
  if (o.grid !== false) {
    const g: string[] = [];
    for (const t of xt) if (t.label !== undefined) g.push(`M${num(xs.map(t.value))} ${num(p.y)}V${num(p.y + p.h)}`);
    for (const t of yt) if (t.label !== undefined) g.push(`M${num(p.x)} ${num(ys.map(t.value))}H${num(p.x + p.w)}`);
    if (g.length) out.push(`<path d="${g.join("")}" stroke="${GRID}" stroke-width="1" fill="none"/>`);
  }
  const ticks: string[] = [];
  const bottom = p.y + p.h;
  for (const t of xt) {
    const x = num(xs.map(t.value));
    ticks.push(`M${x} ${num(bottom)}v${t.label !== undefined ? 5 : 3}`);
  }
  for (const t of yt) {
    const y = num(ys.map(t.value));
    ticks.push(`M${num(p.x)} ${y}h${t.label !== undefined ? -5 : -3}`);
  }
  if (ticks.length) out.push(`<path d="${ticks.join("")}" stroke="${INK}" stroke-width="1" fill="none"/>`);
  out.push(`<rect x="${num(p.x)}" y="${num(p.y)}" width="${num(p.w)}" height="${num(p.h)}" fill="none" stroke="${INK}" stroke-width="1"/>`);
  if (o.xTickLabels !== false) {
    for (const t of xt) if (t.label !== undefined) out.push(text(xs.map(t.value), bottom + 18, t.label, { anchor: "middle" }));
    if (o.xLabel) out.push(text(p.x + p.w / 2, bottom + 38, o.xLabel, { size: FS.axisLabel, anchor: "middle" }));
  }
  let labelW = 0;
  for (const t of yt) {
    if (t.label === undefined) continue;
    labelW = Math.max(labelW, textWidth(t.label, FS.tick));
    out.push(text(p.x - 8, ys.map(t.value), t.label, { anchor: "end", middle: true }));
  }
  if (o.yLabel) {
    const x = o.yLabelX ?? p.x - 8 - labelW - 10;
    out.push(text(x, p.y + p.h / 2, o.yLabel, { size: FS.axisLabel, anchor: "middle", rotate: -90 }));
  }
  return out.join("\n");
}

/** A clip path for a panel, with a caller-chosen id. */
export function clipRect(id: string, p: Panel): string {
  return `<clipPath id="${escapeXml(id)}"><rect x="${num(p.x)}" y="${num(p.y)}" width="${num(p.w)}" height="${num(p.h)}"/></clipPath>`;
}

// ---------------------------------------------------------------------------------------
// Lines and markers
// ---------------------------------------------------------------------------------------

export type Pt = readonly [number, number];

/**
 * Polyline path data, dropping points closer than `eps` px to the last kept one
 * (keeps SVGs small for long traces; the last point is always kept).
 */
export function pathData(pts: readonly Pt[], eps = 0.4): string {
  const parts: string[] = [];
  let last: Pt | null = null;
  for (let i = 0; i < pts.length; i++) {
    const q = pts[i];
    if (!Number.isFinite(q[0]) || !Number.isFinite(q[1])) { last = null; continue; }
    const isLast = i === pts.length - 1;
    if (last && !isLast && Math.abs(q[0] - last[0]) < eps && Math.abs(q[1] - last[1]) < eps) continue;
    parts.push(`${last ? "L" : "M"}${num(q[0])} ${num(q[1])}`);
    last = q;
  }
  return parts.join("");
}

export type MarkerShape = "circle" | "square" | "triangle" | "diamond";
export const MARKERS: MarkerShape[] = ["circle", "square", "triangle", "diamond"];

/** A marker centred at (x, y) of radius about r. */
export function marker(shape: MarkerShape, x: number, y: number, r: number, style: string): string {
  switch (shape) {
    case "circle":
      return `<circle cx="${num(x)}" cy="${num(y)}" r="${num(r)}" ${style}/>`;
    case "square": {
      const s = r * 0.9;
      return `<rect x="${num(x - s)}" y="${num(y - s)}" width="${num(2 * s)}" height="${num(2 * s)}" ${style}/>`;
    }
    case "triangle": {
      const s = r * 1.2;
      return `<path d="M${num(x)} ${num(y - s)}L${num(x + s * 0.87)} ${num(y + s * 0.5)}L${num(x - s * 0.87)} ${num(y + s * 0.5)}Z" ${style}/>`;
    }
    case "diamond": {
      const s = r * 1.25;
      return `<path d="M${num(x)} ${num(y - s)}L${num(x + s)} ${num(y)}L${num(x)} ${num(y + s)}L${num(x - s)} ${num(y)}Z" ${style}/>`;
    }
  }
}

/** Append every element of `src` to `dst` (push(...src) overflows the stack on large inputs). */
export function pushAll<T>(dst: T[], src: readonly T[]): void {
  for (const v of src) dst.push(v);
}

/** Points along a polyline every `step` px (for legend placement scoring). */
export function samplePolyline(pts: readonly Pt[], step = 4): Pt[] {
  const out: Pt[] = [];
  for (let i = 0; i < pts.length; i++) {
    const a = pts[i];
    if (!Number.isFinite(a[0]) || !Number.isFinite(a[1])) continue;
    out.push(a);
    const b = pts[i + 1];
    if (!b || !Number.isFinite(b[0]) || !Number.isFinite(b[1])) continue;
    const d = Math.hypot(b[0] - a[0], b[1] - a[1]);
    for (let s = step; s < d; s += step) out.push([a[0] + ((b[0] - a[0]) * s) / d, a[1] + ((b[1] - a[1]) * s) / d]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Legend
// ---------------------------------------------------------------------------------------

export interface LegendItem {
  /** Label; "^{...}" makes a superscript. */
  label: string;
  color?: string;
  kind: "line" | "dash" | "marker" | "line+marker" | "band" | "bar" | "tick" | "text" | "faded-bar";
  marker?: MarkerShape;
}

export type Corner = "top-right" | "top-left" | "bottom-right" | "bottom-left";

/** Size of a legend box in px. */
export function legendSize(items: LegendItem[]): { w: number; h: number } {
  const lh = FS.legend + 6;
  let w = 0;
  for (const it of items) w = Math.max(w, (it.kind === "text" ? 0 : 30) + richWidth(it.label, FS.legend));
  w += 16;
  return { w, h: items.length * lh + 8 };
}

/**
 * A legend inside panel `p`, in the corner (of `corners`, in order of preference) whose
 * box covers the fewest of the `avoid` points. White, slightly transparent background.
 */
export function legend(items: LegendItem[], p: Panel, avoid: readonly Pt[], corners: Corner[] = ["top-right", "top-left", "bottom-left", "bottom-right"]): string {
  if (items.length === 0) return "";
  const { w, h } = legendSize(items);
  const inset = 6;
  let best: { x: number; y: number; score: number } | null = null;
  for (const c of corners) {
    const x = c.endsWith("left") ? p.x + inset : p.x + p.w - inset - w;
    const y = c.startsWith("top") ? p.y + inset : p.y + p.h - inset - h;
    let score = 0;
    for (const q of avoid) if (q[0] >= x - 3 && q[0] <= x + w + 3 && q[1] >= y - 3 && q[1] <= y + h + 3) score++;
    if (!best || score < best.score) best = { x, y, score };
  }
  return legendAt(items, best!.x, best!.y);
}

/** A legend box with its top-left corner at (x, y). */
export function legendAt(items: LegendItem[], x: number, y: number): string {
  const { w, h } = legendSize(items);
  const lh = FS.legend + 6;
  const out: string[] = [
    `<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" fill="#ffffff" fill-opacity="0.9" stroke="#bbbbbb" stroke-width="0.8" rx="2"/>`,
  ];
  items.forEach((it, i) => {
    const cy = y + 4 + lh * i + lh / 2;
    out.push(swatch(it, x + 8, cy));
    const tx = it.kind === "text" ? x + 8 : x + 38;
    out.push(richText(tx, cy, it.label, { size: FS.legend, middle: true }));
  });
  return out.join("\n");
}

/** The 22 px sample drawing of a legend item, starting at (sx, cy). */
function swatch(it: LegendItem, sx: number, cy: number): string {
  const parts: string[] = [];
  const c = it.color ?? INK;
  switch (it.kind) {
    case "line":
      parts.push(`<path d="M${num(sx)} ${num(cy)}h22" stroke="${c}" stroke-width="2" fill="none"/>`);
      break;
    case "dash":
      parts.push(`<path d="M${num(sx)} ${num(cy)}h22" stroke="${c}" stroke-width="2" stroke-dasharray="5 3" fill="none"/>`);
      break;
    case "marker":
      parts.push(marker(it.marker ?? "circle", sx + 11, cy, 3.5, `fill="${c}" stroke="#ffffff" stroke-width="0.6"`));
      break;
    case "line+marker":
      parts.push(`<path d="M${num(sx)} ${num(cy)}h22" stroke="${c}" stroke-width="2" fill="none"/>`);
      parts.push(marker(it.marker ?? "circle", sx + 11, cy, 3.5, `fill="${c}" stroke="#ffffff" stroke-width="0.6"`));
      break;
    case "band":
      parts.push(`<rect x="${num(sx)}" y="${num(cy - 5)}" width="22" height="10" fill="${c}" fill-opacity="0.2"/>`);
      parts.push(`<path d="M${num(sx)} ${num(cy)}h22" stroke="${c}" stroke-width="2" fill="none"/>`);
      break;
    case "bar":
      parts.push(`<rect x="${num(sx)}" y="${num(cy - 4)}" width="22" height="8" fill="${c}"/>`);
      break;
    case "faded-bar":
      parts.push(`<rect x="${num(sx)}" y="${num(cy - 4)}" width="22" height="8" fill="${c}" fill-opacity="0.35" stroke="${c}" stroke-width="0.8" stroke-dasharray="3 2"/>`);
      break;
    case "tick":
      parts.push(`<rect x="${num(sx)}" y="${num(cy - 4)}" width="22" height="8" fill="#bbbbbb"/>`);
      parts.push(`<path d="M${num(sx + 11)} ${num(cy - 6)}v12" stroke="${c}" stroke-width="2"/>`);
      break;
    case "text":
      break;
  }
  return parts.join("\n");
}

/** A one-line legend without a box, starting at (x, y = vertical middle); items 18 px apart. */
export function legendRow(items: LegendItem[], x: number, y: number): string {
  const out: string[] = [];
  let cx = x;
  for (const it of items) {
    out.push(swatch(it, cx, y));
    const tx = it.kind === "text" ? cx : cx + 30;
    out.push(richText(tx, y, it.label, { size: FS.legend, middle: true }));
    cx = tx + richWidth(it.label, FS.legend) + 18;
  }
  return out.join("\n");
}

/** Width of legendRow(items). */
export function legendRowWidth(items: LegendItem[]): number {
  return items.reduce((w, it) => w + (it.kind === "text" ? 0 : 30) + richWidth(it.label, FS.legend) + 18, -18);
}

// ---------------------------------------------------------------------------------------
// Colour
// ---------------------------------------------------------------------------------------

// viridis (matplotlib, van der Walt & Smith), 33 evenly spaced samples of the 256-entry table.
const VIRIDIS =
  "440154470d6048186a482374472d7b4537814240863e49893b528b375b8d33638d2f6b8e2c728e297a8e26828e23898e21918c" +
  "1f978b1f9f8821a68527ad8131b57b3dbc744cc26c5cc8636ece5881d34d95d840aadc32c0df25d5e21aeae51afde725";

function hex2(v: number): string {
  return Math.round(Math.min(255, Math.max(0, v))).toString(16).padStart(2, "0");
}

/** viridis(t) for t in [0, 1] (0 = dark purple, 1 = yellow) as "#rrggbb". */
export function viridis(t: number): string {
  const n = VIRIDIS.length / 6 - 1;
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * n;
  const i = Math.min(n - 1, Math.floor(x));
  const f = x - i;
  const at = (j: number, c: number) => parseInt(VIRIDIS.slice(6 * j + 2 * c, 6 * j + 2 * c + 2), 16);
  let s = "#";
  for (let c = 0; c < 3; c++) s += hex2(at(i, c) + (at(i + 1, c) - at(i, c)) * f);
  return s;
}

/** Colours stop short of viridis' pale yellow end, which is unreadable on white. */
export const VIRIDIS_MAX = 0.82;

/** Colour k of `count` ordered categories (k = 0 darkest). */
export function viridisCategory(k: number, count: number): string {
  return viridis(count <= 1 ? 0 : (k / (count - 1)) * VIRIDIS_MAX);
}

/** A vertical or horizontal <linearGradient> over viridis [0, tMax] with id `id`. */
export function viridisGradient(id: string, vertical: boolean, tMax = VIRIDIS_MAX): string {
  const stops: string[] = [];
  for (let i = 0; i <= 16; i++) {
    const f = i / 16;
    stops.push(`<stop offset="${num(f)}" stop-color="${viridis(f * tMax)}"/>`);
  }
  const dir = vertical ? `x1="0" y1="0" x2="0" y2="1"` : `x1="0" y1="0" x2="1" y2="0"`;
  return `<linearGradient id="${escapeXml(id)}" ${dir}>${stops.join("")}</linearGradient>`;
}

// ---------------------------------------------------------------------------------------
// Document
// ---------------------------------------------------------------------------------------

/** Wrap body elements in an <svg> document with a white background and a <title> (rich text allowed). */
export function svgDocument(width: number, height: number, title: string, body: string[], defs: string[] = []): string {
  title = plainText(title);
  const head =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}" ` +
    `font-family="${FONT_FAMILY}" fill="${INK}">`;
  const parts = [head, `<title>${escapeXml(title)}</title>`];
  if (defs.length) parts.push(`<defs>${defs.join("")}</defs>`);
  parts.push(`<rect width="${num(width)}" height="${num(height)}" fill="#ffffff"/>`);
  pushAll(parts, body.filter((s) => s.length > 0));
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}

/** Title and subtitle lines at the top of a figure; returns their SVG and the height used. */
export function heading(width: number, title: string, subtitles: string[]): { svg: string; height: number } {
  const t = richWidth(title, FS.title) <= width - 24 ? title : fitText(plainText(title), FS.title, width - 24);
  const out = [richText(width / 2, 24, t, { size: FS.title, weight: "bold", anchor: "middle" })];
  let y = 24;
  for (const s of subtitles) {
    if (!s) continue;
    y += 17;
    out.push(richText(width / 2, y, s, { size: FS.subtitle, anchor: "middle", fill: MUTED }));
  }
  return { svg: out.join("\n"), height: y + 8 };
}
