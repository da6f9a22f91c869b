/**
 * Reading the input of `skillsim fit` into a table of named columns (./table.ts): from CSV text
 * (header row), from the JSON Lines of `skillsim sweep` or from one `skillsim run --json`
 * document; ./select.ts filters (--where) and groups (--by) it. Pure: text in, plain
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
import { checkRunJson, canonicalJson, csvCell, csvStream, lineFinder, runJsonDocument, eachSweepLine, type RunJson } from "../results/index.js";
import { TableError, type Cell, type Table } from "./table.js";

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
