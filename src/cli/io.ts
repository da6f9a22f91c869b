/**
 * The effectful edge: reading config files, writing results atomically, and deciding
 * whether stdout/stderr are terminals (colour and progress bars only there, never with NO_COLOR).
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ConfigError, DEFAULT_CONFIG_YAML, loadConfig } from "../config/load.js";
import type { Config } from "../config/schema.js";

/** An error the CLI reports as one line and exit code `code` (2: usage/input, 1: run failed). */
export class CliError extends Error {
  constructor(message: string, readonly code: number = 2) {
    super(message);
    this.name = "CliError";
  }
}

/** Read a text input file, turning every failure into one clear CliError. */
export function readTextFile(path: string, what = "file"): string {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`${path}: cannot read ${what}: ${code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : (e as Error).message}`);
  }
  if (st.isDirectory()) throw new CliError(`${path}: is a directory, expected a ${what}`);
  if (st.size > 512 * 1024 * 1024) throw new CliError(`${path}: ${what} is ${Math.round(st.size / 2 ** 20)} MiB, too large to be a skillsim input`);
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`${path}: cannot read ${what}: ${code === "EACCES" ? "permission denied" : (e as Error).message}`);
  }
  if (buf.includes(0)) throw new CliError(`${path}: this is a binary file, not a text ${what}`);
  const text = buf.toString("utf8");
  if (text.includes("\uFFFD")) throw new CliError(`${path}: not valid UTF-8 text`);
  return text;
}

/** Load a config from a path (or the built-in default when path is undefined). */
export function loadConfigFile(path: string | undefined, sets: string[] = []): Config {
  const text = path === undefined ? DEFAULT_CONFIG_YAML : readTextFile(path, "config");
  return loadConfig(text, { file: path ?? "<built-in default>", sets });
}

/** Write a whole file atomically: a temporary file beside it, fsync, rename. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
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
  else process.stdout.write(data);
}

/** Write a figure: FILE.svg as SVG text, FILE.png rendered by resvg (needs a system font). */
export async function writeFigure(path: string, svg: string): Promise<void> {
  const lower = path.toLowerCase();
  if (lower.endsWith(".svg")) return writeFileAtomic(path, svg);
  if (lower.endsWith(".png")) {
    const { svgToPng } = await import("../report/png.js"); // loads the native renderer only when asked
    let png: Uint8Array;
    try {
      png = svgToPng(svg);
    } catch (e) {
      throw new CliError(`${path}: cannot render PNG: ${(e as Error).message}`, 1);
    }
    return writeFileAtomic(path, png);
  }
  throw new CliError(`--plot ${path}: the figure file must end in .svg or .png`);
}

export function colorAllowed(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !("NO_COLOR" in process.env && process.env.NO_COLOR !== "") && process.env.TERM !== "dumb";
}

export { ConfigError };
