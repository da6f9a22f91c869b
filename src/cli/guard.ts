/**
 * The output guard: what each command reads and writes (declareIo), and the checks main.ts runs
 * on them before any work (an output is not an input, two outputs are not one file, the
 * directory exists and is writable, a folder option names a folder).
 */
import { fsReason } from "../fs-errors.js";
import { accessSync, constants, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { Command } from "commander";
import { CliError } from "./errors.js";
import { STDIN } from "./read.js";

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
