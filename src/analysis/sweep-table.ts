/**
 * `skillsim table`: a sweep's JSON Lines as a table people can read, for pandas, R or a
 * spreadsheet. Pure: text in, a table (column names and rows of cells) out, and writers for
 * CSV, TSV, JSON and aligned text. (The reader behind `skillsim fit` is ../fit/input.ts.)
 *
 * Rows are in run id order (lines with one id in file order).
 *
 * Wide (default): one row per run: id, each swept key (dotted name), final_loss, then for every
 * skill k: onset_k, half_k, learned_k (the first times its progress reached the timeline
 * thresholds; empty when never reached), final_k (its final level), ratio_k (learned_k over the
 * learned time of the most frequent skill, the line's domino.ratios), gap_j_k (the domino gap
 * from skill j's learned time to skill k's onset), each number of the run's summary
 * (summary.KEY, nested keys dotted, lists as lists), warnings, and withheld_k (why the times are
 * not reported: the level left the model's range) for skills where some run has one. Diverged
 * runs keep their row, with `error`. Lines written before sweep lines carried summary and domino
 * leave those empty.
 * Long (--long): one row per run and skill: id, keys, final_loss, skill, task (its name, when
 * some run's model names its tasks from the config: "x1 xor x2"), frequency, onset, half,
 * learned, level (its final level), ratio. The text of the wide and summary tables ends with
 * which task each skill number is, when the model names them.
 * Summary (--summary): runs that differ only in `seed` form a group; per group the number of
 * runs and, for the final loss and each skill's learned time, the mean, the standard deviation
 * and a 95% confidence interval of the mean (Student t, n - 1 degrees of freedom); a learned
 * time counts only the runs that learned the skill (learned_k_n says how many; learned_k_withheld,
 * when some run's timeline is withheld, how many are neither learned nor "never").
 * Skill selection: `skills` (indices, e.g. [1, 2, 5]) or `top` (the K most frequent skills).
 */

/** A cell: swept values and summary entries keep their JSON type (lists stay lists in --json). */
import { InputError } from "../errors.js";
import { sweepLines } from "../results/index.js";
import { studentTQuantile } from "../engine/student-t.js";

export type TableCell = number | string | boolean | null | unknown[] | { [k: string]: unknown };

export interface SweepTable {
  columns: string[];
  rows: TableCell[][];
  /** Skills shown, and how many the runs have. */
  skillsShown: number[];
  skillCount: number;
  /** Run ids found on more than one line, with their lines. */
  duplicates: { id: number; lines: number[] }[];
  /** What the runs' timeline thresholds read (timeline.on): progress, the level itself, or both. */
  timedOn?: "progress" | "level" | "mixed";
  /** The tasks' names by skill index - 1, when the model names them from the config and every run that does agrees. */
  taskNames?: string[] | null;
}

/** Bad input: one line naming file:line. */
export class SweepTableError extends InputError {}

interface SkillRow { index: number; frequency: number | null; onset: number | null; half: number | null; learned: number | null; final: number | null; withheld: string | null }

export interface SweepRun {
  line: number;
  id: number;
  overrides: Record<string, unknown>;
  finalLoss: number | null;
  skills: SkillRow[];
  error: string | null;
  /** Absent (null) on lines written before sweep lines carried them. */
  warnings: string[] | null;
  summary: Record<string, unknown> | null;
  /** learned_k / learned of the most frequent skill, by skill index k. */
  ratios: Map<number, number | null>;
  gaps: { from: number; to: number; gap: number | null }[];
  /** What the run's timeline thresholds read: progress (default) or the level itself (timeline.on: level). */
  timelineOn: "progress" | "level";
  /** Its tasks' names by skill index - 1 when the model names them from the line's config (parseSweepRuns' nameTasks), else null. */
  taskNames: string[] | null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/**
 * A run's task names from its line's config, or null when the model gives none (the caller's
 * models/index.ts taskNamesOf: passed in so that this module, which `fit` loads, loads no model).
 */
export type TaskNamer = (config: Record<string, unknown>, count: number) => string[] | null;

/** Parse the JSON Lines of `skillsim sweep` (one run per line); `nameTasks` fills each run's taskNames. */
export function parseSweepRuns(text: string, file: string, nameTasks?: TaskNamer): SweepRun[] {
  const lines = sweepLines(text, file);
  const runs: SweepRun[] = [];
  for (const { line, value: v } of lines) {
    const at = `${file}:${line}`;
    const error = typeof v.error === "string" ? v.error : null;
    if (!error && !Array.isArray(v.skills)) throw new SweepTableError(`${at}: run ${v.id} has no "skills" list (is this \`sweep --dry-run\` output?)`);
    const skills: SkillRow[] = (Array.isArray(v.skills) ? v.skills : []).map((s: unknown, i: number) => {
      const o = isObject(s) ? s : {};
      return {
        index: num(o.index) ?? i + 1, frequency: num(o.frequency), onset: num(o.onset), half: num(o.half), learned: num(o.learned), final: num(o.final),
        withheld: typeof o.withheld === "string" ? o.withheld : null,
      };
    });
    const final = isObject(v.final) ? num(v.final.loss) : null;
    const domino = isObject(v.domino) ? v.domino : {};
    const ratios = new Map<number, number | null>();
    for (const r of Array.isArray(domino.ratios) ? domino.ratios : []) if (isObject(r) && num(r.skill) !== null) ratios.set(r.skill as number, num(r.ratio));
    const gaps = (Array.isArray(domino.gaps) ? domino.gaps : []).filter(isObject).map((g) => ({ from: num(g.from) ?? 0, to: num(g.to) ?? 0, gap: num(g.gap) }));
    const timeline = isObject(v.config) && isObject(v.config.timeline) ? v.config.timeline : null;
    const timelineOn = timeline?.on === "level" ? "level" : "progress";
    const taskNames = nameTasks && isObject(v.config) ? nameTasks(v.config, skills.length) : null;
    runs.push({
      line, id: v.id as number, overrides: v.overrides, finalLoss: final, skills, error,
      warnings: Array.isArray(v.warnings) ? v.warnings.map(String) : null,
      summary: isObject(v.summary) ? v.summary : null,
      ratios,
      gaps,
      timelineOn,
      taskNames,
    });
  }
  if (runs.length === 0) throw new SweepTableError(`${file}: empty file (expected the JSON Lines of \`skillsim sweep\`)`);
  return runs;
}

export interface TableOptions {
  long?: boolean;
  summary?: boolean;
  /** Show the K most frequent skills. */
  top?: number;
  /** Show these skill indices (1-based). */
  skills?: number[];
}

/** The skills to show: --skills as given, --top by frequency (ties by index), else all. */
function chooseSkills(runs: SweepRun[], opts: TableOptions): { shown: number[]; count: number } {
  const withSkills = runs.find((r) => r.skills.length > 0);
  const count = runs.reduce((m, r) => Math.max(m, r.skills.length), 0);
  if (opts.skills) {
    for (const k of opts.skills) {
      if (k > count) throw new SweepTableError(`--skills ${opts.skills.join(",")}: skill ${k} does not exist; the runs have ${count} skills`);
    }
    return { shown: opts.skills, count };
  }
  const all = Array.from({ length: count }, (_, i) => i + 1);
  if (opts.top === undefined || opts.top >= count) return { shown: all, count };
  const freq = (k: number) => withSkills?.skills[k - 1]?.frequency ?? 0;
  const ranked = [...all].sort((a, b) => freq(b) - freq(a) || a - b);
  return { shown: ranked.slice(0, opts.top).sort((a, b) => a - b), count };
}

/** Override keys in first-seen order. */
function keysOf(runs: SweepRun[]): string[] {
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const r of runs) for (const k of Object.keys(r.overrides)) if (!seen.has(k)) { seen.add(k); keys.push(k); }
  return keys;
}

/** An override or summary value as a cell (kept as it is: the writers render lists and objects). */
function keyCell(v: unknown): TableCell {
  return v === undefined ? null : (v as TableCell);
}

/** A summary's entries as dotted keys (nested objects flattened; lists kept whole). */
function flatten(o: Record<string, unknown>, prefix: string, into: Map<string, unknown>): Map<string, unknown> {
  for (const [k, v] of Object.entries(o)) {
    if (isObject(v)) flatten(v, `${prefix}${k}.`, into);
    else into.set(`${prefix}${k}`, v);
  }
  return into;
}

function duplicatesOf(runs: SweepRun[]): SweepTable["duplicates"] {
  const lines = new Map<number, number[]>();
  for (const r of runs) {
    const l = lines.get(r.id);
    if (l) l.push(r.line);
    else lines.set(r.id, [r.line]);
  }
  return [...lines].filter(([, l]) => l.length > 1).map(([id, l]) => ({ id, lines: l }));
}


/** Mean, sample standard deviation and the 95% t interval of the mean (nulls when undefined). */
export function meanInterval(v: number[]): { n: number; mean: number | null; sd: number | null; lo: number | null; hi: number | null } {
  const n = v.length;
  if (n === 0) return { n, mean: null, sd: null, lo: null, hi: null };
  const mean = v.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { n, mean, sd: null, lo: null, hi: null };
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) * (b - mean), 0) / (n - 1));
  const t = studentTQuantile(0.975, n - 1);
  const half = (t * sd) / Math.sqrt(n);
  return { n, mean, sd, lo: mean - half, hi: mean + half };
}

/** Build the table (see the file comment). */
export function buildSweepTable(lines: SweepRun[], opts: TableOptions = {}): SweepTable {
  if (opts.long && opts.summary) throw new SweepTableError("--long and --summary do not go together: --summary has one row per group of seeds");
  const runs = [...lines].sort((a, b) => a.id - b.id || a.line - b.line);
  const { shown, count } = chooseSkills(runs, opts);
  const keys = keysOf(runs);
  const anyError = runs.some((r) => r.error);
  const duplicates = duplicatesOf(runs);
  const ons = new Set(runs.filter((r) => !r.error).map((r) => r.timelineOn));
  const timedOn = ons.size > 1 ? "mixed" : ons.has("level") ? "level" : "progress";
  const named = new Set(runs.filter((r) => r.taskNames).map((r) => JSON.stringify(r.taskNames)));
  const taskNames = named.size === 1 ? (JSON.parse([...named][0]) as string[]) : null;
  if (opts.summary) return { ...summaryTable(runs, keys, shown), skillsShown: shown, skillCount: count, duplicates, timedOn, taskNames };
  const head = ["id", ...keys, "final_loss"];
  if (anyError) head.push("error");
  // A withheld timeline (the level left the model's range) is not "never reached": its own
  // column says why, present only when some run has one.
  const anyWithheld = runs.some((r) => r.skills.some((s) => s.withheld !== null));
  if (opts.long) {
    // A task column when some run's model names its tasks (a sparse parity's "x1 xor x2").
    const anyNamed = runs.some((r) => r.taskNames);
    const columns = [...head, "skill", ...(anyNamed ? ["task"] : []), "frequency", "onset", "half", "learned", "level", "ratio", ...(anyWithheld ? ["withheld"] : [])];
    const rows: TableCell[][] = [];
    for (const r of runs) {
      const base: TableCell[] = [r.id, ...keys.map((k) => keyCell(r.overrides[k])), r.finalLoss];
      if (anyError) base.push(r.error);
      if (r.skills.length === 0) {
        rows.push([...base, null, ...(anyNamed ? [null] : []), null, null, null, null, null, null, ...(anyWithheld ? [null] : [])]);
        continue;
      }
      for (const k of shown) {
        const s = r.skills[k - 1];
        rows.push([...base, k, ...(anyNamed ? [r.taskNames?.[k - 1] ?? `skill ${k}`] : []), s?.frequency ?? null, s?.onset ?? null, s?.half ?? null, s?.learned ?? null, s?.final ?? null, r.ratios.get(k) ?? null, ...(anyWithheld ? [s?.withheld ?? null] : [])]);
      }
    }
    return { columns, rows, skillsShown: shown, skillCount: count, duplicates, timedOn, taskNames };
  }
  const columns = [...head];
  for (const m of ["onset", "half", "learned", "final"]) for (const k of shown) columns.push(`${m}_${k}`);
  // Ratios and gaps for the skills shown, in the order the lines give them (by frequency).
  const isShown = new Set(shown);
  const ratioSkills = firstSeen(runs, (r) => [...r.ratios.keys()].filter((k) => isShown.has(k)));
  const gapPairs = firstSeen(runs, (r) => r.gaps.filter((g) => isShown.has(g.from) && isShown.has(g.to)).map((g) => `${g.from}_${g.to}`));
  const summaries = runs.map((r) => flatten(r.summary ?? {}, "summary.", new Map()));
  const summaryKeys = firstSeen(summaries, (s) => [...s.keys()]);
  const anyWarnings = runs.some((r) => r.warnings !== null);
  columns.push(...ratioSkills.map((k) => `ratio_${k}`), ...gapPairs.map((g) => `gap_${g}`), ...summaryKeys);
  if (anyWarnings) columns.push("warnings");
  const withheldShown = anyWithheld ? shown.filter((k) => runs.some((r) => (r.skills[k - 1]?.withheld ?? null) !== null)) : [];
  for (const k of withheldShown) columns.push(`withheld_${k}`);
  const rows = runs.map((r, i) => {
    const row: TableCell[] = [r.id, ...keys.map((k) => keyCell(r.overrides[k])), r.finalLoss];
    if (anyError) row.push(r.error);
    for (const m of ["onset", "half", "learned", "final"] as const) for (const k of shown) row.push(r.skills[k - 1]?.[m] ?? null);
    for (const k of ratioSkills) row.push(r.ratios.get(k) ?? null);
    const gaps = new Map(r.gaps.map((g) => [`${g.from}_${g.to}`, g.gap]));
    for (const g of gapPairs) row.push(gaps.get(g) ?? null);
    for (const k of summaryKeys) row.push(keyCell(summaries[i].get(k)));
    if (anyWarnings) row.push(r.warnings);
    for (const k of withheldShown) row.push(r.skills[k - 1]?.withheld ?? null);
    return row;
  });
  return { columns, rows, skillsShown: shown, skillCount: count, duplicates, timedOn, taskNames };
}

/**
 * The swept keys of a table this module writes, read back from its header (CSV or TSV of
 * `skillsim table`): wide and long tables put them between "id" and "final_loss", --summary
 * before "runs", "diverged". Null for any other header (a CSV from elsewhere names no keys).
 */
export function tableSweptKeys(columns: readonly string[]): string[] | null {
  const fl = columns.indexOf("final_loss");
  if (columns[0] === "id" && fl > 0) return columns.slice(1, fl);
  const runs = columns.indexOf("runs");
  if (runs >= 0 && columns[runs + 1] === "diverged" && columns[runs + 2] === "final_loss_mean") return columns.slice(0, runs);
  return null;
}

/** The distinct items `of` gives over `xs`, in first-seen order. */
function firstSeen<T, K>(xs: T[], of: (x: T) => K[]): K[] {
  const seen = new Set<K>();
  for (const x of xs) for (const k of of(x)) seen.add(k);
  return [...seen];
}

function summaryTable(runs: SweepRun[], keys: string[], shown: number[]): { columns: string[]; rows: TableCell[][] } {
  const groupKeys = keys.filter((k) => k !== "seed");
  const groups = new Map<string, SweepRun[]>();
  for (const r of runs) {
    const key = JSON.stringify(groupKeys.map((k) => keyCell(r.overrides[k])));
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const stat = (prefix: string) => [`${prefix}_mean`, `${prefix}_sd`, `${prefix}_lo95`, `${prefix}_hi95`];
  const columns = [...groupKeys, "runs", "diverged", ...stat("final_loss")];
  // learned_k_withheld: runs whose skill-k timeline is withheld (neither learned nor "never"),
  // a column only for skills where some run has one.
  const withheldShown = shown.filter((k) => runs.some((r) => (r.skills[k - 1]?.withheld ?? null) !== null));
  for (const k of shown) columns.push(...stat(`learned_${k}`), `learned_${k}_n`, ...(withheldShown.includes(k) ? [`learned_${k}_withheld`] : []));
  const rows = [...groups.values()].map((g) => {
    const ok = g.filter((r) => !r.error);
    const fl = meanInterval(ok.map((r) => r.finalLoss).filter((v): v is number => v !== null));
    const row: TableCell[] = [...groupKeys.map((k) => keyCell(g[0].overrides[k])), g.length, g.length - ok.length, fl.mean, fl.sd, fl.lo, fl.hi];
    for (const k of shown) {
      const times = ok.map((r) => r.skills[k - 1]?.learned ?? null).filter((v): v is number => v !== null);
      const s = meanInterval(times);
      row.push(s.mean, s.sd, s.lo, s.hi, s.n);
      if (withheldShown.includes(k)) row.push(ok.filter((r) => (r.skills[k - 1]?.withheld ?? null) !== null).length);
    }
    return row;
  });
  return { columns, rows };
}

// ---------------------------------------------------------------------------------------------
// Writers

/** A number at full precision (as JSON writes it); null as an empty cell; lists and objects as JSON text. */
function plain(c: TableCell): string {
  if (c === null) return "";
  if (typeof c === "string") return c;
  return typeof c === "number" || typeof c === "boolean" ? String(c) : JSON.stringify(c);
}

/** CSV (RFC 4180 quoting) or TSV (tabs and newlines in text replaced by spaces). */
export function toDelimited(t: SweepTable, sep: "," | "\t"): string {
  const cell = (c: TableCell): string => {
    const s = plain(c);
    if (sep === "\t") return s.replace(/[\t\r\n]/g, " ");
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [t.columns.map((c) => cell(c)).join(sep), ...t.rows.map((r) => r.map(cell).join(sep))].join("\n") + "\n";
}

/** An array of records, one object per row. */
export function toJson(t: SweepTable): string {
  return JSON.stringify(t.rows.map((r) => Object.fromEntries(t.columns.map((c, j) => [c, r[j]])))) + "\n";
}

/** Short text for a number: integers as they are, others to 4 significant digits. */
function short(c: TableCell): string {
  if (c === null) return "-";
  if (typeof c !== "number") return plain(c);
  if (Number.isInteger(c) && Math.abs(c) < 1e9) return String(c);
  const a = Math.abs(c);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return c.toExponential(3);
  return String(Number(c.toPrecision(4)));
}

/** Columns the text report prints: in the wide form the keys, final loss and learned times only (the rest are too many to read). */
function textColumns(t: SweepTable, opts: TableOptions): number[] {
  // withheld reasons are long: the text shows "withheld" in the times instead (--csv, --json: the reason)
  if (opts.long || opts.summary) return t.columns.map((c, j) => (c === "withheld" ? -1 : j)).filter((j) => j >= 0);
  return t.columns.map((c, j) => (/^(onset|half|final|ratio|gap|withheld)_[\d_]+$|^summary\.|^warnings$/.test(c) ? -1 : j)).filter((j) => j >= 0);
}

/** Per row, the text cells: a withheld skill's times read "withheld", not "-" (never reached). */
function textCells(t: SweepTable, row: TableCell[], cols: number[]): string[] {
  const reason = (j: number): TableCell => {
    const c = t.columns[j];
    const m = /^(?:onset|half|learned)_(\d+)$/.exec(c);
    if (m) {
      const w = t.columns.indexOf(`withheld_${m[1]}`);
      return w >= 0 ? row[w] : null;
    }
    if (c === "onset" || c === "half" || c === "learned") {
      const w = t.columns.indexOf("withheld");
      return w >= 0 ? row[w] : null;
    }
    return null;
  };
  return cols.map((j) => (row[j] === null && reason(j) !== null ? "withheld" : short(row[j])));
}

/** The aligned text report, with a note on what is shown. */
export function toText(t: SweepTable, opts: TableOptions = {}): string {
  const cols = textColumns(t, opts);
  const cells = [cols.map((j) => t.columns[j]), ...t.rows.map((r) => textCells(t, r, cols))];
  const w = cols.map((_, i) => cells.reduce((m, r) => Math.max(m, r[i].length), 0));
  const lines = cells.map((r) => r.map((c, i) => c.padStart(w[i])).join("  ").replace(/\s+$/, ""));
  const notes: string[] = [];
  if (t.skillsShown.length < t.skillCount) {
    notes.push(`skills shown: ${t.skillsShown.length} of ${t.skillCount} (${t.skillsShown.length <= 12 ? t.skillsShown.join(", ") : `${t.skillsShown.slice(0, 12).join(", ")}, ...`}); --top K or --skills LIST chooses`);
  }
  const what = t.timedOn === "level" ? "level (timeline.on: level, e.g. an accuracy)" : t.timedOn === "mixed" ? "progress or level (as each run's timeline.on says)" : "progress";
  const anyWithheld = t.columns.some((c) => c === "withheld" || /^withheld_\d+$/.test(c) || /^learned_\d+_withheld$/.test(c));
  const withheldNote = anyWithheld ? "; withheld: the level left the model's range and the time is not reported, the reason is in --csv or --json" : "";
  if (!opts.long && !opts.summary) notes.push(`learned_k: the first step at which skill k's ${what} reached the \`learned\` threshold (- never${withheldNote}); onset and half times, final levels, learned-time ratios, domino gaps, the run's summary and warnings: --long, --csv, --tsv or --json`);
  if (opts.long && anyWithheld) notes.push(`times: - never${withheldNote}`);
  // The wide and summary columns are numbered by skill: say which task each number is.
  if (t.taskNames && !opts.long) notes.push(`tasks: ${t.skillsShown.map((k) => `${k} = ${t.taskNames![k - 1]}`).join("; ")}`);
  if (opts.summary) notes.push(`per group of runs differing only in seed: mean, standard deviation and the 95% interval of the mean (Student t); learned_k_n: runs that learned skill k${anyWithheld ? "; learned_k_withheld: runs whose skill-k timeline is withheld (the level left the model's range), counted in neither" : ""}`);
  return lines.join("\n") + "\n" + (notes.length ? "\n" + notes.join("\n") + "\n" : "");
}

/** The skills to show by default in the text report when the runs have many. */
export const TEXT_DEFAULT_TOP = 10;
