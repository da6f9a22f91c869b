/**
 * Reading a command's text inputs (a file, a pipe or standard input), bounded in size and
 * refusing binary and invalid UTF-8, every failure one CliError naming the file.
 */
import { fsReason } from "../fs-errors.js";
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { CliError } from "./errors.js";

/** The path that means standard input, and the name errors give it. */
export const STDIN = "-";
export const STDIN_NAME = "<stdin>";

/** How errors name an input: `<stdin>` for "-", else the path as given. */
export function inputName(path: string): string {
  return path === STDIN ? STDIN_NAME : path;
}

/** Read a text input file ("-": standard input), turning every failure into one clear CliError. */
export function readTextFile(path: string, what = "file"): string {
  if (path === STDIN) return readStdin(what);
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new CliError(`${path}: cannot read ${what}: ${fsReason(e)}`);
  }
  if (st.isDirectory()) throw new CliError(`${path}: is a directory, expected a ${what}`);
  // Regular files and pipes (`<(...)`, /dev/stdin from a pipe) only: a device such as /dev/zero never ends.
  if (!st.isFile() && !st.isFIFO()) throw new CliError(`${path}: is a device or socket, not a regular file or a pipe; expected the ${what}`);
  if (st.size > MAX_INPUT_BYTES) throw new CliError(`${path}: ${what} is ${Math.round(st.size / 2 ** 20)} MiB, too large to be a skillsim input`);
  return decodeText(readBounded(path, path, what), path, what);
}

/** Standard input as text (`skillsim init geometry | skillsim run -`); errors name `<stdin>`. */
function readStdin(what: string): string {
  if (process.stdin.isTTY) process.stderr.write(`skillsim: reading the ${what} from standard input (end it with Ctrl-D)\n`);
  return decodeText(readBounded(0, STDIN_NAME, what), STDIN_NAME, what);
}

/** Bytes -> text: refuses binary (a NUL byte) and invalid UTF-8, naming path:line:col. */
function decodeText(buf: Buffer, path: string, what: string): string {
  const nul = buf.indexOf(0);
  if (nul >= 0) throw new CliError(`${position(path, buf, nul)}: this is a binary file (a NUL byte here), not a text ${what}`);
  const text = buf.toString("utf8");
  const bad = text.indexOf("\uFFFD");
  if (bad >= 0) {
    // Locate the first invalid byte (a U+FFFD spelled out in the file itself is fine).
    const at = firstInvalidUtf8(buf);
    if (at >= 0) throw new CliError(`${position(path, buf, at)}: not valid UTF-8 text`);
  }
  return text;
}

/** Inputs larger than this are refused (no config or result is anywhere near it). */
const MAX_INPUT_BYTES = 512 * 1024 * 1024;

/**
 * Read a whole file or pipe (or fd 0) named `name`, refusing more than MAX_INPUT_BYTES (a pipe
 * has no size to check first). A failure is one CliError: `name: cannot read what: reason`.
 */
function readBounded(path: string | 0, name: string, what: string): Buffer {
  const cannotRead = (e: unknown) => new CliError(`${name}: cannot read ${what}: ${fsReason(e)}`);
  let fd: number;
  try {
    fd = path === 0 ? 0 : openSync(path, "r");
  } catch (e) {
    throw cannotRead(e);
  }
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(1 << 20);
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        // A non-blocking stdin pipe with nothing in it yet: wait a little and try again.
        if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw cannotRead(e);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      if (n === 0) break;
      total += n;
      if (total > MAX_INPUT_BYTES) throw new CliError(`${name}: more than ${MAX_INPUT_BYTES / 2 ** 20} MiB, too large to be a skillsim input`);
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, total);
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}

/** "path:line:col" of byte offset `at` (col counts characters, as editors do). */
function position(path: string, buf: Buffer, at: number): string {
  const before = buf.subarray(0, at);
  const nl = before.lastIndexOf(10);
  const line = before.reduce((k, b) => k + (b === 10 ? 1 : 0), 1);
  const col = buf.subarray(nl + 1, at).toString("utf8").length + 1;
  return `${path}:${line}:${col}`;
}

/** Byte offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
function firstInvalidUtf8(buf: Buffer): number {
  for (let i = 0; i < buf.length; ) {
    const b = buf[i];
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > buf.length) return i;
    for (let k = 1; k < len; k++) if ((buf[i + k] & 0xc0) !== 0x80) return i;
    const cp = len === 3 ? ((b & 0x0f) << 12) | ((buf[i + 1] & 0x3f) << 6) : len === 4 ? ((b & 0x07) << 18) | ((buf[i + 1] & 0x3f) << 12) : 0x80;
    if ((len === 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (len === 4 && (cp < 0x10000 || cp > 0x10ffff))) return i;
    i += len;
  }
  return -1;
}
