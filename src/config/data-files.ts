/**
 * Data files: `{file: PATH}` where a model accepts numbers from a file (its spec's `dataFiles`,
 * e.g. Geometry's skills.vectors and init), read as CSV of numbers and put in place of the
 * reference before the model resolves its config. Errors name the config key and the file's line.
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import type { DataFileRef } from "../models/spec.js";
import { parseNumberCsv } from "../results/csv.js";
import { dotted, whereOf, type Located, type Path } from "./document.js";
import { ConfigError } from "./errors.js";
import type { LoadOptions } from "./load.js";

/** Where each value read from a file came from: the file name and each data row's line. */
export interface FileSource {
  name: string;
  lines: number[];
}

function defaultReader(configFile: string): (path: string) => string {
  return (path) => {
    const full = isAbsolute(path) ? path : join(dirname(configFile), path);
    const st = statSync(full); // throws ENOENT etc.
    if (!st.isFile()) throw new Error("not a regular file");
    if (st.size > 512 * 1024 * 1024) throw new Error("larger than 512 MiB");
    return readFileSync(full, "utf8");
  };
}

/** Replace each `{file: PATH}` the model accepts (its `dataFiles`) by the numbers in the file, in
 * place; returns where each came from, by dotted path. */
export function readDataFiles(loc: Located, data: Record<string, unknown>, refs: readonly DataFileRef[], opts: Pick<LoadOptions, "file" | "readData">): Record<string, FileSource> {
  const read = opts.readData ?? defaultReader(opts.file);
  const out: Record<string, FileSource> = {};
  const load = (path: Path, ref: { file: string }): { rows: number[][]; src: FileSource } => {
    const where = whereOf(loc, [...path, "file"]);
    const key = dotted([...path, "file"]);
    let text: string;
    try {
      text = read(ref.file);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const why = err.code === "ENOENT" ? "no such file" : err.code === "EACCES" ? "permission denied" : err.code === "EISDIR" ? "is a directory" : (err.message ?? String(e)).split("\n")[0];
      throw new ConfigError(`cannot read ${ref.file}: ${why} (a relative path is read from the config file's directory)`, where, key);
    }
    try {
      const { rows, lines } = parseNumberCsv(text);
      return { rows, src: { name: ref.file, lines } };
    } catch (e) {
      throw new ConfigError(`${ref.file}:${(e as Error).message}`, where, key);
    }
  };
  for (const ref of refs) {
    const parent = ref.path.slice(0, -1).reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined), data) as Record<string, unknown> | undefined;
    const last = ref.path[ref.path.length - 1];
    const v = parent?.[last] as { file: string } | undefined;
    if (!v || typeof v !== "object" || Array.isArray(v)) continue;
    const { rows, src } = load(ref.path, v);
    if (ref.shape === "rows") parent![last] = rows;
    else {
      // one row or one column, in order
      if (rows.length > 1 && rows.some((r) => r.length !== 1))
        throw new ConfigError(`${v.file}:${src.lines[1]}: ${ref.what} must be one row or one column of numbers, got ${rows.length} rows of ${rows[0].length}`, whereOf(loc, [...ref.path, "file"]), dotted([...ref.path, "file"]));
      parent![last] = rows.length === 1 ? rows[0] : rows.map((r) => r[0]);
    }
    out[ref.path.join(".")] = src;
  }
  return out;
}
