/**
 * Tables of named columns for `skillsim fit`: parsed from CSV text (header row) or from the
 * JSON Lines of `skillsim sweep`, then filtered (--where), grouped (--by) and read as numeric
 * columns for a fit. Pure: text in, plain objects out; every problem is a TableError whose
 * message names the file and line ("runs.jsonl:12: ...").
 *
 * CSV: RFC 4180 (quoted cells, "" escapes, CRLF), blank lines skipped, a UTF-8 BOM ignored.
 * A cell is a number when it reads as a decimal number (also inf/nan), else text; an empty
 * cell has no value. Nothing is required of a column until it is used: `numericColumn`
 * rejects text and empty cells, naming file:line and column.
 *
 * Sweep JSON Lines: every recorded point (trace.t[k], trace.loss[k]) of every run is a row
 * with columns
 *   N     config.params (overrides.params when the line carries no config)
 *   D     step x batch (config.batch; overrides.batch or the `batch` option without config)
 *   step  trace.t[k]
 *   loss  trace.loss[k]
 *   id    the run id
 * and every override by its dotted key ("params", "seed", "skills.frequencies.zipf", ...).
 * Points at step 0 are dropped (D = 0; logs are taken) and counted; `final` keeps only each
 * run's last recorded point. Runs that diverged (an "error" instead of results) are skipped
 * and listed.
 */

/** A cell: a number, text (CSV text, non-numeric overrides), or null (no value). */
export type Cell = number | string | null;

export interface Table {
  /** File name, for messages. */
  file: string;
  format: "csv" | "jsonl";
  /** Column names in order (header order; for sweeps N, D, step, loss, id, then the overrides). */
  columns: string[];
  /** Column name -> one cell per row. */
  cells: Map<string, Cell[]>;
  /** Per row: where it came from ("file:line", plus run and step for sweeps). */
  where: string[];
  /** Column name -> why a row may have no value there (appended to "no value" errors); a
   * function gets the row's `origin`. */
  hints: Map<string, string | ((origin: number) => string)>;
  /** Per row: its index in the table as parsed (kept through selectRows). */
  origin: number[];
  /** Number of rows. */
  length: number;
}

/** Bad input or a bad request on the table: one line, naming file:line where it can. */
export class TableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TableError";
  }
}

export interface ParseOptions {
  /** Sweep JSON Lines: keep only each run's last recorded point. */
  final?: boolean;
  /** Sweep JSON Lines: batch size for D = step x batch when a line carries no config. */
  batch?: number;
}

export interface ParseResult {
  table: Table;
  /** Points dropped because their step is 0 (sweep JSON Lines). */
  droppedStepZero: number;
  /** Ids of runs that diverged (lines with "error"), skipped (sweep JSON Lines). */
  diverged: number[];
}

/** "jsonl" when the first non-blank character is "{", "empty" when there is none, else "csv". */
export function detectFormat(text: string): "csv" | "jsonl" | "empty" {
  const m = /[^\s\uFEFF]/.exec(text);
  if (!m) return "empty";
  return m[0] === "{" ? "jsonl" : "csv";
}

/** Parse CSV or sweep JSON Lines text (format detected from the content). */
export function parseTable(text: string, file: string, opts: ParseOptions = {}): ParseResult {
  const format = detectFormat(text);
  if (format === "empty") throw new TableError(`${file}: empty file (expected CSV with a header row, or sweep JSON Lines)`);
  if (format === "jsonl") return parseSweepJsonl(text, file, opts);
  if (opts.final) throw new TableError(`--final applies to sweep JSON Lines (one run per line); ${file} is CSV`);
  if (opts.batch !== undefined) throw new TableError(`--batch applies to sweep JSON Lines (D = step x batch); ${file} is CSV`);
  return { table: parseCsv(text, file), droppedStepZero: 0, diverged: [] };
}

// ---------------------------------------------------------------------------------------------
// CSV

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL: Record<string, number> = {
  inf: Infinity, "+inf": Infinity, "-inf": -Infinity, infinity: Infinity, "+infinity": Infinity, "-infinity": -Infinity, nan: NaN,
};

/** A CSV cell as a Cell: number when it reads as one, null when empty, else the text. */
export function csvCell(s: string): Cell {
  const t = s.trim();
  if (t === "") return null;
  if (NUMBER_RE.test(t)) return Number(t);
  const special = SPECIAL[t.toLowerCase()];
  return special !== undefined ? special : t;
}

interface CsvRecord { line: number; cells: string[] }

/** Split CSV text into records (RFC 4180 quoting), each with the line it starts on. */
function csvRecords(text: string, file: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = "";
  let line = 1;
  let start = 1;
  let i = 0;
  const n = text.length;
  let quotedCell = false;
  const endCell = () => {
    cells.push(cell);
    cell = "";
    quotedCell = false;
  };
  const endRecord = () => {
    endCell();
    if (!(cells.length === 1 && cells[0].trim() === "")) out.push({ line: start, cells });
    cells = [];
  };
  while (i < n) {
    const c = text[i];
    if (c === '"' && cell.trim() === "" && !quotedCell) {
      // A quoted cell: read to the closing quote.
      const open = line;
      cell = "";
      quotedCell = true;
      i++;
      for (;;) {
        if (i >= n) throw new TableError(`${file}:${open}: a quoted cell is never closed`);
        const d = text[i];
        if (d === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (d === "\n") line++;
        cell += d;
        i++;
      }
      // Only spaces may follow the closing quote before the separator.
      while (i < n && (text[i] === " " || text[i] === "\t")) i++;
      if (i < n && text[i] !== "," && text[i] !== "\n" && text[i] !== "\r") {
        throw new TableError(`${file}:${line}: unexpected text after a quoted cell`);
      }
      continue;
    }
    if (c === ",") {
      endCell();
      i++;
    } else if (c === "\n" || c === "\r") {
      endRecord();
      if (c === "\r" && text[i + 1] === "\n") i++;
      i++;
      line++;
      start = line;
    } else {
      cell += c;
      i++;
    }
  }
  if (cell !== "" || cells.length > 0 || quotedCell) endRecord();
  return out;
}

function parseCsv(text: string, file: string): Table {
  const records = csvRecords(text.replace(/^\uFEFF/, ""), file);
  if (records.length === 0) throw new TableError(`${file}: empty file (expected CSV with a header row, or sweep JSON Lines)`);
  const head = records[0];
  const columns = head.cells.map((s) => s.trim());
  const seen = new Set<string>();
  columns.forEach((name, j) => {
    if (name === "") throw new TableError(`${file}:${head.line}: header cell ${j + 1} is empty; every column needs a name`);
    if (seen.has(name)) throw new TableError(`${file}:${head.line}: column "${name}" appears twice in the header`);
    seen.add(name);
  });
  if (records.length === 1) throw new TableError(`${file}: a header row but no data rows`);
  const cells = new Map<string, Cell[]>(columns.map((c) => [c, []]));
  const where: string[] = [];
  const cols = columns.map((c) => cells.get(c)!);
  for (let r = 1; r < records.length; r++) {
    const rec = records[r];
    if (rec.cells.length !== columns.length) {
      throw new TableError(`${file}:${rec.line}: ${rec.cells.length} cells, but the header has ${columns.length} columns`);
    }
    for (let j = 0; j < cols.length; j++) cols[j].push(csvCell(rec.cells[j]));
    where.push(`${file}:${rec.line}`);
  }
  return { file, format: "csv", columns, cells, where, hints: new Map(), origin: where.map((_, i) => i), length: where.length };
}

// ---------------------------------------------------------------------------------------------
// Sweep JSON Lines

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** An override value as a cell: numbers stay numbers, other values become text. */
function overrideCell(v: unknown): Cell {
  if (typeof v === "number") return v;
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v;
  return typeof v === "boolean" ? String(v) : JSON.stringify(v);
}

const DERIVED = ["N", "D", "step", "loss", "id"];

function parseSweepJsonl(text: string, file: string, opts: ParseOptions): ParseResult {
  if (opts.batch !== undefined && !(Number.isFinite(opts.batch) && opts.batch > 0)) {
    throw new TableError(`--batch must be a positive number, got ${opts.batch}`);
  }
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  const overrideKeys: string[] = [];
  const overrideSeen = new Set<string>();
  interface Run {
    where: string; id: number; N: number | null; batch: number | null; noBatch: string;
    overrides: Record<string, unknown>; t: unknown[]; loss: unknown[];
  }
  const runs: Run[] = [];
  const diverged: number[] = [];
  for (let k = 0; k < lines.length; k++) {
    const raw = lines[k];
    if (raw.trim() === "") continue;
    const at = `${file}:${k + 1}`;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch {
      const last = k === lines.length - 1 && !text.endsWith("\n");
      throw new TableError(`${at}: not a JSON line${last ? " (an incomplete last line? an interrupted sweep leaves one; `sweep --resume` drops it)" : ""}; sweep outputs have one JSON object per line`);
    }
    if (!isObject(v)) throw new TableError(`${at}: not a sweep result (expected a JSON object per line)`);
    const id = v.id;
    if (!Number.isSafeInteger(id) || (id as number) < 0) throw new TableError(`${at}: no run "id" (a whole number >= 0); is this the output of \`skillsim sweep\`?`);
    if (!isObject(v.overrides)) throw new TableError(`${at}: run ${id} has no "overrides" object; is this the output of \`skillsim sweep\`?`);
    if ("error" in v && !("trace" in v)) {
      diverged.push(id as number);
      continue;
    }
    const trace = v.trace;
    if (!isObject(trace) || !Array.isArray(trace.t) || !Array.isArray(trace.loss)) {
      throw new TableError(`${at}: run ${id} has no "trace" with "t" and "loss" arrays (is this \`sweep --dry-run\` output?)`);
    }
    if (trace.t.length !== trace.loss.length) {
      throw new TableError(`${at}: run ${id}: trace.t has ${trace.t.length} values but trace.loss has ${trace.loss.length}`);
    }
    const overrides = v.overrides;
    for (const key of Object.keys(overrides)) {
      if (!overrideSeen.has(key)) {
        overrideSeen.add(key);
        overrideKeys.push(key);
      }
    }
    const config = isObject(v.config) ? v.config : null;
    const N = config && typeof config.params === "number" ? config.params : typeof overrides.params === "number" ? overrides.params : null;
    let batch: number | null = null;
    let noBatch = "";
    if (config) {
      if (typeof config.batch === "number") batch = config.batch;
      else noBatch = config.batch === "full" ? `run ${id} has batch "full" in its config` : `run ${id}'s config has no batch`;
    } else if (typeof overrides.batch === "number") {
      batch = overrides.batch;
    } else {
      noBatch = `run ${id}'s line carries no "config", so no batch size`;
    }
    if (batch !== null && opts.batch !== undefined && batch !== opts.batch) {
      throw new TableError(`${at}: run ${id} has batch ${batch} but --batch is ${opts.batch}; drop --batch (the line's own batch is used)`);
    }
    if (batch === null && opts.batch !== undefined) batch = opts.batch;
    runs.push({ where: at, id: id as number, N, batch, noBatch, overrides, t: trace.t, loss: trace.loss });
  }
  if (runs.length === 0) {
    if (diverged.length > 0) throw new TableError(`${file}: every run diverged (${diverged.length} runs); nothing to fit`);
    throw new TableError(`${file}: empty file (expected CSV with a header row, or sweep JSON Lines)`);
  }

  const extra = overrideKeys.filter((k) => !DERIVED.includes(k));
  const columns = [...DERIVED, ...extra];
  const cells = new Map<string, Cell[]>(columns.map((c) => [c, []]));
  const colN = cells.get("N")!, colD = cells.get("D")!, colStep = cells.get("step")!, colLoss = cells.get("loss")!, colId = cells.get("id")!;
  const colExtra = extra.map((k) => cells.get(k)!);
  const where: string[] = [];
  const rowRun: Run[] = [];
  let droppedStepZero = 0;
  for (const run of runs) {
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
      colId.push(run.id);
      for (let j = 0; j < extra.length; j++) colExtra[j].push(overrideCell(run.overrides[extra[j]]));
      where.push(`${run.where} (run ${run.id}, step ${step === null ? String(t) : step})`);
      rowRun.push(run);
    }
  }
  const hints = new Map<string, string | ((origin: number) => string)>([
    ["N", "N is config.params (overrides.params when a line carries no config)"],
    ["D", (i: number) => {
      if (colStep[i] === null) return "D = step x batch, and trace.t is not a number here";
      return `D = step x batch, and ${rowRun[i].noBatch}; give the batch size with --batch B`;
    }],
    ["step", "trace.t has a value that is not a number here"],
    ["loss", "trace.loss has null here (a NaN or infinite loss)"],
  ]);
  const origin = where.map((_, i) => i);
  return { table: { file, format: "jsonl", columns, cells, where, hints, origin, length: where.length }, droppedStepZero, diverged };
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
      throw new TableError(`${t.where[i]}: column "${name}" has no value${why}${hint ? `; ${hint}` : ""}`);
    }
    throw new TableError(`${t.where[i]}: column "${name}": ${JSON.stringify(v)} is not a number${why}`);
  }
  return out;
}

/** The rows `idx` (in that order) as a new table. */
export function selectRows(t: Table, idx: readonly number[]): Table {
  const cells = new Map<string, Cell[]>();
  for (const [k, col] of t.cells) cells.set(k, idx.map((i) => col[i]));
  return { ...t, cells, where: idx.map((i) => t.where[i]), origin: idx.map((i) => t.origin[i]), length: idx.length };
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
  /** The expression as written, for messages. */
  text: string;
}

/** Parse "KEY=VALUE", "KEY<VALUE", "KEY<=VALUE", "KEY>VALUE", "KEY>=VALUE", "KEY!=VALUE" ("==" also). */
export function parseWhere(expr: string): WhereClause {
  const m = /^\s*([^<>=!\s][^<>=!]*?)\s*(==|!=|<=|>=|=|<|>)\s*(.*?)\s*$/.exec(expr);
  const form = "expected KEY=VALUE, KEY!=VALUE, KEY<VALUE, KEY<=VALUE, KEY>VALUE or KEY>=VALUE";
  if (!m) throw new TableError(`--where ${JSON.stringify(expr)}: ${form}`);
  const [, key, rawOp, value] = m;
  if (value === "") throw new TableError(`--where ${JSON.stringify(expr)}: no value after "${rawOp}"; ${form}`);
  if (/^(==|!=|<=|>=|=|<|>)/.test(value)) throw new TableError(`--where ${JSON.stringify(expr)}: bad operator; ${form}`);
  const op = (rawOp === "==" ? "=" : rawOp) as WhereOp;
  const cell = csvCell(value);
  const num = typeof cell === "number" && !Number.isNaN(cell) ? cell : null;
  if (num === null && op !== "=" && op !== "!=") {
    throw new TableError(`--where ${JSON.stringify(expr)}: "${value}" is not a number, and ${op} compares numbers`);
  }
  return { key, op, value, num, text: expr.trim() };
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
  if (c.op === "=") return v === c.value;
  if (c.op === "!=") return v !== c.value;
  throw new TableError(`${t.where[i]}: column "${c.key}": ${JSON.stringify(v)} is not a number (--where ${c.text})`);
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
    if (v === null) throw new TableError(`${t.where[i]}: column "${key}" has no value (--by ${key})`);
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
