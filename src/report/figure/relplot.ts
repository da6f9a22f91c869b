/**
 * relplot: seaborn's `relplot` for Vega-Lite. Tidy rows in (one object per observation,
 * e.g. one per run), a figure out: y against x, one colour per value of a `colour` field,
 * one panel per value of a `facet` field, and the rows that share (facet, colour, x) -
 * repeated seeds, typically - summarised as a line through their mean with an error band
 * (by default the 95% t interval of the mean), the single rows as faint dots.
 *
 * The statistics are computed here, not by Vega's bootstrap (`errorband` with extent "ci"
 * resamples at random: not the same bytes twice), and travel with the data: each summary
 * row carries mean, sd, n, lo, hi, so the .vl.json says exactly what was drawn.
 */
import { fmtAny, fmtValue } from "../format.js";
import { studentTQuantile } from "../../engine/student-t.js";
import { type FigureSize, type VlSpec, okabeIto, topLevel, viridisRange, xDomain, zoom } from "./theme.js";

export type Row = Record<string, unknown>;

/** What the band around the mean shows. */
export type ErrorBand = "ci95" | "sd" | "minmax" | "none";

export type LogSetting = boolean | "auto" | "positive";

export interface RelplotOptions extends FigureSize {
  x: string;
  y: string;
  /** One colour (and line) per value of this field. */
  colour?: string | null;
  /** One panel per value of this field. */
  facet?: string | null;
  /** Default "ci95": mean ± t(0.975, n-1)·sd/√n. */
  errorband?: ErrorBand;
  /** Log axes: true, false, "auto" (log when every value is positive and they span more than
   * a factor 10) or "positive" (log when every value is positive). */
  logX?: LogSetting;
  logY?: LogSetting;
  title?: string;
  subtitle?: string[];
  xTitle?: string;
  yTitle?: string;
  /** Title of the colour legend (default: the colour field). */
  colourTitle?: string;
  /** Fields shown in a single row's tooltip (default: every field of the row). */
  tooltip?: string[];
  /** Draw the single rows as dots when a group has several (default true). */
  dots?: boolean;
  /** "line" (default): the means joined, the interval as a band; "point": the means as dots,
   * the interval as error bars; "bar": a bar to each mean, the interval as error bars. */
  mark?: "line" | "point" | "bar";
  /** On a log y axis: show at most this many decades under the largest value (rows below are
   * left out and the subtitle says where the axis is cut): a loss reaching 1e-30 would flatten the rest. */
  yDecades?: number;
  /** Colours in order (viridis) even when the colour field's values are names ("skill 1", "skill 2", ...
   * in first-seen order); default: ordered when they are numbers. */
  ordered?: boolean;
  /** With mark "line": a dot at each mean (default true; false for dense curves). */
  points?: boolean;
  /**
   * The rows are summaries already (a study's group table, a fit's parameters): each row's
   * `mean` field is drawn, its `lo`..`hi` as the interval (`interval` says what it is), with
   * `n` and `sd` in the tooltip when given. `singles`: the rows they summarise (one per run),
   * drawn as dots, their y in the field `y`.
   */
  given?: { mean: string; lo?: string; hi?: string; n?: string; sd?: string; interval: string; singles?: Row[]; what?: string };
  /**
   * Reference values drawn over the rest as open black diamonds (the paper's numbers): rows with
   * the x field, the colour and facet fields and the value in the field `ref`; `refsText` says
   * in the subtitle what they are.
   */
  refs?: Row[];
  refsText?: string;
  /**
   * Curves drawn as lines over the rest (a fitted law through the points): rows with the x
   * field, the colour and facet fields (as labels) and the curve's value in the field `fit`;
   * one line per (facet, colour). `linesText` says in the subtitle what they are.
   */
  lines?: Row[];
  linesText?: string;
}

/** t(0.975, df): the one Student t quantile skillsim uses (table --summary, study groups), unrounded. */
export function tQuantile975(df: number): number {
  return df >= 1 ? studentTQuantile(0.975, df) : NaN;
}

export interface Summary { mean: number; sd: number; n: number; lo: number; hi: number }

/** Mean, sample sd, n and the band's ends for one group's values. */
export function summarise(ys: number[], band: ErrorBand): Summary {
  const n = ys.length;
  const mean = ys.reduce((s, v) => s + v, 0) / n;
  const sd = n > 1 ? Math.sqrt(ys.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  let lo = mean, hi = mean;
  if (band === "minmax") {
    lo = Math.min(...ys);
    hi = Math.max(...ys);
  } else if (band === "sd") {
    lo = mean - sd;
    hi = mean + sd;
  } else if (band === "ci95" && n > 1) {
    const h = tQuantile975(n - 1) * (sd / Math.sqrt(n));
    lo = mean - h;
    hi = mean + h;
  }
  return { mean, sd, n, lo, hi };
}

/** A value's key for grouping (numbers and strings as themselves, the rest as JSON). */
function keyOf(v: unknown): string {
  return typeof v === "string" ? `s:${v}` : `j:${JSON.stringify(v)}`;
}

/** Distinct values of a field, numbers sorted, the rest in first-seen order. */
export function distinctValues(rows: Row[], field: string): unknown[] {
  const m = new Map<string, unknown>();
  for (const r of rows) if (r[field] !== undefined) m.set(keyOf(r[field]), r[field]);
  const vs = [...m.values()];
  if (vs.every((v) => typeof v === "number")) (vs as number[]).sort((a, b) => a - b);
  return vs;
}

function wantsLog(setting: LogSetting | undefined, values: number[]): boolean {
  if (setting === true || setting === false) return setting;
  const pos = values.filter((v) => Number.isFinite(v));
  if (pos.length === 0 || pos.some((v) => v <= 0)) return false;
  return setting === "positive" || Math.max(...pos) / Math.min(...pos) > 10;
}

/** A field's value as a label ("zipf = 1.5" in legends, plain in axes): non-numbers as text. */
function labelValue(v: unknown): string | number | null {
  return v === null ? null : typeof v === "number" ? v : fmtAny(v);
}


/** A field name as an encoding names it: dots and brackets escaped ("final.loss" is one field, not final → loss). */
export function fieldRef(name: string): string {
  return name.replace(/[.[\]\\]/g, (c) => `\\${c}`);
}

/** The figure (see the file comment). Throws an Error naming the problem when nothing can be drawn. */
export function relplot(rows: Row[], o: RelplotOptions): VlSpec {
  const band = o.errorband ?? "ci95";
  const colour = o.colour ?? null;
  const facet = o.facet ?? null;
  const given = o.given ?? null;
  const yOf = given ? given.mean : o.y;
  const drawable = (r: Row, y: string) => typeof r[y] === "number" && Number.isFinite(r[y] as number) && r[o.x] !== undefined && r[o.x] !== null;
  const usable = rows.filter((r) => drawable(r, yOf));
  const xNumeric = usable.every((r) => typeof r[o.x] === "number");
  const xs = xNumeric ? usable.map((r) => r[o.x] as number) : [];
  const ys = usable.map((r) => r[yOf] as number);
  const logX = xNumeric && wantsLog(o.logX ?? "auto", xs);
  const logY = wantsLog(o.logY ?? "auto", ys);
  const inRange = (y: string) => (r: Row) => (!logX || (r[o.x] as number) > 0) && (!logY || (r[y] as number) > 0) &&
    (!o.xlim || !xNumeric || ((r[o.x] as number) >= o.xlim[0] && (r[o.x] as number) <= o.xlim[1]));
  let kept = usable.filter(inRange(yOf));
  let yFloor: number | null = null, belowFloor = 0;
  if (logY && o.yDecades !== undefined && kept.length > 0) {
    const vs = kept.map((r) => r[yOf] as number);
    const hi = Math.max(...vs), floor = hi * Math.pow(10, -o.yDecades);
    if (Math.min(...vs) < floor) {
      yFloor = floor;
      const before = kept.length;
      kept = kept.filter((r) => (r[yOf] as number) >= floor);
      belowFloor = before - kept.length;
    }
  }

  let summaries: Row[];
  let singlesIn: Row[];
  let repeats: boolean;
  let bandText: string;
  let cutBands = 0;
  if (given) {
    // One summary row per given row, as it is.
    summaries = kept.map((r) => {
      const row: Row = { layer: "mean" };
      if (facet) row[facet] = labelValue(r[facet]);
      if (colour) row[colour] = labelValue(r[colour]);
      row[o.x] = labelValue(r[o.x]);
      const num = (f: string | undefined) => (f && typeof r[f] === "number" && Number.isFinite(r[f] as number) ? (r[f] as number) : null);
      const mean = r[yOf] as number;
      let lo = num(given.lo), hi = num(given.hi);
      if (lo === null || hi === null) lo = hi = mean;
      // On a log axis an interval reaching 0 or below cannot be drawn: it shrinks to the mean.
      if (logY && !(lo > 0)) { lo = hi = mean; cutBands++; }
      Object.assign(row, { mean, sd: num(given.sd), n: num(given.n), lo, hi });
      return row;
    });
    singlesIn = (given.singles ?? []).filter((r) => drawable(r, o.y)).filter(inRange(o.y));
    repeats = summaries.some((r) => r.lo !== r.hi) || singlesIn.length > summaries.length;
    bandText = given.interval;
  } else {
    // One summary row per (facet, colour, x).
    const groups = new Map<string, { facet: unknown; colour: unknown; x: unknown; ys: number[] }>();
    for (const r of kept) {
      const k = [facet ? keyOf(r[facet]) : "", colour ? keyOf(r[colour]) : "", keyOf(r[o.x])].join("\u0000");
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { facet: facet ? r[facet] : undefined, colour: colour ? r[colour] : undefined, x: r[o.x], ys: [] }));
      g.ys.push(r[o.y] as number);
    }
    repeats = [...groups.values()].some((g) => g.ys.length > 1);
    summaries = [...groups.values()].map((g) => {
      const s = summarise(g.ys, band);
      const row: Row = { layer: "mean" };
      if (facet) row[facet] = labelValue(g.facet);
      if (colour) row[colour] = labelValue(g.colour);
      row[o.x] = labelValue(g.x);
      Object.assign(row, s);
      // On a log axis a band cannot reach 0 or below: it stops at the smallest single value.
      if (logY && !(s.lo > 0)) row.lo = Math.min(...g.ys);
      return row;
    });
    singlesIn = kept;
    bandText = band === "ci95" ? "95% t interval of the mean" : band === "sd" ? "mean ± 1 sd" : band === "minmax" ? "min–max" : "";
  }
  summaries.sort((a, b) => {
    for (const f of [facet, colour, o.x]) {
      if (!f) continue;
      const u = a[f], v = b[f];
      if (typeof u === "number" && typeof v === "number" && u !== v) return u - v;
    }
    return 0;
  });
  const singles: Row[] = singlesIn.map((r) => {
    const row: Row = { layer: "run" };
    for (const [k, v] of Object.entries(r)) row[k] = k === o.y || k === o.x && xNumeric ? v : labelValue(v);
    return row;
  });

  const xType = xNumeric ? "quantitative" : "ordinal";
  const xScale: VlSpec = xNumeric ? { type: logX ? "log" : "linear", ...(logX ? {} : { zero: false }), ...(o.xlim ? xDomain(o) : logX ? { nice: false, padding: 10 } : { padding: 10 }) } : {};
  const xSort = xNumeric ? undefined : distinctValues(kept, o.x).map(labelValue);
  const xEnc: VlSpec = { field: fieldRef(o.x), type: xType, title: o.xTitle ?? o.x, ...(xNumeric ? { scale: xScale } : { sort: xSort }) };
  // Padding keeps the end points off the frame (a log x axis too, where rounding out to whole
  // decades would leave most of the panel empty); a log y axis is rounded out to whole decades.
  const yScale: VlSpec = { type: logY ? "log" : "linear", ...(logY ? {} : { zero: false, padding: 10 }), ...(yFloor !== null ? { domain: [yFloor, Math.max(...kept.map((r) => r[yOf] as number))] } : {}) };
  const colourValues = colour ? distinctValues(kept, colour) : [];
  const ordered = o.ordered ?? (colourValues.length > 0 && colourValues.every((v) => typeof v === "number"));
  const colourEnc: VlSpec | null = colour
    ? {
        field: fieldRef(colour), type: ordered ? "ordinal" : "nominal", title: o.colourTitle ?? colour,
        scale: { domain: colourValues.map(labelValue), range: ordered ? viridisRange(colourValues.length) : okabeIto(colourValues.length) },
      }
    : null;
  const withColour = (enc: VlSpec): VlSpec => (colourEnc ? { ...enc, color: colourEnc } : enc);
  const summaryTooltip = [
    ...(facet ? [{ field: fieldRef(facet), title: facet }] : []),
    ...(colour ? [{ field: fieldRef(colour), title: colour }] : []),
    { field: fieldRef(o.x), title: o.xTitle ?? o.x },
    { field: "mean", title: `mean ${o.yTitle ?? o.y}`, format: ".4~g" },
    ...(repeats ? [{ field: "sd", format: ".3~g" }, { field: "n" }] : []),
  ];
  const tipFields = o.tooltip ?? Object.keys(singles[0] ?? {}).filter((k) => k !== "layer");
  const runTooltip = tipFields.map((f) => (f === o.y ? { field: fieldRef(f), title: f, format: ".4~g" } : { field: fieldRef(f), title: f }));

  const mark = o.mark ?? "line";
  const showBand = repeats && (given ? summaries.some((r) => r.lo !== r.hi) : band !== "none");
  const layers: VlSpec[] = [];
  if (showBand && mark === "line") {
    layers.push({
      transform: [{ filter: "datum.layer === 'mean'" }],
      mark: { type: "area", opacity: 0.18, ...(xNumeric ? {} : { interpolate: "step" }) },
      encoding: withColour({ x: xEnc, y: { field: "lo", type: "quantitative", scale: yScale, title: o.yTitle ?? o.y }, y2: { field: "hi" } }),
    });
  }
  const yMean: VlSpec = { field: "mean", type: "quantitative", scale: yScale, title: o.yTitle ?? o.y };
  // Bars side by side per colour (xOffset) when the x axis is a category.
  const offset = mark !== "line" && colourEnc && !xNumeric ? { xOffset: { field: fieldRef(colour!), type: "nominal", sort: colourEnc.scale && (colourEnc.scale as VlSpec).domain } } : {};
  layers.push({
    transform: [{ filter: "datum.layer === 'mean'" }],
    mark: mark === "line" ? { type: "line", ...(o.points === false ? {} : { point: { filled: true, size: 36 } }), clip: true } : mark === "point" ? { type: "point", filled: true, size: 60 } : { type: "bar", opacity: 0.85 },
    encoding: withColour({ x: xEnc, y: yMean, ...offset, tooltip: summaryTooltip }),
    params: [zoom("zoom", xNumeric && mark !== "bar" ? ["x", "y"] : ["y"])],
  });
  if (showBand && mark !== "line") {
    layers.push({
      transform: [{ filter: "datum.layer === 'mean'" }],
      mark: { type: "rule", strokeWidth: 1.5, ...(colourEnc ? {} : { color: "#222222" }) },
      encoding: withColour({ x: xEnc, y: { field: "lo", type: "quantitative", scale: yScale, title: o.yTitle ?? o.y }, y2: { field: "hi" }, ...offset }),
    });
  }
  // The single runs on top: hovering one shows its own overrides.
  if (repeats && o.dots !== false && singles.length > 0) {
    layers.push({
      transform: [{ filter: "datum.layer === 'run'" }],
      mark: { type: "point", filled: true, size: 18, opacity: 0.45 },
      encoding: withColour({ x: xEnc, y: { field: fieldRef(o.y), type: "quantitative", scale: yScale, title: o.yTitle ?? o.y }, ...offset, tooltip: runTooltip }),
    });
  }
  const lines = (o.lines ?? []).filter((r) => typeof r.fit === "number" && Number.isFinite(r.fit) && (!logY || (r.fit as number) > 0) && (!logX || (r[o.x] as number) > 0));
  if (lines.length > 0) {
    layers.push({
      transform: [{ filter: "datum.layer === 'fit'" }],
      mark: { type: "line", strokeWidth: 1.5, opacity: 0.9, ...(colourEnc ? {} : { color: "#222222" }) },
      encoding: withColour({ x: xEnc, y: { field: "fit", type: "quantitative", scale: yScale, title: o.yTitle ?? o.y } }),
    });
  }
  const refs = (o.refs ?? []).filter((r) => typeof r.ref === "number" && Number.isFinite(r.ref) && (!logY || (r.ref as number) > 0) && (!logX || (r[o.x] as number) > 0));
  if (refs.length > 0) {
    layers.push({
      transform: [{ filter: "datum.layer === 'reference'" }],
      mark: { type: "point", shape: "diamond", filled: false, size: 110, strokeWidth: 1.6, color: "#000000", opacity: 1 },
      encoding: {
        x: xEnc, y: { field: "ref", type: "quantitative", scale: yScale, title: o.yTitle ?? o.y }, ...offset,
        tooltip: [...(facet ? [{ field: fieldRef(facet), title: facet }] : []), ...(colour ? [{ field: fieldRef(colour), title: colour }] : []), { field: fieldRef(o.x), title: o.xTitle ?? o.x }, { field: "ref", title: "reference", format: ".4~g" }, { field: "source", title: "source" }],
      },
    });
  }
  for (const l of layers) (l.mark as VlSpec).clip = true;

  const size = { width: o.width ?? (facet ? 300 : 560), height: o.height ?? (facet ? 240 : 340) };
  const data = { values: [...summaries, ...(repeats ? singles : []), ...lines.map((r) => ({ layer: "fit", ...r, ...(facet ? { [facet]: labelValue(r[facet]) } : {}), ...(colour ? { [colour]: labelValue(r[colour]) } : {}) })), ...refs.map((r) => ({ layer: "reference", ...r, [o.x]: labelValue(r[o.x]), ...(facet ? { [facet]: labelValue(r[facet]) } : {}), ...(colour ? { [colour]: labelValue(r[colour]) } : {}) }))] };
  const dropped = rows.length - kept.length;
  const sub = [...(o.subtitle ?? [])];
  const what = mark === "line" ? "line" : mark === "point" ? "large dots" : "bars";
  if (repeats) sub.push(`${what}: ${given?.what ?? "mean over repeats"}${bandText && (given || band !== "none") ? `; ${mark === "line" ? "band" : "error bars"}: ${bandText}${showBand ? "" : " (zero width: the repeats agree)"}` : ""}${o.dots !== false && singles.length > 0 ? `; ${mark === "point" ? "small dots" : "dots"}: single runs` : ""}`);
  if (lines.length > 0 && o.linesText) sub.push(o.linesText);
  if (refs.length > 0 && o.refsText) sub.push(o.refsText);
  if (cutBands) sub.push(`${cutBands} interval${cutBands === 1 ? "" : "s"} reaching 0 or below not drawn on the log axis`);
  const outside = o.xlim && xNumeric ? usable.filter((r) => (r[o.x] as number) < o.xlim![0] || (r[o.x] as number) > o.xlim![1]).length : 0;
  if (belowFloor) sub.push(`${o.yTitle ?? o.y} axis cut at ${fmtValue(yFloor!)} (${o.yDecades} decades under its largest value): ${belowFloor} row${belowFloor === 1 ? "" : "s"} below it left out`);
  if (dropped - outside - belowFloor) sub.push(`${dropped - outside - belowFloor} row${dropped - outside - belowFloor === 1 ? "" : "s"} without a drawable ${o.y}${logY || logX ? " (a positive number on the log axis)" : ""} left out`);
  if (outside) sub.push(`${outside} row${outside === 1 ? "" : "s"} outside x = ${o.xlim![0]} to ${o.xlim![1]} left out (the x range drawn)`);
  const title = o.title ?? `${o.yTitle ?? o.y} vs ${o.xTitle ?? o.x}`;
  const body: VlSpec = facet
    ? { data, facet: { field: fieldRef(facet), title: facet, type: distinctValues(kept, facet).every((v) => typeof v === "number") ? "ordinal" : "nominal", sort: distinctValues(kept, facet).map(labelValue) }, spec: { ...size, layer: layers }, resolve: { scale: { y: "shared" } } }
    : { data, ...size, layer: layers };
  if (kept.length === 0) throw new Error(`no row with a drawable ${o.y} (a finite number${logY ? ", positive on the log axis" : ""}) against ${o.x}`);
  return topLevel(body, title, sub);
}
