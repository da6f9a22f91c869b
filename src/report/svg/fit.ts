/**
 * The fit figure: data and a fitted scaling law.
 * - powerlaw, L = E + A/x^α: the data and the fitted curve on log-log axes, E as a dashed
 *   floor, the formula and parameters (with intervals if given) in the legend.
 * - chinchilla, L = E + A/N^α + B/D^β: (left) loss vs N, data grouped by D (exact D values
 *   when there are few, else quantile bins of D) with the fitted curve at each group's
 *   median D; (right) the compute-optimal frontier N_opt(C) and D_opt(C), log-log, from the
 *   fit's allocation rows or, without them, from the parameters with C = 6ND. The formula
 *   and parameters go in a legend box under the panels.
 */
import {
  FS, INK, MARKERS, MUTED, type LegendItem, type Panel, type Pt, type Scale,
  axes, clipRect, extent, fmtValue, heading, legend, legendAt, legendSize, logScale, marker, num,
  padLog, pathData, pushAll, plainText, samplePolyline, svgDocument, text, viridisCategory,
} from "./core.js";
import { groupByD } from "./plain.js";

export { groupByD };

export interface ChinchillaParams { E: number; A: number; B: number; alpha: number; beta: number }
export interface PowerLawParams { E: number; A: number; alpha: number }

export interface AllocationRow { C: number; N_opt: number; D_opt: number; loss: number }

export interface FitResult {
  form: "chinchilla" | "powerlaw";
  n: number;
  params: ChinchillaParams | PowerLawParams;
  objective: number;
  rmse_log: number;
  /** Parameter name -> [lo, hi]. */
  intervals?: Record<string, [number, number]>;
  allocation?: { a: number; b: number; G: number; rows: AllocationRow[] };
}

/** Data points: x (power law) or N and D (Chinchilla; C optional, else 6ND), and the loss y. */
export interface FitData {
  x?: number[];
  N?: number[];
  D?: number[];
  C?: number[];
  y: number[];
}

export interface FitFigureOptions {
  title?: string;
  /** x axis label (default "x" for a power law, "parameters N" for Chinchilla). */
  xLabel?: string;
  /** Symbol for x in the power-law formula (default "x"). */
  xSymbol?: string;
  /** y axis label (default "loss"). */
  yLabel?: string;
  /** Number of D groups for Chinchilla data with many distinct D (default 4). */
  groups?: number;
}

const W = 720;
const GREEK: Record<string, string> = { alpha: "α", beta: "β" };

function logspace(lo: number, hi: number, k: number): number[] {
  const a = Math.log10(lo);
  const b = Math.log10(hi);
  return Array.from({ length: k }, (_, i) => Math.pow(10, a + ((b - a) * i) / (k - 1)));
}

/** The fitted law as rich text: "L = 1.82 + 482/N^{0.35} + 2085/D^{0.37}". */
export function formula(fit: FitResult, xName = "x"): string {
  const p = fit.params as Partial<ChinchillaParams>;
  const term = (c: number, v: string, e: number) => `${fmtValue(c)}/${v}^{${fmtValue(e)}}`;
  const head = `L = ${fmtValue(p.E ?? 0)}`;
  if (fit.form === "chinchilla") return `${head} + ${term(p.A ?? 0, "N", p.alpha ?? 0)} + ${term(p.B ?? 0, "D", p.beta ?? 0)}`;
  return `${head} + ${term(p.A ?? 0, xName, p.alpha ?? 0)}`;
}

/** "α = 0.35 [0.31, 0.39]" lines for the parameters (interval only where given). */
function paramLines(fit: FitResult): string[] {
  const order = fit.form === "chinchilla" ? ["E", "A", "B", "alpha", "beta"] : ["E", "A", "alpha"];
  const params = fit.params as unknown as Record<string, number>;
  return order.filter((k) => typeof params[k] === "number").map((k) => {
    const iv = fit.intervals?.[k];
    return `${GREEK[k] ?? k} = ${fmtValue(params[k])}` + (iv ? ` [${fmtValue(iv[0])}, ${fmtValue(iv[1])}]` : "");
  });
}

function fitNote(fit: FitResult): string {
  return `n = ${fit.n} · rmse(log L) = ${fmtValue(fit.rmse_log)}`;
}

/** The fit figure as an SVG document (see the file comment). */
export function fitFigure(fit: FitResult, data: FitData, opts: FitFigureOptions = {}): string {
  return fit.form === "chinchilla" ? chinchillaFigure(fit, data, opts) : powerLawFigure(fit, data, opts);
}

/** How far below the data (a factor) the y axis may extend to show the fitted floor E. */
const EXTEND_FOR_E = 3;

function powerLawFigure(fit: FitResult, data: FitData, opts: FitFigureOptions): string {
  const H = 480;
  const p = fit.params as PowerLawParams;
  const xv = data.x ?? data.N ?? [];
  const pts = xv.map((x, i) => [x, data.y[i]] as const).filter(([x, y]) => x > 0 && y > 0 && Number.isFinite(x) && Number.isFinite(y));
  const xName = opts.xSymbol ?? "x";
  const title = opts.title ?? `Power-law fit of ${opts.yLabel ?? "loss"} vs ${opts.xLabel ?? "x"}`;
  const head = heading(W, title, [`${formula(fit, xName)} · ${fitNote(fit)}`]);
  const panel: Panel = { x: 84, y: head.height + 10, w: W - 84 - 22, h: H - head.height - 10 - 58 };
  const xe = extent(pts.map(([x]) => x), true) ?? [1, 10];
  const xs = logScale(padLog(xe, 0.06), [panel.x, panel.x + panel.w]);
  const xsCurve = logspace(xs.domain[0], xs.domain[1], 80);
  const model = (x: number) => p.E + p.A * Math.pow(x, -p.alpha);
  // The y axis is the data's and the fitted curve's over the data: a floor E far below them
  // (a fitted E of 1e-14 means "no floor") would squash the data into a line, so E joins
  // the axis only when it lies within a factor EXTEND_FOR_E below; otherwise the legend says where it is.
  const dataY = extent([...pts.map(([, y]) => y), ...xsCurve.map(model)], true) ?? [0.1, 1];
  const showE = p.E > 0 && p.E >= dataY[0] / EXTEND_FOR_E;
  const ye: [number, number] = showE ? [Math.min(dataY[0], p.E), dataY[1]] : dataY;
  const ys = logScale(padLog(ye, 0.06), [panel.y + panel.h, panel.y]);

  const body: string[] = [head.svg];
  const defs = [clipRect("fit-clip", panel)];
  body.push(axes(panel, xs, ys, { xLabel: opts.xLabel ?? "x", yLabel: opts.yLabel ?? "loss" }));
  const curve: Pt[] = xsCurve.map((x) => [xs.map(x), ys.map(model(x))]);
  const layer: string[] = [];
  const avoid: Pt[] = samplePolyline(curve, 4);
  if (showE) {
    const yE = ys.map(p.E);
    layer.push(`<path d="M${num(panel.x)} ${num(yE)}H${num(panel.x + panel.w)}" stroke="${MUTED}" stroke-width="1.2" stroke-dasharray="5 3" fill="none"/>`);
    pushAll(avoid, samplePolyline([[panel.x, yE], [panel.x + panel.w, yE]], 6));
  }
  layer.push(`<path d="${pathData(curve)}" stroke="#D55E00" stroke-width="2" fill="none"/>`);
  for (const [x, y] of pts) {
    layer.push(marker("circle", xs.map(x), ys.map(y), 3.8, `fill="#0072B2" stroke="#ffffff" stroke-width="0.8"`));
    avoid.push([xs.map(x), ys.map(y)]);
  }
  body.push(`<g clip-path="url(#fit-clip)">\n${layer.join("\n")}\n</g>`);
  const items: LegendItem[] = [
    { label: `data (${pts.length} points)`, kind: "marker", color: "#0072B2" },
    { label: `fit: ${formula(fit, xName)}`, kind: "line", color: "#D55E00" },
  ];
  if (showE) items.push({ label: "E (irreducible loss)", kind: "dash", color: MUTED });
  else if (p.E > 0) items.push({ label: "(E lies far below the axis: not drawn)", kind: "text" });
  for (const l of paramLines(fit)) items.push({ label: l, kind: "text" });
  body.push(legend(items, panel, avoid));
  return svgDocument(W, H, plainText(title), body, defs);
}

function chinchillaFigure(fit: FitResult, data: FitData, opts: FitFigureOptions): string {
  const p = fit.params as ChinchillaParams;
  const N = data.N ?? data.x ?? [];
  const D = data.D ?? [];
  const y = data.y;
  const ok = N.map((_, i) => i).filter((i) => N[i] > 0 && D[i] > 0 && y[i] > 0 && [N[i], D[i], y[i]].every(Number.isFinite));
  const usable = new Uint8Array(N.length);
  for (const i of ok) usable[i] = 1;
  const groups = groupByD(D.map((d, i) => (usable[i] ? d : NaN)), opts.groups ?? 4);
  const L = (n: number, d: number) => p.E + p.A * Math.pow(n, -p.alpha) + p.B * Math.pow(d, -p.beta);

  const title = opts.title ?? "Chinchilla fit: L(N, D) = E + A/N^{α} + B/D^{β}";
  const head = heading(W, title, [`${ok.length} points · ${groups.length} groups of tokens D · fitted curves at each group's median D`]);

  // Formula box under the panels.
  const boxItems: LegendItem[] = [
    { label: `fit: ${formula(fit)}`, kind: "line", color: INK },
    { label: `${paramLines(fit).join(" · ")}`, kind: "text" },
    { label: fitNote(fit), kind: "text" },
  ];
  const box = legendSize(boxItems);
  const H = 560;
  const top = head.height + 10;
  const bottom = H - box.h - 62;
  const pl: Panel = { x: 80, y: top, w: 356, h: bottom - top };
  const pr: Panel = { x: pl.x + pl.w + 84, y: top, w: W - (pl.x + pl.w + 84) - 18, h: bottom - top };

  // Left: loss vs N.
  const ne = extent(ok.map((i) => N[i]), true) ?? [1e6, 1e9];
  const xs: Scale = logScale(padLog(ne, 0.05), [pl.x, pl.x + pl.w]);
  const nCurve = logspace(xs.domain[0], xs.domain[1], 80);
  const le = extent(ok.map((i) => y[i]), true) ?? [1, 10];
  const ys: Scale = logScale(padLog(le, 0.06), [pl.y + pl.h, pl.y]);
  const body: string[] = [head.svg];
  const defs = [clipRect("fit-clip-l", pl), clipRect("fit-clip-r", pr)];
  body.push(axes(pl, xs, ys, { xLabel: opts.xLabel ?? "parameters N", yLabel: opts.yLabel ?? "loss" }));
  const layer: string[] = [];
  const avoid: Pt[] = [];
  const items: LegendItem[] = [];
  groups.forEach((g, k) => {
    const colour = viridisCategory(k, groups.length);
    const shape = MARKERS[k % MARKERS.length];
    const curve: Pt[] = nCurve.map((n) => [xs.map(n), ys.map(L(n, g.d))]);
    layer.push(`<path d="${pathData(curve)}" stroke="${colour}" stroke-width="1.8" fill="none"/>`);
    pushAll(avoid, samplePolyline(curve, 4));
    for (const i of g.idx) {
      layer.push(marker(shape, xs.map(N[i]), ys.map(y[i]), 3.2, `fill="${colour}" fill-opacity="0.85" stroke="#ffffff" stroke-width="0.6"`));
      avoid.push([xs.map(N[i]), ys.map(y[i])]);
    }
    items.push({ label: g.label, kind: "line+marker", color: colour, marker: shape });
  });
  body.push(`<g clip-path="url(#fit-clip-l)">\n${layer.join("\n")}\n</g>`);
  body.push(legend(items, pl, avoid));

  // Right: compute-optimal frontier.
  const s = p.alpha + p.beta;
  const a = fit.allocation?.a ?? p.beta / s;
  const b = fit.allocation?.b ?? p.alpha / s;
  const rows = [...(fit.allocation?.rows ?? [])].filter((r) => r.C > 0 && r.N_opt > 0 && r.D_opt > 0).sort((u, v) => u.C - v.C);
  let cPts: number[];
  let nOpt: number[];
  let dOpt: number[];
  if (rows.length >= 2) {
    cPts = rows.map((r) => r.C);
    nOpt = rows.map((r) => r.N_opt);
    dOpt = rows.map((r) => r.D_opt);
  } else {
    const cData = ok.map((i) => data.C?.[i] ?? 6 * N[i] * D[i]);
    const ce = extent(cData, true) ?? [1e18, 1e21];
    const G = Math.pow((p.alpha * p.A) / (p.beta * p.B), 1 / s);
    cPts = logspace(ce[0], ce[1], 40);
    nOpt = cPts.map((c) => G * Math.pow(c / 6, a));
    dOpt = cPts.map((c) => Math.pow(c / 6, b) / G);
  }
  const cx = logScale(padLog(extent(cPts, true) ?? [1e18, 1e21], 0.05), [pr.x, pr.x + pr.w]);
  const cy = logScale(padLog(extent([...nOpt, ...dOpt], true) ?? [1e6, 1e12], 0.08), [pr.y + pr.h, pr.y]);
  body.push(axes(pr, cx, cy, { xLabel: "compute C (FLOPs)", yLabel: "compute-optimal N and D" }));
  const nLine: Pt[] = cPts.map((c, i) => [cx.map(c), cy.map(nOpt[i])]);
  const dLine: Pt[] = cPts.map((c, i) => [cx.map(c), cy.map(dOpt[i])]);
  const fr: string[] = [
    `<path d="${pathData(nLine)}" stroke="#0072B2" stroke-width="2" fill="none"/>`,
    `<path d="${pathData(dLine)}" stroke="#D55E00" stroke-width="2" stroke-dasharray="6 3" fill="none"/>`,
  ];
  if (rows.length >= 2) {
    for (const q of nLine) fr.push(marker("circle", q[0], q[1], 3, `fill="#0072B2"`));
    for (const q of dLine) fr.push(marker("square", q[0], q[1], 3, `fill="#D55E00"`));
  }
  body.push(`<g clip-path="url(#fit-clip-r)">\n${fr.join("\n")}\n</g>`);
  body.push(legend([
    { label: `N_opt ∝ C^{${fmtValue(a)}}`, kind: rows.length >= 2 ? "line+marker" : "line", color: "#0072B2", marker: "circle" },
    { label: `D_opt ∝ C^{${fmtValue(b)}}`, kind: "dash", color: "#D55E00" },
  ], pr, [...samplePolyline(nLine, 4), ...samplePolyline(dLine, 4)], ["top-left", "bottom-right", "top-right", "bottom-left"]));

  // Formula box.
  body.push(legendAt(boxItems, (W - box.w) / 2, H - box.h - 10));
  if (ok.length === 0) body.push(text(pl.x + pl.w / 2, pl.y + pl.h / 2, "no data points", { anchor: "middle", fill: MUTED, size: FS.axisLabel }));
  return svgDocument(W, H, plainText(title), body, defs);
}
