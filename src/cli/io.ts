/**
 * The effectful edge: reading config files, writing results atomically, and deciding
 * whether stdout/stderr are terminals (colour and progress bars only there, never with NO_COLOR).
 */
import { fsReason } from "../fs-errors.js";
import { accessSync, closeSync, constants, fsyncSync, openSync, readSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { ConfigError } from "../config/errors.js";
import { InputError, RunError } from "../errors.js";
import type { Command } from "commander";
import { FIGURE_ENDINGS, figureFormat } from "../report/figure/formats.js";
import type { VlSpec } from "../report/figure/theme.js";

/** A bad command line or an input file that cannot be read: one line, exit code 2. */
export class CliError extends InputError {}

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

/** Any path that names the same file as another: [dev, ino] when it exists, else its resolved place. */
function identity(path: string): { key: string; exists: boolean; regular: boolean; isDir: boolean } | null {
  try {
    const st = statSync(path);
    return { key: `${st.dev}:${st.ino}`, exists: true, regular: st.isFile(), isDir: st.isDirectory() };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") return null;
    let dir = dirname(resolve(path));
    try {
      dir = realpathSync(dir);
    } catch {
      /* a missing directory is reported by checkOutputs */
    }
    return { key: join(dir, basename(path)), exists: false, regular: false, isDir: false };
  }
}

export interface NamedPath {
  /** How the user gave it: "--out", "--plot", "config", "input". */
  flag: string;
  path: string;
}

/**
 * Before any work starts: every output can be written (its directory exists and is
 * writable, it is not a directory), no output is one of the inputs (compared by device and
 * inode, so symlinks and hard links count) and no two outputs are the same file. Throws a
 * CliError (exit 2) naming the flag. Devices and pipes (/dev/null, /dev/stdout) are always fine.
 */
export function checkOutputs(inputs: NamedPath[], outputs: NamedPath[]): void {
  const seen = new Map<string, NamedPath & { input: boolean }>();
  for (const i of inputs) {
    if (i.path === STDIN) continue;
    const id = identity(i.path);
    if (id?.exists && id.regular && !seen.has(id.key)) seen.set(id.key, { ...i, input: true });
  }
  for (const o of outputs) {
    const say = `${o.flag} ${o.path}`;
    const id = identity(o.path);
    if (id === null) throw new CliError(`${say}: cannot write: ${fsReasonAt(o.path)}`);
    if (id.isDir) throw new CliError(`${say}: is a directory; give a file name`);
    if (id.exists && !id.regular) continue; // a device or a pipe: written directly
    const bad = unwritableDirectory(dirname(o.path));
    // An existing file is refused as "permission denied", whether its directory or itself is not writable.
    if (bad) throw new CliError(`${say}: cannot write: ${bad.denied && id.exists ? "permission denied" : bad.reason}`);
    if (id.exists) {
      try {
        accessSync(o.path, constants.W_OK);
      } catch {
        throw new CliError(`${say}: cannot write: permission denied`);
      }
    }
    const prev = seen.get(id.key);
    if (prev) {
      const which = prev.path === o.path ? "itself" : `${prev.path} (the same file under another name)`;
      throw new CliError(
        prev.input
          ? `${say}: is the ${prev.flag} file ${which}; writing it would destroy the input, so nothing was done`
          : `${say}: is the same file as ${prev.flag} ${prev.path}; give each output its own file`,
      );
    }
    seen.set(id.key, { ...o, input: false });
  }
}

/**
 * What a command reads and writes, declared where it is registered. main.ts checks every
 * command's declaration before its action runs (checkOutputs), so a command cannot write
 * without the checks; test/cli/outputs.test.ts enumerates the commander program and fails on
 * a command with no declaration or a file option that is neither an input nor an output.
 */
export interface IoDeclaration {
  /** What its positional arguments are called in messages ("config", "input", "data"), or null when they are not files. */
  args: string | null;
  /** Options (long flags) that name files the command reads. */
  inputs?: string[];
  /** Options (long flags) that name files the command writes. */
  outputs?: string[];
  /** False when, with these options, the command writes nothing (`sweep --dry-run`). */
  writes?: (opts: Record<string, unknown>) => boolean;
  /** Options that name a folder the command writes its files into (created when missing): it must
   * not be a file, and its parent must exist and be writable. */
  folders?: string[];
}

const declarations = new WeakMap<Command, IoDeclaration>();

/** Declare a command's inputs and outputs (returns the command, for chaining). */
export function declareIo(cmd: Command, io: IoDeclaration): Command {
  for (const flag of [...(io.inputs ?? []), ...(io.outputs ?? []), ...(io.folders ?? [])]) {
    if (!cmd.options.some((o) => o.long === flag)) throw new Error(`declareIo: ${cmd.name()} has no option ${flag}`);
  }
  declarations.set(cmd, io);
  return cmd;
}

export function ioDeclaration(cmd: Command): IoDeclaration | undefined {
  return declarations.get(cmd);
}

/** The paths `cmd` was given for its declared inputs and outputs, as parsed. */
export function declaredPaths(cmd: Command): { inputs: NamedPath[]; outputs: NamedPath[] } {
  const io = declarations.get(cmd);
  if (!io) throw new Error(`the command ${cmd.name()} declares no inputs and outputs (declareIo)`);
  const opts = cmd.opts() as Record<string, unknown>;
  const valueOf = (flag: string): string[] => {
    const o = cmd.options.find((x) => x.long === flag)!;
    const v = opts[o.attributeName()];
    return typeof v === "string" ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  };
  const inputs: NamedPath[] = [];
  if (io.args !== null) {
    for (const a of cmd.processedArgs as unknown[]) {
      for (const path of Array.isArray(a) ? a : [a]) if (typeof path === "string") inputs.push({ flag: io.args, path });
    }
  }
  for (const flag of io.inputs ?? []) for (const path of valueOf(flag)) inputs.push({ flag, path });
  const outputs: NamedPath[] = [];
  if (io.writes?.(opts) ?? true) for (const flag of io.outputs ?? []) for (const path of valueOf(flag)) outputs.push({ flag, path });
  return { inputs, outputs };
}

/** Check a parsed command's declared outputs against its inputs and each other (before any work). */
export function checkDeclared(cmd: Command): void {
  const { inputs, outputs } = declaredPaths(cmd);
  checkOutputs(inputs, outputs);
  const io = declarations.get(cmd)!;
  const opts = cmd.opts() as Record<string, unknown>;
  for (const flag of io.folders ?? []) {
    const o = cmd.options.find((x) => x.long === flag)!;
    const v = opts[o.attributeName()];
    if (typeof v === "string") checkFolder(flag, v);
  }
}

/** A folder a command will write into: a folder already, or a new one in a writable folder. */
export function checkFolder(flag: string, path: string): void {
  const say = `${flag} ${path}`;
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOTDIR") throw new CliError(`${say}: cannot create: ${dirname(path)} is not a directory`);
    if (code !== "ENOENT") throw new CliError(`${say}: cannot use: ${fsReason(e)}`);
  }
  if (st && !st.isDirectory()) throw new CliError(`${say}: is a file, not a folder; give a folder name`);
  if (st) return;
  const bad = unwritableDirectory(dirname(path));
  if (bad) throw new CliError(`${say}: cannot create: ${bad.reason}`);
}

/**
 * Why a new file or folder cannot be made in the directory `dir` (named as the user gave it):
 * it does not exist, is not a directory, or is not writable (`denied`); null when it can. The
 * one check of "a writable directory" behind checkOutputs and checkFolder.
 */
function unwritableDirectory(dir: string): { reason: string; denied: boolean } | null {
  const full = resolve(dir);
  let st;
  try {
    st = statSync(full);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { reason: code === "ENOENT" ? `the directory ${dir} does not exist` : code === "ENOTDIR" ? `${dir} is not a directory` : fsReason(e), denied: false };
  }
  if (!st.isDirectory()) return { reason: `${dir} is not a directory`, denied: false };
  try {
    accessSync(full, constants.W_OK | constants.X_OK);
  } catch {
    return { reason: `permission denied in the directory ${dir}`, denied: true };
  }
  return null;
}

function fsReasonAt(path: string): string {
  try {
    statSync(path);
    return "unknown reason";
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOTDIR") return `a part of the path is not a directory`;
    if (code === "ELOOP") return "too many levels of symbolic links";
    return fsReason(e);
  }
}

/** Every output this process has finished writing, in order (what an interrupt message reports). */
export const written: string[] = [];

/** Write a whole file atomically: a temporary file beside it, fsync, rename. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  writeWhole(path, data);
  written.push(path);
}

function writeWhole(path: string, data: string | Uint8Array): void {
  // A device or pipe (--out /dev/stdout, /dev/null, a FIFO) cannot be replaced by a rename:
  // write to it directly.
  const cannotWrite = (e: unknown) => new CliError(`${path}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  let st = null;
  try {
    st = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw cannotWrite(e);
  }
  if (st?.isDirectory()) throw new CliError(`${path}: is a directory; give a file name`);
  if (st && !st.isFile()) {
    try {
      writeFileSync(path, data);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw cannotWrite(e);
    }
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, "w");
    if (typeof data === "string") writeSync(fd, data);
    else writeSync(fd, data);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* nothing to clean up */
    }
    throw new CliError(`${path}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Write results to --out (atomically) or stdout. */
export function emit(data: string, out?: string): void {
  if (out) writeFileAtomic(out, data);
  else {
    process.stdout.write(data);
    written.push("stdout");
  }
}

/**
 * Write a figure: the Vega-Lite specification rendered by the file's ending (.vl.json, .svg,
 * .png, .html; see report/figure/render.ts), atomically. vega, vega-lite and the PNG renderer
 * are loaded only here, when a figure is asked for.
 */
export async function writeFigure(path: string, spec: VlSpec, quiet = false): Promise<void> {
  const format = figureFormat(path);
  if (format === null) throw new CliError(`--plot ${path}: the figure file must end in ${FIGURE_ENDINGS}`);
  const { renderFigure } = await import("../report/figure/render.js");
  let rendered;
  try {
    rendered = await renderFigure(spec, format);
  } catch (e) {
    throw new RunError(`${path}: cannot draw the figure: ${(e as Error).message}`);
  }
  if (!quiet) for (const n of rendered.notes) process.stderr.write(`skillsim: note: ${path}: ${n}\n`);
  return writeFileAtomic(path, rendered.data);
}

export function colorAllowed(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !("NO_COLOR" in process.env && process.env.NO_COLOR !== "") && process.env.TERM !== "dumb";
}

export { ConfigError };
