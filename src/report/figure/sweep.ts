/**
 * The sweep figure: any number a sweep line carries (default its final loss) against a swept
 * key, one colour per value of a second swept key, optionally one panel per value of a third,
 * the runs that differ only in the other swept keys (seeds, typically) summarised by
 * relplot (./relplot.ts): mean line, 95% t band, single runs as dots with their overrides in
 * the tooltip. Input: the JSON Lines of `skillsim sweep`.
 */
import { type ErrorBand, type LogSetting, type Row, relplot } from "./relplot.js";
import type { FigureSize, VlSpec } from "./theme.js";

export interface SweepLine {
  id: number;
  /** Swept settings of this run, by dotted config key ("params", "skills.frequencies.zipf", "seed"). */
  overrides: Record<string, unknown>;
  final: { loss: number; [k: string]: unknown };
  [k: string]: unknown;
}

export interface SweepFigureOptions extends FigureSize {
  /** Key on the x axis (default: the first numeric key that varies, other than seed, else the
   * first other key that varies, drawn as categories; never seed unless named). */
  x?: string;
  /** Key whose values make the colours (default: the next key that varies, other than seed). */
  series?: string;
  /** Key whose values make the panels (default: none). */
  facet?: string;
  /** The number drawn: a dotted path into a sweep line (default "final.loss"). */
  y?: string;
  errorband?: ErrorBand;
  /** Keys the runs' model does not use (ModelSpec.overridden): said in the subtitle when drawn. */
  overridden?: { keys: string[]; by: string } | null;
  /** Default "positive": log when every value is positive. */
  logX?: LogSetting;
  logY?: LogSetting;
  title?: string;
}

/** Last part of a dotted key ("skills.frequencies.zipf" -> "zipf"). */
export function shortKey(k: string): string {
  const parts = k.split(".");
  return parts[parts.length - 1];
}

/** Value at a dotted path ("final.loss", "skills.1.learned", "summary.alpha"); array indexes are 0-based. */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const k of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
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
  const seen = new Map<string, unknown[]>();
  for (const l of lines) {
    for (const [k, v] of Object.entries(l.overrides ?? {})) {
      if (!seen.has(k)) seen.set(k, []);
      seen.get(k)!.push(v);
    }
  }
  return [...seen].map(([key, vs]) => keyInfo(key, vs));
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
  const swept = () => keys.map((k) => k.key).join(", ") || "none";
  let x = opts.x;
  if (x === undefined) {
    // Never seed by default: a number against the seed shows nothing; it is spread.
    const k = keys.find((k) => k.numeric && varies(k) && k.key !== "seed") ??
      keys.find((k) => varies(k) && k.key !== "seed") ??
      keys.find((k) => k.numeric && k.key !== "seed");
    if (!k) throw new Error(`no swept key other than seed for the x axis (swept: ${swept()}); name one as x (--plot-x), seed included`);
    x = k.key;
  }
  if (!keys.some((k) => k.key === x)) throw new Error(`x key "${x}" is not a swept key (swept: ${swept()})`);
  if (opts.facet !== undefined && !keys.some((k) => k.key === opts.facet)) throw new Error(`facet key "${opts.facet}" is not a swept key (swept: ${swept()})`);
  let series: string | null = opts.series ?? null;
  if (opts.series === undefined) series = keys.find((k) => varies(k) && k.key !== x && k.key !== "seed" && k.key !== opts.facet)?.key ?? null;
  if (series !== null && !keys.some((k) => k.key === series)) throw new Error(`series key "${series}" is not a swept key (swept: ${swept()})`);
  const pooled = keys.filter((k) => varies(k) && k.key !== x && k.key !== series && k.key !== opts.facet);
  return { x, series, pooled };
}

/** Tidy rows: one per sweep line, its id, its overrides and the drawn number under `y`. */
export function sweepRows(lines: SweepLine[], y: string): Row[] {
  return lines.map((l) => {
    const v = getPath(l, y);
    return { id: l.id, ...(l.overrides ?? {}), [y]: typeof v === "number" ? v : null };
  });
}

/** The sweep figure's specification (see the file comment). */
export function sweepSpec(lines: SweepLine[], opts: SweepFigureOptions = {}): VlSpec {
  const y = opts.y ?? "final.loss";
  const { x, series, pooled } = chooseKeys(lines, opts);
  const rows = sweepRows(lines, y);
  const keys = sweptKeys(lines).map((k) => k.key);
  const yTitle = y === "final.loss" ? "final loss" : y;
  const sub = [`${lines.length} run${lines.length === 1 ? "" : "s"}`, `x: ${x}`];
  if (series) sub.push(`colour: ${series}`);
  if (opts.facet) sub.push(`panels: ${opts.facet}`);
  if (pooled.length) sub.push(`pooled: ${pooled.map((k) => `${k.key} (${k.values.length} values)`).join(", ")}`);
  const idle = [x, series, opts.facet].filter((k): k is string => !!k && !!opts.overridden?.keys.includes(k));
  const notes = idle.length ? [`${idle.join(" and ")} ${idle.length === 1 ? "is" : "are"} not in force in these runs: ${opts.overridden!.by}`] : [];
  return relplot(rows, {
    x,
    y,
    colour: series,
    facet: opts.facet ?? null,
    errorband: opts.errorband,
    logX: opts.logX ?? "positive",
    logY: opts.logY ?? "positive",
    title: opts.title ?? `${y === "final.loss" ? "Final loss" : y} vs ${x}` + (series ? ` by ${shortKey(series)}` : ""),
    subtitle: [sub.join(" · "), ...notes],
    xTitle: x,
    yTitle,
    colourTitle: series ? shortKey(series) : undefined,
    tooltip: ["id", ...keys, y],
    width: opts.width,
    height: opts.height,
    xlim: opts.xlim,
  });
}

