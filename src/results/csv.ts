/**
 * CSV: read with papaparse (RFC 4180 quoting, CRLF, `#` comment lines), and one number reader
 * for every CSV skillsim reads (fit's data, calibrate's curves, a config's vectors and init
 * files): plain decimal numbers only, so `0x10`, `0b11`, `0o7`, `1_000` and `Infinity` are text,
 * never 16, 3, 7 or 1000 as JavaScript's Number() would read them.
 */
import Papa from "papaparse";
import { ResultsError } from "./errors.js";
import { shorten } from "../config/errors.js";

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL: Record<string, number> = {
  inf: Infinity, "+inf": Infinity, "-inf": -Infinity, infinity: Infinity, "+infinity": Infinity, "-infinity": -Infinity, nan: NaN,
};

/** A decimal number written as text ("1", "-2.5e3", ".5", surrounding spaces allowed), else null. */
export function csvNumber(s: string): number | null {
  const t = s.trim();
  return NUMBER_RE.test(t) ? Number(t) : null;
}

/** A CSV cell: a number when it reads as one (inf, -inf and nan by name too), null when empty, else the text. */
export function csvCell(s: string): number | string | null {
  const t = s.trim();
  if (t === "") return null;
  if (NUMBER_RE.test(t)) return Number(t);
  const special = SPECIAL[t.toLowerCase()];
  return special !== undefined ? special : t;
}

/** Line numbers (1-based) of character offsets in `text`, via a newline index built on first use. */
export function lineFinder(text: string): (offset: number) => number {
  let nl: Int32Array | null = null;
  return (offset: number) => {
    if (!nl) {
      let count = 0;
      for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) count++;
      nl = new Int32Array(count);
      let k = 0;
      for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) nl[k++] = i;
    }
    let lo = 0, hi = nl.length; // number of newlines before offset
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (nl[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}

/** Newlines inside a papaparse record's quoted cells (a last cell may end with the line's own newline when line endings are mixed). */
export function newlinesInCells(cells: string[]): number {
  let nl = 0;
  for (let j = 0; j < cells.length; j++) {
    const c = j === cells.length - 1 ? cells[j].replace(/[\r\n]+$/, "") : cells[j];
    if (c.indexOf("\n") >= 0) nl += c.split("\n").length - 1;
  }
  return nl;
}

/** One record of csvStream: its cells (as papaparse gives them), the offset just past it, the newlines inside its quoted cells. */
export interface CsvRecord { cells: string[]; cursor: number; innerNewlines: number }

/**
 * Stream the records of CSV text (blank and `#` lines skipped) to `onRecord`, which returns
 * false to stop; the separator is detected among `delimiters` and returned. A quote never
 * closed, or text after a closing quote, is a ResultsError naming file:line (`lineAt`: the
 * text's lineFinder).
 */
export function csvStream(text: string, file: string, delimiters: string[], lineAt: (offset: number) => number, onRecord: (r: CsvRecord) => boolean | void): string {
  let failure: ResultsError | null = null;
  let delimiter = delimiters[0];
  Papa.parse<string[]>(text, {
    comments: "#",
    skipEmptyLines: "greedy",
    delimitersToGuess: delimiters,
    step: (res, parser) => {
      const e = res.errors.find((x) => x.type === "Quotes");
      if (e) {
        const at = lineAt(e.index ?? res.meta.cursor);
        failure = new ResultsError(e.code === "MissingQuotes" ? `${file}:${at}: a quoted cell is never closed` : `${file}:${at}: unexpected text after a quoted cell`);
        parser.abort();
        return;
      }
      delimiter = res.meta.delimiter;
      if (onRecord({ cells: res.data, cursor: res.meta.cursor, innerNewlines: newlinesInCells(res.data) }) === false) parser.abort();
    },
  });
  if (failure) throw failure;
  return delimiter;
}

/**
 * The records of comma-separated text with the line each starts on (blank and `#` lines
 * skipped; cells trimmed). A quote never closed is a ResultsError naming file:line.
 */
export function csvRecords(raw: string, file: string): { line: number; cells: string[] }[] {
  const text = raw.replace(/^\uFEFF/, "");
  const lineAt = lineFinder(text);
  const out: { line: number; cells: string[] }[] = [];
  let failure: ResultsError | null = null;
  Papa.parse<string[]>(text, {
    delimiter: ",",
    comments: "#",
    skipEmptyLines: "greedy",
    step: (res, parser) => {
      const e = res.errors.find((x) => x.type === "Quotes");
      if (e) {
        failure = new ResultsError(`${file}:${lineAt(e.index ?? res.meta.cursor)}: a quoted cell is never closed`);
        parser.abort();
        return;
      }
      // The line the record ends on, less the newlines inside its quoted cells.
      const cells = res.data;
      out.push({ line: lineAt(res.meta.cursor - 1) - newlinesInCells(cells), cells: cells.map((c) => c.trim()) });
    },
  });
  if (failure) throw failure;
  return out;
}

/**
 * Numbers from CSV text: one row per line, values separated by commas and/or whitespace
 * (a whitespace-separated matrix, as NumPy's savetxt writes, is not CSV, so papaparse cannot
 * split it); each value read by csvNumber (`0x10` is refused);
 * blank lines and lines starting with # are skipped. Throws "LINE: message" on the first
 * thing that is not a finite number, and on rows of unequal length.
 */
export function parseNumberCsv(text: string): { rows: number[][]; lines: number[] } {
  const rows: number[][] = [];
  const lines: number[] = [];
  const all = text.split(/\r?\n/);
  for (let l = 0; l < all.length; l++) {
    const line = all[l].trim();
    if (line === "" || line.startsWith("#")) continue;
    const cells = line.split(/\s*,\s*|\s+/);
    const row = new Array<number>(cells.length);
    for (let k = 0; k < cells.length; k++) {
      const c = cells[k];
      const x = csvNumber(c) ?? NaN;
      if (!Number.isFinite(x)) throw new Error(`${l + 1}: entry ${k + 1} ${JSON.stringify(shorten(c))} is not a finite number`);
      row[k] = x;
    }
    if (rows.length > 0 && row.length !== rows[0].length)
      throw new Error(`${l + 1}: this row has ${row.length} numbers but the first row (line ${lines[0]}) has ${rows[0].length}`);
    rows.push(row);
    lines.push(l + 1);
  }
  if (rows.length === 0) throw new Error("1: the file has no numbers");
  return { rows, lines };
}
