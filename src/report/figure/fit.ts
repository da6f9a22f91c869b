/**
 * The fit figure: data and a fitted scaling law.
 * - powerlaw, L = E + A/x^α: data and fitted curve on log-log axes, E as a dashed floor
 *   when it lies near the data, the formula and parameters (with intervals) in the subtitle.
 * - chinchilla, L = E + A/N^α + B/D^β: (left) loss vs N, data grouped by D (exact D values
 *   when few, else quantile bins) with the fitted curve at each group's median D; (right) the
 *   compute-optimal frontier N_opt(C), D_opt(C), from the fit's allocation rows or, without
 *   them, from the parameters with C = 6ND.
 */
import { fmtValue, groupByD } from "../format.js";
import { type FigureSize, type VlSpec, topLevel, viridisRange, xDomain, zoom } from "./theme.js";

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
export interface FitData { x?: number[]; N?: number[]; D?: number[]; C?: number[]; y: number[] }

export interface FitFigureOptions extends FigureSize {
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

const GREEK: Record<string, string> = { alpha: "α", beta: "β" };
/** How far below the data (a factor) the y axis may extend to show the fitted floor E. */
const EXTEND_FOR_E = 3;

function logspace(lo: number, hi: number, k: number): number[] {
  const a = Math.log10(lo), b = Math.log10(hi);
  return Array.from({ length: k }, (_, i) => Math.pow(10, a + ((b - a) * i) / (k - 1)));
}

/** The fitted law as text: "L = 1.82 + 482/N^0.35 + 2085/D^0.37". */
export function formula(fit: FitResult, xName = "x"): string {
  const p = fit.params as Partial<ChinchillaParams>;
  const term = (c: number, v: string, e: number) => `${fmtValue(c)}/${v}^${fmtValue(e)}`;
  const head = `L = ${fmtValue(p.E ?? 0)}`;
  if (fit.form === "chinchilla") return `${head} + ${term(p.A ?? 0, "N", p.alpha ?? 0)} + ${term(p.B ?? 0, "D", p.beta ?? 0)}`;
  return `${head} + ${term(p.A ?? 0, xName, p.alpha ?? 0)}`;
}

/** "α = 0.35 [0.31, 0.39]" for each parameter (interval only where given). */
export function paramLines(fit: FitResult): string[] {
  const order = fit.form === "chinchilla" ? ["E", "A", "B", "alpha", "beta"] : ["E", "A", "alpha"];
  const params = fit.params as unknown as Record<string, number>;
  return order.filter((k) => typeof params[k] === "number").map((k) => {
    const iv = fit.intervals?.[k];
    return `${GREEK[k] ?? k} = ${fmtValue(params[k])}` + (iv ? ` [${fmtValue(iv[0])}, ${fmtValue(iv[1])}]` : "");
  });
}

const fitNote = (fit: FitResult) => `n = ${fit.n} · rmse(log L) = ${fmtValue(fit.rmse_log)}`;

/** The fit figure's specification (see the file comment). */
export function fitSpec(fit: FitResult, data: FitData, opts: FitFigureOptions = {}): VlSpec {
  return fit.form === "chinchilla" ? chinchillaSpec(fit, data, opts) : powerLawSpec(fit, data, opts);
}

function powerLawSpec(fit: FitResult, data: FitData, opts: FitFigureOptions): VlSpec {
  const p = fit.params as PowerLawParams;
  const xv = data.x ?? data.N ?? [];
  const inX = (x: number) => !opts.xlim || (x >= opts.xlim[0] && x <= opts.xlim[1]);
  const pts = xv.map((x, i) => ({ x, y: data.y[i] })).filter(({ x, y }) => x > 0 && y > 0 && Number.isFinite(x) && Number.isFinite(y) && inX(x));
  const xName = opts.xSymbol ?? "x";
  const xLabel = opts.xLabel ?? "x";
  const yLabel = opts.yLabel ?? "loss";
  const lo = opts.xlim ? Math.max(opts.xlim[0], Number.MIN_VALUE) : Math.min(...pts.map((q) => q.x));
  const hi = opts.xlim ? opts.xlim[1] : Math.max(...pts.map((q) => q.x));
  const model = (x: number) => p.E + p.A * Math.pow(x, -p.alpha);
  const curve = pts.length ? logspace(lo, hi, 80).map((x) => ({ x, y: model(x) })) : [];
  const dataMin = Math.min(...pts.map((q) => q.y), ...curve.map((q) => q.y));
  const showE = p.E > 0 && p.E >= dataMin / EXTEND_FOR_E;
  const dataLabel = `data (${pts.length} points)`;
  const fitLabel = `fit: ${formula(fit, xName)}`;
  const eLabel = "E (irreducible loss)";
  const series = { field: "series", type: "nominal", title: null, scale: { domain: showE ? [dataLabel, fitLabel, eLabel] : [dataLabel, fitLabel], range: showE ? ["#0072B2", "#D55E00", "#555555"] : ["#0072B2", "#D55E00"] } };
  const xEnc = { field: "x", type: "quantitative", title: xLabel, scale: { type: "log", ...xDomain(opts) } };
  const yEnc = { field: "y", type: "quantitative", title: yLabel, scale: { type: "log" } };
  const layer: VlSpec[] = [
    { data: { values: curve.map((q) => ({ ...q, series: fitLabel })) }, mark: { type: "line", clip: true, strokeWidth: 2 }, encoding: { x: xEnc, y: yEnc, color: series } },
    {
      data: { values: pts.map((q) => ({ ...q, series: dataLabel })) },
      mark: { type: "point", filled: true, size: 50, clip: true },
      encoding: { x: xEnc, y: yEnc, color: series, tooltip: [{ field: "x", title: xLabel, format: ".4~g" }, { field: "y", title: yLabel, format: ".4~g" }] },
      params: [zoom("zoom")],
    },
  ];
  if (showE) layer.push({ data: { values: [{ y: p.E, series: eLabel }] }, mark: { type: "rule", strokeDash: [5, 3], clip: true }, encoding: { y: yEnc, color: series } });
  const sub = [`${fitNote(fit)} · ${paramLines(fit).join(" · ")}`];
  if (!showE && p.E > 0) sub.push(`E = ${fmtValue(p.E)} lies far below the data: not drawn`);
  const title = opts.title ?? `Power-law fit of ${yLabel} vs ${xLabel}`;
  return topLevel({ width: opts.width ?? 560, height: opts.height ?? 340, layer }, title, sub);
}

function chinchillaSpec(fit: FitResult, data: FitData, opts: FitFigureOptions): VlSpec {
  const p = fit.params as ChinchillaParams;
  const N = data.N ?? data.x ?? [];
  const D = data.D ?? [];
  const y = data.y;
  const inX = (x: number) => !opts.xlim || (x >= opts.xlim[0] && x <= opts.xlim[1]);
  const ok = N.map((_, i) => i).filter((i) => N[i] > 0 && D[i] > 0 && y[i] > 0 && [N[i], D[i], y[i]].every(Number.isFinite) && inX(N[i]));
  const usable = new Uint8Array(N.length);
  for (const i of ok) usable[i] = 1;
  const groups = groupByD(D.map((d, i) => (usable[i] ? d : NaN)), opts.groups ?? 4);
  const L = (n: number, d: number) => p.E + p.A * Math.pow(n, -p.alpha) + p.B * Math.pow(d, -p.beta);
  const nLo = opts.xlim ? opts.xlim[0] : Math.min(...ok.map((i) => N[i]));
  const nHi = opts.xlim ? opts.xlim[1] : Math.max(...ok.map((i) => N[i]));
  const nCurve = ok.length ? logspace(nLo, nHi, 80) : [];
  const colour = { field: "group", type: "ordinal", title: "tokens D", sort: groups.map((g) => g.label), scale: { domain: groups.map((g) => g.label), range: viridisRange(groups.length) } };
  const xEnc = { field: "N", type: "quantitative", title: opts.xLabel ?? "parameters N", scale: { type: "log", ...xDomain(opts) } };
  const yEnc = { field: "loss", type: "quantitative", title: opts.yLabel ?? "loss", scale: { type: "log" } };
  const curves = groups.flatMap((g) => nCurve.map((n) => ({ N: n, loss: L(n, g.d), group: g.label })));
  const points = groups.flatMap((g) => g.idx.map((i) => ({ N: N[i], D: D[i], loss: y[i], group: g.label })));
  const left: VlSpec = {
    width: opts.width ?? 340, height: opts.height ?? 300,
    layer: [
      { data: { values: curves }, mark: { type: "line", clip: true }, encoding: { x: xEnc, y: yEnc, color: colour } },
      {
        data: { values: points }, mark: { type: "point", filled: true, size: 40, clip: true },
        encoding: { x: xEnc, y: yEnc, color: colour, tooltip: [{ field: "N", format: ".4~g" }, { field: "D", format: ".4~g" }, { field: "loss", format: ".4~g" }] },
        params: [zoom("zoom")],
      },
    ],
  };
  // Right: the compute-optimal frontier.
  const s = p.alpha + p.beta;
  const a = fit.allocation?.a ?? p.beta / s;
  const b = fit.allocation?.b ?? p.alpha / s;
  const rows = [...(fit.allocation?.rows ?? [])].filter((r) => r.C > 0 && r.N_opt > 0 && r.D_opt > 0).sort((u, v) => u.C - v.C);
  let frontier: { C: number; N_opt: number; D_opt: number }[];
  if (rows.length >= 2) frontier = rows.map((r) => ({ C: r.C, N_opt: r.N_opt, D_opt: r.D_opt }));
  else {
    const cData = ok.map((i) => data.C?.[i] ?? 6 * N[i] * D[i]);
    const G = Math.pow((p.alpha * p.A) / (p.beta * p.B), 1 / s);
    frontier = cData.length ? logspace(Math.min(...cData), Math.max(...cData), 40).map((c) => ({ C: c, N_opt: G * Math.pow(c / 6, a), D_opt: Math.pow(c / 6, b) / G })) : [];
  }
  const nLabel = `N_opt ∝ C^${fmtValue(a)}`, dLabel = `D_opt ∝ C^${fmtValue(b)}`;
  const fr = frontier.flatMap((q) => [{ C: q.C, value: q.N_opt, quantity: nLabel }, { C: q.C, value: q.D_opt, quantity: dLabel }]);
  const right: VlSpec = {
    width: opts.width ?? 280, height: opts.height ?? 300,
    data: { values: fr },
    mark: { type: "line", clip: true, strokeWidth: 2, point: rows.length >= 2 },
    encoding: {
      x: { field: "C", type: "quantitative", title: "compute C (FLOPs)", scale: { type: "log" } },
      y: { field: "value", type: "quantitative", title: "compute-optimal N and D", scale: { type: "log" } },
      color: { field: "quantity", type: "nominal", title: null, scale: { domain: [nLabel, dLabel], range: ["#0072B2", "#D55E00"] } },
      strokeDash: { field: "quantity", type: "nominal", title: null, scale: { domain: [nLabel, dLabel], range: [[1, 0], [6, 3]] } },
      tooltip: [{ field: "quantity" }, { field: "C", format: ".4~g" }, { field: "value", format: ".4~g" }],
    },
  };
  const title = opts.title ?? "Chinchilla fit: L(N, D) = E + A/N^α + B/D^β";
  const sub = [
    `${ok.length} points · ${groups.length} groups of tokens D · fitted curves at each group's median D`,
    `fit: ${formula(fit)} · ${fitNote(fit)}`,
    paramLines(fit).join(" · "),
  ];
  return topLevel({ hconcat: [left, right], spacing: 40, resolve: { scale: { color: "independent", strokeDash: "independent" }, legend: { color: "independent", strokeDash: "independent" } } }, title, sub);
}
