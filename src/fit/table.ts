/**
 * The table `skillsim fit` works on: named columns of cells (numbers, text or no value), with
 * each row's origin ("file:line") for messages, and the column reads a fit needs (a column by
 * name, as numbers; rows selected; rows clustered by run). Read from files by ./input.ts;
 * filtered (--where, --holdout) and grouped (--by) by ./select.ts.
 */
import { InputError } from "../errors.js";

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
