/**
 * Tables of named columns for `skillsim fit`: parsed from CSV text (header row), from the JSON
 * Lines of `skillsim sweep` or from one `skillsim run --json` document, then filtered
 * (--where), grouped (--by) and read as numeric columns for a fit. Pure: text in, plain
 * objects out; every problem is a TableError (quoting: the CSV reader's ResultsError) naming the file and line
 * ("runs.jsonl:12: ..."). (`skillsim table`, the readable view of a sweep, is ./sweep-table.ts.)
 *
 * CSV is read by the results layer (papaparse: RFC 4180 quoting, CRLF): the separator is detected among comma,
 * semicolon and tab (a note says when it is not a comma), lines starting with # are comments,
 * blank lines are skipped, a UTF-8 BOM is ignored. A cell is a number when it reads as a
 * decimal number (also inf/nan), else text; an empty cell has no value. Nothing is required
 * of a column until it is used: `numericColumn` rejects text and empty cells, naming
 * file:line and column. Row locations are computed only when a message needs one, so a
 * million-row file costs no million strings.
 *
 * Sweep JSON Lines: every recorded point (trace.t[k], trace.loss[k]) of every run is a row
 * with columns
 *   N     config.params; a network's parameter count (its summary.parameters) from its config;
 *         overrides.params when the line carries no config
 *   D     step x batch (config.batch; overrides.batch or the `batch` option without config)
 *   step  trace.t[k]
 *   loss  trace.loss[k]
 *   id    the run id
 * and every override by its dotted key ("params", "seed", "skills.frequencies.zipf", ...;
 * list and object values as canonical JSON text, which --where compares as values).
 * Points at step 0 are dropped (D = 0; logs are taken) and counted; `final` keeps only each
 * run's last recorded point. Runs that diverged (an "error" instead of results) are skipped
 * and listed; an id on more than one line is reported (both lines are kept).
 * A run JSON (`skillsim run --json`) is read the same way, as a sweep of one run (id 0).
 */
import { InputError } from "../errors.js";
import { canonicalJson, checkRunJson, csvCell, csvStream, lineFinder, runJsonDocument, eachSweepLine, type RunJson } from "../results/index.js";

export { canonicalJson, csvCell };
import { createRequire } from "node:module";

// yaml is loaded on first use (a list or mapping value in --where), not with this module:
// most fits never need it, and loading it costs the CLI's start-up. Its Node entry is
// CommonJS, so require() gives the same module an `import` would.
const requireHere = createRequire(import.meta.url);
let yaml: typeof import("yaml") | undefined;
function parseYaml(text: string): unknown {
  yaml ??= requireHere("yaml") as typeof import("yaml");
  return yaml.parse(text);
}

/** A cell: a number, text (CSV text, non-numeric overrides), or null (no value). */
export type Cell = number | string | null;

export interface Table {
  /** File name, for messages. */
  file: string;
  format: "csv" | "jsonl" | "run";
  /** Column names in order (header order; for sweeps N, D, step, loss, id, then the overrides). */
  columns: string[];
  /** Column name -> one cell per row. */
  cells: Map<string, Cell[]>;
  /** Where a row of the table as parsed came from ("file:line", plus run and step for sweeps). */
  locate: (origin: number) => string;
  /** Column name -> why a row may have no value there (appended to "no value" errors); a
   * function gets the row's `origin`. */
  hints: Map<string, string | ((origin: number) => string)>;
  /** Per row: its index in the table as parsed (kept through selectRows). */
  origin: number[];
  /** Sweeps and runs: per parsed row (by origin), the index of the run (line) it belongs to. */
  runOf?: Int32Array;
  /** Sweeps and runs: why the first run without a batch size has none (D is then undefined). */
  noBatch?: string;
  /** Number of rows. */
  length: number;
}

/** Where row i of the table came from. */
export function whereOf(t: Table, i: number): string {
  return t.locate(t.origin[i]);
}

/** Bad input or a bad request on the table: one line, naming file:line where it can. */
export class TableError extends InputError {}

export interface ParseOptions {
  /** Sweep JSON Lines: keep only each run's last recorded point. */
  final?: boolean;
  /** Sweep JSON Lines: batch size for D = step x batch when a line carries no config. */
  batch?: number;
  /** CSV: called now and then with (characters read, characters in all). */
  onProgress?: (done: number, total: number) => void;
  /** Sweep JSON Lines: N of a run whose config has no `params`, as its model counts it (src/models
   * `parameterCountOf`: a network's layers), null when the config is not a valid one, undefined
   * when the model does not count; passed in, so that reading a CSV loads no model. */
  parameterCount?: (config: Record<string, unknown>) => number | null | undefined;
}

export interface ParseResult {
  table: Table;
  /** Points dropped because their step is 0 (sweep JSON Lines). */
  droppedStepZero: number;
  /** Ids of runs that diverged (lines with "error"), skipped (sweep JSON Lines). */
  diverged: number[];
  /** Run ids found on more than one line, with their lines (sweep JSON Lines). */
  duplicates: { id: number; lines: number[] }[];
  /** Things worth saying on stderr (e.g. the separator detected). */
  notes: string[];
}

/** "jsonl" when the first non-blank character is "{", "empty" when there is none, else "csv". */
export function detectFormat(text: string): "csv" | "jsonl" | "empty" {
  const m = /[^\s\uFEFF]/.exec(text);
  if (!m) return "empty";
  return m[0] === "{" ? "jsonl" : "csv";
}

/** Parse CSV, sweep JSON Lines or a run JSON (told apart by the content). */
export function parseTable(text: string, file: string, opts: ParseOptions = {}): ParseResult {
  const format = detectFormat(text);
  if (format === "empty") throw new TableError(`${file}: empty file (expected CSV with a header row, sweep JSON Lines or a run JSON)`);
  if (format === "jsonl") {
    const run = runJsonDocument(text);
    if (run) return parseRunJson(checkRunJson(run, file, { nulls: true }), file, opts);
    return parseSweepJsonl(text, file, opts);
  }
  if (opts.final) throw new TableError(`--final applies to sweep JSON Lines (one run per line) and run JSON; ${file} is CSV`);
  if (opts.batch !== undefined) throw new TableError(`--batch applies to sweep JSON Lines (D = step x batch); ${file} is CSV`);
  return parseCsv(text, file, opts.onProgress);
}

// ---------------------------------------------------------------------------------------------
// CSV

const SEPARATOR_NAMES: Record<string, string> = { ";": "semicolon", "\t": "tab" };

function parseCsv(raw: string, file: string, onProgress?: (done: number, total: number) => void): ParseResult {
  const text = raw.replace(/^\uFEFF/, "");
  const lineAt = lineFinder(text);
  let columns: string[] | null = null;
  let headLine = 0;
  let cols: Cell[][] = [];
  // Per data row: the offset where it ends, and how many newlines its quoted cells hold.
  let ends = new Float64Array(1024);
  const inner = new Map<number, number>();
  let rows = 0;
  let failure: TableError | null = null;
  const delimiter = csvStream(text, file, [",", ";", "\t"], lineAt, ({ cells, cursor, innerNewlines: nl }) => {
    if (columns === null) {
      headLine = lineAt(cursor - 1) - nl;
      columns = cells.map((c) => c.trim());
      const seen = new Set<string>();
      columns.forEach((name, j) => {
        if (name === "") failure ??= new TableError(`${file}:${headLine}: header cell ${j + 1} is empty; every column needs a name`);
        else if (seen.has(name)) failure ??= new TableError(`${file}:${headLine}: column "${name}" appears twice in the header`);
        seen.add(name);
      });
      if (failure) return false;
      cols = columns.map(() => []);
      return;
    }
    if (cells.length !== columns.length) {
      failure = new TableError(`${file}:${lineAt(cursor - 1) - nl}: ${cells.length} cells, but the header has ${columns.length} columns`);
      return false;
    }
    for (let j = 0; j < cells.length; j++) cols[j].push(csvCell(cells[j]));
    if (rows === ends.length) {
      const grown = new Float64Array(2 * rows);
      grown.set(ends);
      ends = grown;
    }
    ends[rows] = cursor;
    if (nl) inner.set(rows, nl);
    rows++;
    if (onProgress && (rows & 0xffff) === 0) onProgress(cursor, text.length);
  });
  if (failure) throw failure;
  if (columns === null) throw new TableError(`${file}: empty file (expected CSV with a header row, sweep JSON Lines or a run JSON)`);
  const header: string[] = columns;
  if (rows === 0) throw new TableError(`${file}: a header row but no data rows`);
  const cells = new Map<string, Cell[]>(header.map((c, j) => [c, cols[j]]));
  const notes: string[] = [];
  if (delimiter !== ",") notes.push(`${file}: read as a ${SEPARATOR_NAMES[delimiter] ?? JSON.stringify(delimiter)}-separated file (detected from its lines)`);
  const finalEnds = ends;
  const table: Table = {
    file, format: "csv", columns: header, cells, hints: new Map(), length: rows,
    origin: Array.from({ length: rows }, (_, i) => i),
    locate: (o: number) => `${file}:${lineAt(finalEnds[o] - 1) - (inner.get(o) ?? 0)}`,
  };
  return { table, droppedStepZero: 0, diverged: [], duplicates: [], notes };
}

// ---------------------------------------------------------------------------------------------
// Sweep JSON Lines and run JSON

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}


/** An override value as a cell: numbers stay numbers, lists and objects become canonical JSON text. */
function overrideCell(v: unknown): Cell {
  if (typeof v === "number") return v;
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v;
  return typeof v === "boolean" ? String(v) : canonicalJson(v);
}

const DERIVED = ["N", "D", "step", "loss", "id"];

/** One run's recorded points and what the rows need from its line. */
interface Run {
  line: number; id: number; N: number | null; batch: number | null; noBatch: string;
  overrides: Record<string, unknown>; t: unknown[]; loss: unknown[];
}

/** The N and batch of a run from its config (or overrides), and why there is no batch when there is none. */
function runSizes(v: Record<string, unknown>, overrides: Record<string, unknown>, id: number, at: string, opts: ParseOptions): Pick<Run, "N" | "batch" | "noBatch"> {
  const config = isObject(v.config) ? v.config : null;
  const counted = config && typeof config.params !== "number" ? opts.parameterCount?.(config) : undefined;
  const N = config && typeof config.params === "number" ? config.params
    : counted !== undefined ? counted
    : typeof overrides.params === "number" ? overrides.params : null;
  let batch: number | null = null;
  let noBatch = "";
  if (config) {
    if (typeof config.batch === "number") batch = config.batch;
    else if (config.batch === "full") noBatch = `run ${id} has batch "full" in its config`;
    else noBatch = `run ${id} is a ${typeof config.model === "string" ? config.model : "model"} run, which has no batch size`;
  } else if (typeof overrides.batch === "number") {
    batch = overrides.batch;
  } else {
    noBatch = `run ${id}'s line carries no "config", so no batch size`;
  }
  if (batch !== null && opts.batch !== undefined && batch !== opts.batch) {
    throw new TableError(`${at}: run ${id} has batch ${batch} but --batch is ${opts.batch}; drop --batch (the line's own batch is used)`);
  }
  if (batch === null && opts.batch !== undefined) batch = opts.batch;
  return { N, batch, noBatch };
}

function checkBatchOption(opts: ParseOptions): void {
  if (opts.batch !== undefined && !(Number.isFinite(opts.batch) && opts.batch > 0)) {
    throw new TableError(`--batch must be a positive number, got ${opts.batch}`);
  }
}

function checkTrace(trace: unknown, at: string, what: string): asserts trace is { t: unknown[]; loss: unknown[] } {
  if (!isObject(trace) || !Array.isArray(trace.t) || !Array.isArray(trace.loss)) {
    throw new TableError(`${at}: ${what} has no "trace" with "t" and "loss" arrays (is this \`sweep --dry-run\` output?)`);
  }
  if (trace.t.length !== trace.loss.length) {
    throw new TableError(`${at}: ${what}: trace.t has ${trace.t.length} values but trace.loss has ${trace.loss.length}`);
  }
}

/** A run JSON, checked by the results reader; a NaN loss (written as null) passes it and becomes a null cell, as in a sweep line. */
function parseRunJson(v: RunJson, file: string, opts: ParseOptions): ParseResult {
  checkBatchOption(opts);
  const sizes = runSizes(v, {}, 0, file, opts);
  const run: Run = { line: 1, id: 0, ...sizes, noBatch: sizes.noBatch.replace(/^run 0/, "the run"), overrides: {}, t: v.trace.t, loss: v.trace.loss };
  return tableOfRuns([run], [], file, "run", opts, []);
}

function parseSweepJsonl(text: string, file: string, opts: ParseOptions): ParseResult {
  checkBatchOption(opts);
  const overrideKeys: string[] = [];
  const overrideSeen = new Set<string>();
  const runs: Run[] = [];
  const diverged: number[] = [];
  const linesOf = new Map<number, number[]>();
  for (const { line, value: v } of eachSweepLine(text, file)) {
    const at = `${file}:${line}`;
    const id = v.id;
    const seenAt = linesOf.get(id);
    if (seenAt) seenAt.push(line);
    else linesOf.set(id, [line]);
    if ("error" in v && !("trace" in v)) {
      diverged.push(id);
      continue;
    }
    checkTrace(v.trace, at, `run ${id}`);
    const overrides = v.overrides;
    runs.push({ line, id, ...runSizes(v, overrides, id, at, opts), overrides, t: v.trace.t, loss: v.trace.loss });
  }
  if (runs.length === 0) {
    if (diverged.length > 0) throw new TableError(`${file}: every run diverged (${diverged.length} runs); nothing to fit`);
    throw new TableError(`${file}: empty file (expected CSV with a header row, sweep JSON Lines or a run JSON)`);
  }
  // Rows in run-id order, whatever order the lines were written in (`sweep --jobs` writes them as
  // runs finish): a fit whose optimum is flat stops where its search stops, and that must not
  // depend on the file's line order.
  runs.sort((a, b) => a.id - b.id || a.line - b.line);
  diverged.sort((a, b) => a - b);
  for (const run of runs)
    for (const key of Object.keys(run.overrides)) {
      if (!overrideSeen.has(key)) {
        overrideSeen.add(key);
        overrideKeys.push(key);
      }
    }
  const duplicates = [...linesOf].filter(([, ls]) => ls.length > 1).map(([id, ls]) => ({ id, lines: ls }));
  return tableOfRuns(runs, diverged, file, "jsonl", opts, overrideKeys, duplicates);
}

function tableOfRuns(
  runs: Run[], diverged: number[], file: string, format: "jsonl" | "run", opts: ParseOptions, overrideKeys: string[],
  duplicates: ParseResult["duplicates"] = [],
): ParseResult {
  const extra = overrideKeys.filter((k) => !DERIVED.includes(k));
  const columns = format === "run" ? ["N", "D", "step", "loss"] : [...DERIVED, ...extra];
  const cells = new Map<string, Cell[]>(columns.map((c) => [c, []]));
  const colN = cells.get("N")!, colD = cells.get("D")!, colStep = cells.get("step")!, colLoss = cells.get("loss")!;
  const colId = cells.get("id") ?? [];
  const colExtra = extra.map((k) => cells.get(k) ?? []);
  const rowRun: number[] = [];
  let droppedStepZero = 0;
  runs.forEach((run, r) => {
    const from = opts.final ? Math.max(0, run.t.length - 1) : 0;
    for (let k = from; k < run.t.length; k++) {
      const t = run.t[k];
      if (t === 0) {
        droppedStepZero++;
        continue;
      }
      const step = typeof t === "number" ? t : null;
      const loss = run.loss[k];
      colN.push(run.N);
      colD.push(step !== null && run.batch !== null ? step * run.batch : null);
      colStep.push(step);
      colLoss.push(typeof loss === "number" ? loss : null);
      if (format === "jsonl") {
        colId.push(run.id);
        for (let j = 0; j < extra.length; j++) colExtra[j].push(overrideCell(run.overrides[extra[j]]));
      }
      rowRun.push(r);
    }
  });
  const hints = new Map<string, string | ((origin: number) => string)>([
    ["N", "N is config.params (a network's parameter count, summary.parameters; overrides.params when a line carries no config)"],
    ["D", (i: number) => {
      if (colStep[i] === null) return "D = step x batch, and trace.t is not a number here";
      return `D = step x batch, and ${runs[rowRun[i]].noBatch}; give the batch size with --batch B`;
    }],
    ["step", "trace.t has a value that is not a number here"],
    ["loss", "trace.loss has null here (a NaN or infinite loss)"],
  ]);
  const length = rowRun.length;
  const table: Table = {
    file, format, columns, cells, hints, length,
    origin: Array.from({ length }, (_, i) => i),
    runOf: Int32Array.from(rowRun),
    noBatch: runs.find((r) => r.batch === null)?.noBatch,
    locate: (o: number) => {
      const run = runs[rowRun[o]];
      const s = colStep[o];
      return format === "run" ? `${file} (step ${s})` : `${file}:${run.line} (run ${run.id}, step ${s === null ? "?" : s})`;
    },
  };
  return { table, droppedStepZero, diverged, duplicates, notes: [] };
}

/** Does column `name` have at least one numeric value? */
export function hasNumbers(t: Table, name: string): boolean {
  const col = t.cells.get(name);
  return !!col && col.some((v) => typeof v === "number");
}

// ---------------------------------------------------------------------------------------------
// Columns

/** The columns, comma-separated, for messages. */
export function listColumns(t: Table): string {
  return t.columns.join(", ");
}

/** Throw unless `name` is a column; the message lists the columns and, given `suggest`, the closest. */
export function requireColumn(t: Table, name: string, purpose: string, suggest?: (w: string, c: readonly string[]) => string): void {
  if (t.cells.has(name)) return;
  const hint = suggest ? suggest(name, t.columns) : "";
  throw new TableError(`${purpose}: no column "${name}" in ${t.file} (columns: ${listColumns(t)})${hint}`);
}

/** The values of a column as numbers; throws on a text or empty cell (file:line, column). */
export function numericColumn(t: Table, name: string, purpose = ""): Float64Array {
  const col = t.cells.get(name);
  if (!col) throw new TableError(`no column "${name}" in ${t.file}; columns: ${listColumns(t)}`);
  const out = new Float64Array(t.length);
  const why = purpose ? ` (${purpose})` : "";
  for (let i = 0; i < t.length; i++) {
    const v = col[i];
    if (typeof v === "number") {
      out[i] = v;
      continue;
    }
    if (v === null) {
      const h = t.hints.get(name);
      const hint = typeof h === "function" ? h(t.origin[i]) : h;
      throw new TableError(`${whereOf(t, i)}: column "${name}" has no value${why}${hint ? `; ${hint}` : ""}`);
    }
    throw new TableError(`${whereOf(t, i)}: column "${name}": ${JSON.stringify(v)} is not a number${why}`);
  }
  return out;
}

/** The rows `idx` (in that order) as a new table. */
export function selectRows(t: Table, idx: readonly number[]): Table {
  const cells = new Map<string, Cell[]>();
  for (const [k, col] of t.cells) cells.set(k, idx.map((i) => col[i]));
  return { ...t, cells, origin: idx.map((i) => t.origin[i]), length: idx.length };
}

// ---------------------------------------------------------------------------------------------
// --where

export type WhereOp = "=" | "!=" | "<" | "<=" | ">" | ">=";

export interface WhereClause {
  key: string;
  op: WhereOp;
  /** The value as written. */
  value: string;
  /** The value as a number, when it reads as one. */
  num: number | null;
  /** A list or mapping value (`k=[0.9, 0.1]`) as canonical JSON, compared with such cells as values. */
  canon: string | null;
  /** The expression as written, for messages. */
  text: string;
}

/** Parse "KEY=VALUE", "KEY<VALUE", "KEY<=VALUE", "KEY>VALUE", "KEY>=VALUE", "KEY!=VALUE" ("==" also). */
export function parseWhere(expr: string, flag = "--where"): WhereClause {
  const m = /^\s*([^<>=!\s][^<>=!]*?)\s*(==|!=|<=|>=|=|<|>)\s*(.*?)\s*$/.exec(expr);
  const form = "expected KEY=VALUE, KEY!=VALUE, KEY<VALUE, KEY<=VALUE, KEY>VALUE or KEY>=VALUE";
  if (!m) throw new TableError(`${flag} ${JSON.stringify(expr)}: ${form}`);
  const [, key, rawOp, value] = m;
  if (value === "") throw new TableError(`${flag} ${JSON.stringify(expr)}: no value after "${rawOp}"; ${form}`);
  if (/^(==|!=|<=|>=|=|<|>)/.test(value)) throw new TableError(`${flag} ${JSON.stringify(expr)}: bad operator; ${form}`);
  const op = (rawOp === "==" ? "=" : rawOp) as WhereOp;
  const cell = csvCell(value);
  const num = typeof cell === "number" && !Number.isNaN(cell) ? cell : null;
  if (num === null && op !== "=" && op !== "!=") {
    throw new TableError(`${flag} ${JSON.stringify(expr)}: "${value}" is not a number, and ${op} compares numbers`);
  }
  let canon: string | null = null;
  if (/^[[{]/.test(value)) {
    try {
      const v: unknown = parseYaml(value);
      if (v !== null && typeof v === "object") canon = canonicalJson(v);
    } catch {
      // not YAML: compared as text
    }
  }
  return { key, op, value, num, canon, text: expr.trim() };
}

function compare(op: WhereOp, a: number, b: number): boolean {
  switch (op) {
    case "=": return a === b;
    case "!=": return a !== b;
    case "<": return a < b;
    case "<=": return a <= b;
    case ">": return a > b;
    case ">=": return a >= b;
  }
}

/** Does the cell satisfy the clause? (No value never matches.) Numbers compare numerically. */
function matches(c: WhereClause, v: Cell, t: Table, i: number): boolean {
  if (v === null) return false;
  if (typeof v === "number") {
    if (c.num !== null) return compare(c.op, v, c.num);
    return c.op === "!="; // a number is never equal to a non-numeric value
  }
  const want = c.canon ?? c.value;
  if (c.op === "=") return v === want;
  if (c.op === "!=") return v !== want;
  throw new TableError(`${whereOf(t, i)}: column "${c.key}": ${JSON.stringify(v)} is not a number (--where ${c.text})`);
}

/** "from 1.9 to 5" for a numeric column, for "matches nothing" messages. */
function rangeOf(t: Table, key: string): string {
  const col = t.cells.get(key)!;
  let lo = Infinity, hi = -Infinity, k = 0;
  const text = new Set<string>();
  for (const v of col) {
    if (typeof v === "number" && !Number.isNaN(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      k++;
    } else if (typeof v === "string" && text.size < 6) text.add(v);
  }
  const parts: string[] = [];
  const short = (v: number) => String(Number(v.toPrecision(6)));
  if (k > 0) parts.push(lo === hi ? `${key} is ${short(lo)}` : `${key} goes from ${short(lo)} to ${short(hi)}`);
  if (text.size > 0) parts.push(`values such as ${[...text].map((s) => JSON.stringify(s)).join(", ")}`);
  return parts.length ? ` (${parts.join("; ")})` : ` (${key} has no values)`;
}

/**
 * Keep the rows matching every clause, applied in order; a clause that leaves no row is an
 * error saying which one. Unknown keys are errors (listing the columns, via `suggest`).
 */
export function applyWhere(t: Table, clauses: readonly WhereClause[], suggest?: (w: string, c: readonly string[]) => string): Table {
  for (const c of clauses) requireColumn(t, c.key, `--where ${c.text}`, suggest);
  let cur = t;
  clauses.forEach((c, j) => {
    const col = cur.cells.get(c.key)!;
    const keep: number[] = [];
    for (let i = 0; i < cur.length; i++) if (matches(c, col[i], cur, i)) keep.push(i);
    if (keep.length === 0) {
      const before = j === 0 ? `the ${cur.length} rows` : `the ${cur.length} rows left by --where ${clauses.slice(0, j).map((p) => p.text).join(" --where ")}`;
      throw new TableError(`--where ${c.text} matches none of ${before}${rangeOf(cur, c.key)}`);
    }
    cur = keep.length === cur.length ? cur : selectRows(cur, keep);
  });
  return cur;
}

// ---------------------------------------------------------------------------------------------
// --by

export interface Group {
  /** The column's value for this group (a number when the column is numeric there). */
  value: number | string;
  table: Table;
}

/** Split by the distinct values of `key`: numbers ascending, then text in first-seen order. */
export function groupBy(t: Table, key: string, suggest?: (w: string, c: readonly string[]) => string): Group[] {
  requireColumn(t, key, `--by ${key}`, suggest);
  const col = t.cells.get(key)!;
  const order: (number | string)[] = [];
  const rows = new Map<number | string, number[]>();
  for (let i = 0; i < t.length; i++) {
    const v = col[i];
    if (v === null) throw new TableError(`${whereOf(t, i)}: column "${key}" has no value (--by ${key})`);
    // NaN is its own group; Map treats NaN keys as equal.
    let list = rows.get(v);
    if (!list) {
      list = [];
      rows.set(v, list);
      order.push(v);
    }
    list.push(i);
  }
  const nums = order.filter((v): v is number => typeof v === "number").sort((a, b) => a - b);
  const texts = order.filter((v): v is string => typeof v === "string");
  return [...nums, ...texts].map((value) => ({ value, table: selectRows(t, rows.get(value)!) }));
}

/**
 * Split the rows into those matching every clause (--holdout: left out of the fit) and the
 * rest. A clause list that matches no row is an error naming it.
 */
export function partitionWhere(
  t: Table,
  clauses: readonly WhereClause[],
  flag = "--holdout",
  suggest?: (w: string, c: readonly string[]) => string,
): { matched: Table; rest: Table } {
  for (const c of clauses) requireColumn(t, c.key, `${flag} ${c.text}`, suggest);
  const cols = clauses.map((c) => t.cells.get(c.key)!);
  const inside: number[] = [], outside: number[] = [];
  for (let i = 0; i < t.length; i++) {
    let all = true;
    for (let j = 0; j < clauses.length && all; j++) all = matches(clauses[j], cols[j][i], t, i);
    (all ? inside : outside).push(i);
  }
  return { matched: selectRows(t, inside), rest: selectRows(t, outside) };
}

/** Rows grouped by the run (sweep line) they come from: clusters for a bootstrap by run. */
export function runClusters(t: Table): Int32Array[] | null {
  if (!t.runOf) return null;
  const byRun = new Map<number, number[]>();
  for (let i = 0; i < t.length; i++) {
    const r = t.runOf[t.origin[i]];
    let list = byRun.get(r);
    if (!list) byRun.set(r, (list = []));
    list.push(i);
  }
  return [...byRun.values()].map((v) => Int32Array.from(v));
}

