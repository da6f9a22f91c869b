/**
 * An ASCII scatter plot on a character grid, log10 y against log10 x: data as one symbol per
 * series (coloured on a terminal), fitted curves as dots under the data, ticks at 1, 2, 5 x 10^k
 * (linear ticks over a narrow range), axis labels and a legend. `skillsim fit` draws its data
 * and law with it (./fit.ts).
 */

export interface PlotSeries {
  label: string;
  /** The data: x[i], y[i] (typed arrays welcome: a million points are never copied into pairs). */
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** The fitted curve, sampled densely (drawn as dots under the data). */
  curve?: Array<readonly [number, number]>;
}

export interface PlotOptions {
  width: number;
  height: number;
  xLabel: string;
  yLabel: string;
  color: boolean;
}

const SYMBOLS = ["o", "x", "+", "*", "#", "@", "%", "&"];
/** How many series a plot tells apart (one symbol each). */
export const MAX_SERIES = SYMBOLS.length;
const COLORS = ["\x1b[34m", "\x1b[31m", "\x1b[32m", "\x1b[35m", "\x1b[33m", "\x1b[36m", "\x1b[94m", "\x1b[92m"];
const RESET = "\x1b[0m";

/** Tick values for a log axis over [lo, hi] (values, not logs). */
function logAxisTicks(lo: number, hi: number): number[] {
  if (hi / lo >= 3) {
    const out: number[] = [];
    for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) {
      for (const m of [1, 2, 5]) {
        const v = m * Math.pow(10, k);
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
      }
    }
    if (out.length < 3) return linearTicks(lo, hi);
    const powers = out.filter((v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9);
    if (out.length <= 7) return out;
    if (powers.length <= 7) return powers.length >= 2 ? powers : out.filter((_, i) => i % 2 === 0);
    const step = Math.ceil(powers.length / 6);
    return powers.filter((_, i) => i % step === 0);
  }
  return linearTicks(lo, hi);
}

/** Nice linear ticks (about 5) within [lo, hi]. */
function linearTicks(lo: number, hi: number): number[] {
  // Less than a decade: a nice linear step.
  const raw = (hi - lo) / 6;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi * (1 + 1e-12); v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const plottable = (x: number, y: number): boolean => x > 0 && y > 0 && Number.isFinite(x) && Number.isFinite(y);

/** A scatter of the series on a character grid, log10 y vs log10 x. */
export function asciiScatter(series: readonly PlotSeries[], o: PlotOptions): string {
  let xlo = Infinity, xhi = -Infinity, ylo = Infinity, yhi = -Infinity, count = 0;
  for (const s of series) {
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i], y = s.y[i];
      if (!plottable(x, y)) continue;
      count++;
      if (x < xlo) xlo = x;
      if (x > xhi) xhi = x;
      if (y < ylo) ylo = y;
      if (y > yhi) yhi = y;
    }
  }
  if (count === 0) return "";
  if (xlo === xhi) { xlo /= 1.5; xhi *= 1.5; }
  const inX = (x: number) => x >= xlo && x <= xhi;
  for (const s of series) {
    for (const [x, y] of s.curve ?? []) {
      if (!(inX(x) && y > 0 && Number.isFinite(y))) continue;
      if (y < ylo) ylo = y;
      if (y > yhi) yhi = y;
    }
  }
  if (ylo === yhi) { ylo /= 1.1; yhi *= 1.1; }
  const W = Math.max(20, o.width), H = Math.max(6, o.height);
  const lx0 = Math.log10(xlo), lx1 = Math.log10(xhi), ly0 = Math.log10(ylo), ly1 = Math.log10(yhi);
  const col = (x: number) => Math.round(((Math.log10(x) - lx0) / (lx1 - lx0)) * (W - 1));
  const row = (y: number) => Math.round(((ly1 - Math.log10(y)) / (ly1 - ly0)) * (H - 1));
  const grid: string[][] = Array.from({ length: H }, () => new Array(W).fill(" "));
  const paint: number[][] = Array.from({ length: H }, () => new Array(W).fill(-1));
  series.forEach((s, k) => {
    for (const [x, y] of s.curve ?? []) {
      if (!(inX(x) && y >= ylo && y <= yhi)) continue;
      const r = row(y), c = col(x);
      if (grid[r][c] === " ") { grid[r][c] = "·"; paint[r][c] = k; }
    }
  });
  series.forEach((s, k) => {
    const sym = SYMBOLS[k % SYMBOLS.length];
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i], y = s.y[i];
      if (!plottable(x, y)) continue;
      const r = row(y), c = col(x);
      grid[r][c] = sym;
      paint[r][c] = k;
    }
  });
  const yt = logAxisTicks(ylo, yhi).map((v) => ({ v, r: row(v), s: shortNum(v) }));
  const labelW = yt.reduce((m, t) => Math.max(m, t.s.length), 1);
  const out: string[] = [`${o.yLabel} (log scale)`];
  for (let r = 0; r < H; r++) {
    const t = yt.find((q) => q.r === r);
    const cells = grid[r].map((ch, c) => (o.color && paint[r][c] >= 0 ? `${COLORS[paint[r][c] % COLORS.length]}${ch}${RESET}` : ch)).join("");
    out.push(`${(t ? t.s : "").padStart(labelW)} ${t ? "┤" : "│"}${cells.replace(/\s+$/, "")}`);
  }
  const xt = logAxisTicks(xlo, xhi).map((v) => ({ v, c: col(v), s: shortNum(v) }));
  const axis = new Array(W).fill("─");
  for (const t of xt) axis[t.c] = "┬";
  out.push(`${" ".repeat(labelW)} └${axis.join("")}`);
  const labels = new Array(W + 4).fill(" ");
  let free = 0;
  for (const t of xt) {
    const start = Math.max(free, Math.min(W + 4 - t.s.length, t.c - Math.floor(t.s.length / 2)));
    if (start + t.s.length > W + 4 || start > t.c) continue;
    for (let i = 0; i < t.s.length; i++) labels[start + i] = t.s[i];
    free = start + t.s.length + 1;
  }
  out.push(`${" ".repeat(labelW + 2)}${labels.join("").replace(/\s+$/, "")}`);
  out.push(`${" ".repeat(labelW + 2)}${`${o.xLabel} (log scale)`.padStart(W)}`);
  const legend = series.map((s, k) => {
    const sym = SYMBOLS[k % SYMBOLS.length];
    return `${o.color ? `${COLORS[k % COLORS.length]}${sym}${RESET}` : sym} ${s.label}`;
  });
  if (series.some((s) => s.curve)) legend.push("· fitted law");
  // The legend, wrapped to the plot's width.
  let cur = "", curLen = 0;
  for (const item of legend) {
    const len = item.replace(/\x1b\[[0-9;]*m/g, "").length;
    if (curLen > 0 && curLen + 3 + len > W) {
      out.push(`${" ".repeat(labelW + 2)}${cur}`);
      cur = "";
      curLen = 0;
    }
    cur += (curLen > 0 ? "   " : "") + item;
    curLen += (curLen > 0 ? 3 : 0) + len;
  }
  if (curLen > 0) out.push(`${" ".repeat(labelW + 2)}${cur}`);
  return out.join("\n");
}

/** Short axis label: 3 significant digits, "2e9" / "2.5e-3" outside [1e-2, 1e4). */
function shortNum(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-2) {
    const [m, e] = v.toExponential(1).split("e");
    return `${m.replace(/\.0$/, "")}e${Number(e)}`;
  }
  return String(Number(v.toPrecision(3)));
}
