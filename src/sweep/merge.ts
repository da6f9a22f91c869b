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
import { createHash } from "node:crypto";
import { closeSync, fsyncSync, openSync, readSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { SweepError, type SweepPlan } from "./grid.js";
import { baseConfig, canonicalJson, firstDifference, forEachLine, openForReading, readSweepLine } from "../results/index.js";


/** The fields of a sweep line that merge and resume rely on. */
export interface LineHead {
  id: number;
  config_hash: string;
  overrides: Record<string, unknown>;
  /** The run's full config (every line `skillsim sweep` writes has it). */
  config?: Record<string, unknown>;
}

/** Parse and check one sweep output line, which must carry its config_hash; throws SweepError naming `where` (file:line). */
export function parseSweepLine(text: string, where: string, terminated: boolean): LineHead {
  return readSweepLine(text, where, terminated, true) as LineHead;
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
        const text = canonicalJson(base);
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
    // A system error (it has an errno code) while writing gets one line; skillsim's own errors pass.
    const code = (e as NodeJS.ErrnoException).code;
    throw code ? new SweepError(`${opts.out ?? "merge"}: cannot write: ${code}`) : e;
  } finally {
    for (const fd of fds) closeSync(fd);
  }
}

function writeAll(fd: number, data: Buffer): void {
  for (let off = 0; off < data.length; ) off += writeSync(fd, data, off, data.length - off);
}
