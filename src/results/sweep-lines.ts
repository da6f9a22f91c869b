/**
 * Sweep JSON Lines, the output of `skillsim sweep`: one run per line (see sweep/worker.ts for
 * the fields). The one reader: lines streamed from a file of any size (forEachLine) or split
 * from text (sweepLines), each checked by readSweepLine, so merge, resume, fit, table, check and
 * the sweep figure word every error the same way. Lines written before sweep lines carried
 * `summary` and `domino` are read as they are (those fields are absent).
 */
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { fsReason } from "../fs-errors.js";
import { ResultsError } from "./errors.js";

/** The fields every sweep line has; the rest of the record is passed through as parsed. */
export interface SweepLine {
  id: number;
  overrides: Record<string, unknown>;
  config_hash?: string;
  /** A diverged run's message (then there is no final, skills or trace). */
  error?: string;
  [field: string]: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Parse and check one line (`where` is file:line; `terminated`: a "\n" ended it, false only for
 * a last line cut short). `needHash`: the line must carry config_hash (merge and resume check it).
 */
export function readSweepLine(text: string, where: string, terminated = true, needHash = false): SweepLine {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    if (!terminated) throw new ResultsError(`${where}: incomplete last line, left by an interrupted sweep; \`skillsim sweep --resume\` drops it`);
    throw new ResultsError(`${where}: not a JSON line; sweep outputs have one JSON object per line`);
  }
  return checkSweepLine(v, where, needHash);
}

/** Check a parsed line as readSweepLine does (for a caller that has parsed it already). */
export function checkSweepLine(v: unknown, where: string, needHash = false): SweepLine {
  if (!isObject(v)) throw new ResultsError(`${where}: not a sweep result (expected a JSON object per line)`);
  if (!Number.isSafeInteger(v.id) || (v.id as number) < 0) throw new ResultsError(`${where}: no run "id" (a whole number >= 0); is this the output of \`skillsim sweep\`?`);
  if (needHash && typeof v.config_hash !== "string") throw new ResultsError(`${where}: run ${v.id} has no "config_hash"; is this the output of \`skillsim sweep\`?`);
  if (!isObject(v.overrides)) throw new ResultsError(`${where}: run ${v.id} has no "overrides" object; is this the output of \`skillsim sweep\`?`);
  return v as SweepLine;
}

/**
 * Whether the first non-blank line of `text` is a sweep line: for a reader that was given a
 * sweep's output where it expects another format, to say so rather than "not JSON".
 */
export function startsWithSweepLine(text: string): boolean {
  const first = text.replace(/^\uFEFF/, "").split("\n").find((l) => l.trim() !== "");
  if (first === undefined) return false;
  try {
    readSweepLine(first, "", true);
    return true;
  } catch {
    return false;
  }
}

/** The non-blank lines of a sweep output held as text, checked, with their 1-based numbers. */
export function sweepLines(text: string, file: string): { line: number; value: SweepLine }[] {
  return [...eachSweepLine(text, file)];
}

/**
 * sweepLines one line at a time: each line is checked when it is reached, so a reader that
 * checks more of each line says what is wrong with the first bad line, whichever check finds it.
 */
export function* eachSweepLine(text: string, file: string): Generator<{ line: number; value: SweepLine }> {
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  for (let k = 0; k < lines.length; k++) {
    if (lines[k].trim() === "") continue;
    const terminated = k < lines.length - 1;
    yield { line: k + 1, value: readSweepLine(lines[k], `${file}:${k + 1}`, terminated) };
  }
}

/** Open a file for reading, or a ResultsError saying why not. */
export function openForReading(path: string, what = "sweep output"): number {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new ResultsError(`${path}: cannot read ${what}: ${fsReason(e)}`);
  }
  if (st.isDirectory()) throw new ResultsError(`${path}: is a directory, expected a ${what} (JSON Lines)`);
  if (!st.isFile()) throw new ResultsError(`${path}: not a regular file; merge reads its inputs twice, so save a stream to a file first`);
  try {
    return openSync(path, "r");
  } catch (e) {
    throw new ResultsError(`${path}: cannot read ${what}: ${fsReason(e)}`);
  }
}

/**
 * Call `cb` for each line of a file (without its "\n"; a trailing "\r" is kept), with its
 * 1-based number, byte offset, and whether a "\n" ended it (false only for a last partial line).
 * Reads in 1 MiB chunks, so files of any size work.
 */
export function forEachLine(path: string, cb: (line: Buffer, lineNo: number, offset: number, terminated: boolean) => void): void {
  const fd = openForReading(path);
  try {
    const CHUNK = 1 << 20;
    const buf = Buffer.allocUnsafe(CHUNK);
    let carry = Buffer.alloc(0);
    let carryOffset = 0; // file offset of carry[0]
    let pos = 0;
    let lineNo = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, pos);
      if (n === 0) break;
      pos += n;
      const data = carry.length > 0 ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
      let start = 0;
      for (let nl = data.indexOf(10, start); nl >= 0; nl = data.indexOf(10, start)) {
        cb(data.subarray(start, nl), ++lineNo, carryOffset + start, true);
        start = nl + 1;
      }
      carry = Buffer.from(data.subarray(start)); // a copy: buf is reused
      carryOffset += start;
    }
    if (carry.length > 0) cb(carry, ++lineNo, carryOffset, false);
  } finally {
    closeSync(fd);
  }
}
