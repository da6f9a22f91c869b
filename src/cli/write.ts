/**
 * Writing results: whole files atomically (a temporary file beside it, fsync, rename; devices and
 * pipes directly), results to --out or stdout, figures; and the list of what has been written.
 */
import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { RunError } from "../errors.js";
import { FIGURE_ENDINGS, figureFormat } from "../report/figure/formats.js";
import type { VlSpec } from "../report/figure/theme.js";
import { CliError } from "./errors.js";

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
