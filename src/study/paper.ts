/**
 * `skillsim paper`: each figure's study (configs/paper/fig<N>.study.yaml) next to the numbers
 * the paper or the authors' code gives, stored in the study file's `paper:` block with where
 * they come from. Pure: a study's result and its checks in, verdict rows out.
 */
import type { Study, PaperCheck } from "./spec.js";
import { findRows, type StudyResult } from "./compute.js";

export interface Verdict {
  figure: string;
  quantity: string;
  /** The paper's number; null for a figure drawn with no reference number (`drawn`). */
  reference: number | null;
  source: string;
  /** Where the reference was read (text, figure, notebook, code); "-" for a figure drawn with no reference. */
  provenance: string;
  /** skillsim's value: the mean over the group's runs (or the fit parameter). */
  value: number | null;
  sd: number | null;
  n: number;
  /** [lo, hi] of the value: the 95% t interval of the mean, or the fit's bootstrap interval. */
  interval: [number, number] | null;
  tolerance: string;
  /**
   * `ok`: within the tolerance; `differs`: outside it, or no value where the paper has one (a
   * real difference: `skillsim paper` exits 1); `not comparable`: the value cannot be set against
   * this reference (the study is reduced and the check says why, or the check's row names no
   * single row of the table), neither agreement nor difference; `drawn`: a figure the study
   * draws with no number of the paper to compare ("drawn, no reference").
   */
  verdict: VerdictKind;
  /** Why it differs or is not comparable; null otherwise. */
  why: string | null;
}

export type VerdictKind = "ok" | "differs" | "not comparable" | "drawn";

export const DRAWN = "drawn, no reference";

/**
 * The verdict cell, the one place it is worded: "ok", "DIFFERS (why)" in text or "**differs** (why)"
 * in Markdown, "not comparable: why", "drawn, no reference".
 */
export function verdictText(v: Pick<Verdict, "verdict" | "why">, style: "text" | "markdown"): string {
  const why = v.why ? (style === "markdown" ? v.why.replace(/\|/g, "\\|") : v.why) : null;
  switch (v.verdict) {
    case "ok":
      return "ok";
    case "drawn":
      return DRAWN;
    case "not comparable":
      return `not comparable${why ? `: ${why}` : ""}`;
    case "differs":
      return `${style === "markdown" ? "**differs**" : "DIFFERS"}${why ? ` (${why})` : ""}`;
  }
}

/** How far a value may be from the reference. */
export function within(value: number, ref: number, tol: PaperCheck["tolerance"]): boolean {
  const allowed = Math.max(tol.abs ?? 0, (tol.rel ?? 0) * Math.abs(ref));
  return Math.abs(value - ref) <= allowed * (1 + 1e-12) + 1e-300;
}

export function toleranceText(tol: PaperCheck["tolerance"]): string {
  const parts: string[] = [];
  if (tol.abs !== undefined) parts.push(tol.abs === 0 ? "exact" : `±${tol.abs}`);
  if (tol.rel !== undefined) parts.push(`±${+(tol.rel * 100).toPrecision(3)}%`);
  return parts.join(" or ");
}

/**
 * Every check of a study, against its result; a study with no number to check gives one row
 * per figure it drew (`drawn`: names of the figures drawn), "drawn, no reference".
 */
export function verdicts(study: Study, result: StudyResult, drawn: string[] = []): Verdict[] {
  const paper = study.paper;
  if (!paper) return [];
  const drawnRow = (name: string): Verdict => {
    const f = study.figures.find((g) => g.name === name);
    return { figure: paper.figure, quantity: `figure ${name}${f?.title ? `: ${f.title}` : ""}`, reference: null, source: "-", provenance: "-", value: null, sd: null, n: 0, interval: null, tolerance: "-", verdict: "drawn", why: null };
  };
  if (paper.checks.length === 0) return drawn.map(drawnRow);
  // Figures with no reference number beside the checks (paper.drawn), as far as they were drawn.
  const extra = paper.drawn.filter((name) => drawn.includes(name)).map(drawnRow);
  return [...paper.checks.map((c) => check(c, paper.figure, result)), ...extra];
}

function check(c: PaperCheck, figure: string, result: StudyResult): Verdict {
  {
    const t = c.table === "groups" ? result.groups : c.table === "fits" ? result.fits! : result.compare!;
    const rows = findRows(t, c.row);
    const base = { figure, quantity: c.quantity, reference: c.value, source: c.source, provenance: c.provenance, tolerance: toleranceText(c.tolerance) };
    // A row that names no single row of the table: there is no value to set against the reference.
    if (rows.length !== 1) return { ...base, value: null, sd: null, n: 0, interval: null, verdict: "not comparable", why: `${rows.length} rows of the ${c.table} table match ${JSON.stringify(c.row)}: the check names no single row (${c.where})` };
    const r = rows[0];
    const get = (col: string) => {
      const j = t.columns.indexOf(col);
      const v = j >= 0 ? r[j] : null;
      return typeof v === "number" ? v : null;
    };
    let value: number | null, sd: number | null = null, n = 1, interval: [number, number] | null = null;
    if (c.table === "groups" || c.table === "compare") {
      value = get(`${c.column}_mean`);
      sd = get(`${c.column}_sd`);
      n = get(`${c.column}_n`) ?? 0;
      const lo = get(`${c.column}_lo`), hi = get(`${c.column}_hi`);
      interval = lo !== null && hi !== null ? [lo, hi] : null;
    } else {
      value = get(c.column);
      n = get("n") ?? 0;
      const lo = get(`${c.column}_lo`), hi = get(`${c.column}_hi`);
      interval = lo !== null && hi !== null ? [lo, hi] : null;
    }
    // Declared reduced: the value is shown, never called agreement or difference.
    if (c.reduced !== null) return { ...base, value, sd, n, interval, verdict: "not comparable", why: `reduced: ${c.reduced}` };
    if (value === null) return { ...base, value, sd, n, interval, verdict: "differs", why: "no value (no run reached it)" };
    return within(value, c.value, c.tolerance) ? { ...base, value, sd, n, interval, verdict: "ok", why: null } : { ...base, value, sd, n, interval, verdict: "differs", why: null };
  }
}

/** A number as the table prints it (4 significant digits; integers whole). */
export function num(v: number | null): string {
  if (v === null) return "-";
  if (Number.isInteger(v)) return String(v);
  return Number(v.toPrecision(4)).toString();
}

/** skillsim's value with its seed spread: `mean ± sd (n = k)` or the value alone. */
export function valueText(v: Verdict): string {
  if (v.verdict === "drawn") return "drawn";
  if (v.value === null) return "-";
  if (v.sd !== null && v.n > 1) return `${num(v.value)} ± ${num(v.sd)} (n = ${v.n})`;
  if (v.interval && v.n > 1) return `${num(v.value)} [${num(v.interval[0])}, ${num(v.interval[1])}]`;
  return num(v.value);
}

/** The verdict table as Markdown. */
export function markdownTable(vs: Verdict[]): string {
  const head = "| figure | quantity | paper / authors' code | read from | source | skillsim (mean ± sd over seeds) | tolerance | verdict |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n";
  return head + vs.map((v) => `| ${v.figure} | ${v.quantity} | ${num(v.reference)} | ${v.provenance} | ${v.source} | ${valueText(v)} | ${v.tolerance} | ${verdictText(v, "markdown")} |`).join("\n") + "\n";
}
