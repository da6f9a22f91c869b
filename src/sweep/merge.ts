/**
 * Merging sweep outputs (shards, resumed files): the lines of all files, sorted by run id.
 *
 * Memory is O(runs), not O(bytes): the files are indexed (id -> file, byte offset, length and
 * a digest of the line), checked, and the lines are then copied in id order straight from the
 * files. The same id twice is fine when the lines are identical (an overlap of shards, a file
 * given twice); different lines for one id, lines that are not sweep results, and files from
 * different sweeps (other swept keys, or another base config: each line's config apart from
 * the swept keys and the derived seed) are errors naming file:line. With the sweep's config,
 * every line's config_hash is checked against the run it claims to be, and missing runs are
 * an error. Lines are copied byte for byte, so merging the shards of a sweep gives exactly
 * the bytes of one serial run (`--jobs 1`, no shard).
 */
import { fsReason } from "../fs-errors.js";
import { createHash } from "node:crypto";
import { closeSync, fsyncSync, openSync, readSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { SweepError, type SweepPlan } from "./grid.js";

/** Open a file for reading, or a SweepError saying why not. */
export function openForReading(path: string, what = "sweep output"): number {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new SweepError(`${path}: cannot read ${what}: ${fsReason(e)}`);
  }
  if (st.isDirectory()) throw new SweepError(`${path}: is a directory, expected a ${what} (JSON Lines)`);
  if (!st.isFile()) throw new SweepError(`${path}: not a regular file; merge reads its inputs twice, so save a stream to a file first`);
  try {
    return openSync(path, "r");
  } catch (e) {
    throw new SweepError(`${path}: cannot read ${what}: ${fsReason(e)}`);
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

/** The fields of a sweep line that merge and resume rely on. */
export interface LineHead {
  id: number;
  config_hash: string;
  overrides: Record<string, unknown>;
  /** The run's full config (every line `skillsim sweep` writes has it). */
  config?: Record<string, unknown>;
}

/** Parse and check one sweep output line; throws SweepError naming `where` (file:line). */
export function parseSweepLine(text: string, where: string, terminated: boolean): LineHead {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    if (!terminated) throw new SweepError(`${where}: incomplete last line, left by an interrupted sweep; finish that sweep with --resume (it drops the partial line) before merging`);
    throw new SweepError(`${where}: not a JSON line; sweep outputs have one JSON object per line`);
  }
  const o = v as Partial<LineHead> | null;
  if (o === null || typeof o !== "object" || Array.isArray(o)) throw new SweepError(`${where}: not a sweep result (expected a JSON object per line)`);
  if (!Number.isSafeInteger(o.id) || (o.id as number) < 0) throw new SweepError(`${where}: no run "id" (a whole number >= 0); is this the output of \`skillsim sweep\`?`);
  if (typeof o.config_hash !== "string") throw new SweepError(`${where}: run ${o.id} has no "config_hash"; is this the output of \`skillsim sweep\`?`);
  if (o.overrides === null || typeof o.overrides !== "object" || Array.isArray(o.overrides)) throw new SweepError(`${where}: run ${o.id} has no "overrides" object; is this the output of \`skillsim sweep\`?`);
  return o as LineHead;
}

interface Entry {
  file: number;
  lineNo: number;
  offset: number;
  length: number;
  digest: string;
  hash: string;
}

export interface MergeOptions {
  /** The sweep's plan (from --config): check every config_hash, and that no run is missing. */
  plan?: SweepPlan;
  /** Write atomically to this file; otherwise chunks go to `write`. */
  out?: string;
  write?: (chunk: Buffer) => void | Promise<void>;
  note?: (message: string) => void;
}

export interface MergeSummary {
  runs: number;
  /** Lines dropped because an identical line for the same id came earlier. */
  duplicates: number;
  /** The ids that had such duplicates (sorted). */
  duplicateIds: number[];
  /** Ids below the largest id (or below the sweep's size, with a plan) that no file has. */
  missing: number;
}

const listIds = (ids: number[]) => ids.slice(0, 10).join(", ") + (ids.length > 10 ? `, ... (${ids.length} in all)` : "");

export async function mergeSweepFiles(files: string[], opts: MergeOptions = {}): Promise<MergeSummary> {
  if (files.length === 0) throw new SweepError("merge: give at least one sweep output file");
  const entries = new Map<number, Entry>();
  let duplicates = 0;
  const duplicateIds = new Set<number>();
  let keysOf: { sig: string; where: string; keys: string[] } | null = null;
  let baseOf: { text: string; base: unknown; where: string; id: number } | null = null;
  files.forEach((path, file) => {
    forEachLine(path, (buf, lineNo, offset, terminated) => {
      let length = buf.length;
      if (length > 0 && buf[length - 1] === 13) length--; // CRLF
      const text = buf.toString("utf8", 0, length);
      if (text.trim() === "") return;
      const where = `${path}:${lineNo}`;
      const head = parseSweepLine(text, where, terminated);
      const keys = Object.keys(head.overrides);
      const sig = keys.join("\u0000");
      if (keysOf === null) keysOf = { sig, where, keys };
      else if (sig !== keysOf.sig)
        throw new SweepError(`${where}: swept keys (${keys.join(", ")}) differ from those at ${keysOf.where} (${keysOf.keys.join(", ")}); these files come from different sweeps`);
      if (head.config && typeof head.config === "object" && !keys.includes("model")) {
        const base = baseConfig(head.config, keys);
        const text = canonical(base);
        if (baseOf === null) baseOf = { text, base, where, id: head.id };
        else if (text !== baseOf.text) {
          const d = firstDifference(baseOf.base, base) ?? { path: "config", a: "?", b: "?" };
          throw new SweepError(
            `${where}: run ${head.id} comes from another base config than run ${baseOf.id} at ${baseOf.where} (${d.path}: ${d.b} here, ${d.a} there; swept keys and the seed aside); these files come from different sweeps, or the config changed between shards`,
          );
        }
      }
      const digest = createHash("sha1").update(buf.subarray(0, length)).digest("base64");
      const prev = entries.get(head.id);
      if (prev) {
        if (prev.digest === digest) {
          duplicates++;
          duplicateIds.add(head.id);
          return;
        }
        const prevWhere = `${files[prev.file]}:${prev.lineNo}`;
        const why = prev.hash !== head.config_hash
          ? ` (config_hash ${prev.hash} vs ${head.config_hash}: they were run from different configs)`
          : " (same config_hash; was one file edited?)";
        throw new SweepError(`${where}: run ${head.id} differs from run ${head.id} at ${prevWhere}${why}`);
      }
      entries.set(head.id, { file, lineNo, offset, length, digest, hash: head.config_hash });
    });
  });

  const ids = [...entries.keys()].sort((a, b) => a - b);
  const missing: number[] = [];
  const plan = opts.plan;
  if (plan) {
    for (const id of ids) {
      const e = entries.get(id)!;
      const where = `${files[e.file]}:${e.lineNo}`;
      if (id >= plan.total) throw new SweepError(`${where}: run ${id} is not in the sweep of ${plan.file}, which has ${plan.total} runs (ids 0..${plan.total - 1}); the config changed since this file was written`);
      const want = plan.run(id).hash;
      if (e.hash !== want)
        throw new SweepError(`${where}: run ${id} has config_hash ${e.hash}, but ${plan.file} gives ${want} for it: the config changed since this file was written`);
    }
    for (let id = 0; id < plan.total; id++) if (!entries.has(id)) missing.push(id);
    if (missing.length > 0)
      throw new SweepError(`${missing.length} of ${plan.total} runs are missing: ids ${listIds(missing)}; run the missing shards (or \`skillsim sweep ${plan.file} --out FILE --resume\`) first`);
  } else if (ids.length > 0) {
    for (let id = 0, k = 0; id < ids[ids.length - 1]; id++) {
      if (ids[k] === id) k++;
      else missing.push(id);
    }
    if (missing.length > 0) opts.note?.(`no file has runs ${listIds(missing)}; the merged output is incomplete (give --config CONFIG to check against the sweep)`);
  }

  const dupIds = [...duplicateIds].sort((a, b) => a - b);
  if (dupIds.length > 0)
    opts.note?.(`run${dupIds.length === 1 ? "" : "s"} ${listIds(dupIds)} appear${dupIds.length === 1 ? "s" : ""} more than once (identical lines: ${duplicates} dropped, each run kept once); were shards overlapping, a file given twice, or two sweeps writing one file?`);
  await writeSorted(files, ids, entries, opts);
  return { runs: ids.length, duplicates, duplicateIds: dupIds, missing: missing.length };
}

/**
 * What every run of one sweep shares: the run's config without the swept keys and the seed
 * (derived per run unless swept), nor the values the loader derives from a swept key
 * (skills.count from a swept frequency list, an optimizer's default settings from its name,
 * timeline.check from the number of skills).
 */
export function baseConfig(config: Record<string, unknown>, swept: string[]): unknown {
  const c = structuredClone(config) as Record<string, unknown>;
  const drop = (path: string) => {
    const parts = path.split(".");
    let o: unknown = c;
    for (let i = 0; i < parts.length - 1; i++) {
      if (o === null || typeof o !== "object") return;
      o = (o as Record<string, unknown>)[parts[i]];
    }
    if (o !== null && typeof o === "object") delete (o as Record<string, unknown>)[parts[parts.length - 1]];
  };
  const under = (prefix: string) => swept.some((k) => k === prefix || k.startsWith(`${prefix}.`) || prefix.startsWith(`${k}.`));
  drop("seed");
  for (const k of swept) drop(k);
  if (under("skills.frequencies")) drop("skills.count");
  if (under("optimizer.name") || swept.includes("optimizer")) drop("optimizer");
  if (under("skills.count") || under("skills.frequencies")) drop("timeline.check");
  return c;
}

/** JSON with keys sorted, so that key order never makes two configs differ. */
function canonical(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(",")}}`;
}

/** The first dotted key whose value differs between a and b, with both values (short). */
export function firstDifference(a: unknown, b: unknown, path = ""): { path: string; a: string; b: string } | null {
  const show = (v: unknown) => (v === undefined ? "absent" : (s => (s.length > 40 ? `${s.slice(0, 37)}...` : s))(canonical(v)));
  if (canonical(a) === canonical(b)) return null;
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])].sort();
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      if (d) return d;
    }
  }
  return { path: path || "config", a: show(a), b: show(b) };
}

/** Copy the lines in id order to --out (temporary file, fsync, rename) or to opts.write. */
async function writeSorted(files: string[], ids: number[], entries: Map<number, Entry>, opts: MergeOptions): Promise<void> {
  const fds = files.map((f) => openForReading(f));
  const tmp = opts.out ? join(dirname(opts.out), `.${basename(opts.out)}.${process.pid}.tmp`) : null;
  let outFd: number | null = null;
  try {
    if (tmp) {
      try {
        outFd = openSync(tmp, "w");
      } catch (e) {
        throw new SweepError(`${opts.out}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    }
    const CHUNK = 1 << 20;
    let buf = Buffer.allocUnsafe(CHUNK);
    let used = 0;
    const flush = async () => {
      if (used === 0) return;
      const chunk = buf.subarray(0, used);
      if (outFd !== null) writeAll(outFd, chunk);
      else {
        await opts.write?.(Buffer.from(chunk));
      }
      used = 0;
    };
    for (const id of ids) {
      const e = entries.get(id)!;
      if (used + e.length + 1 > buf.length) {
        await flush();
        if (e.length + 1 > buf.length) buf = Buffer.allocUnsafe(e.length + 1);
      }
      const n = readSync(fds[e.file], buf, used, e.length, e.offset);
      if (n !== e.length) throw new SweepError(`${files[e.file]}: changed while merging; try again`);
      used += n;
      buf[used++] = 10;
    }
    await flush();
    if (outFd !== null && tmp && opts.out) {
      fsyncSync(outFd);
      closeSync(outFd);
      outFd = null;
      try {
        renameSync(tmp, opts.out);
      } catch (e) {
        throw new SweepError(`${opts.out}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    }
  } catch (e) {
    if (outFd !== null) closeSync(outFd);
    if (tmp) {
      try {
        unlinkSync(tmp);
      } catch {
        /* nothing to clean up */
      }
    }
    if (e instanceof SweepError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw code ? new SweepError(`${opts.out ?? "merge"}: cannot write: ${code}`) : e;
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}

function writeAll(fd: number, data: Buffer): void {
  for (let off = 0; off < data.length; ) off += writeSync(fd, data, off, data.length - off);
}
