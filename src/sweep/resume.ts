/**
 * --out and --resume: a fresh sweep refuses an existing results file; a resumed one drops a
 * partial last line, then reads which runs the file already holds, each checked against this
 * sweep (its id, its config_hash, its shard).
 */
import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, readSync, statSync } from "node:fs";
import { inShard, SweepError, type Shard, type SweepPlan } from "./grid.js";
import { forEachLine } from "../results/index.js";
import { parseSweepLine } from "./merge.js";

/** A fresh sweep never appends to old results: that would mix two sweeps in one file. */
export function refuseExisting(out: string): void {
  let st;
  try {
    st = statSync(out);
  } catch {
    return; // does not exist yet
  }
  if (st.isDirectory()) throw new SweepError(`${out}: is a directory; --out needs a file name`);
  if (st.size > 0) throw new SweepError(`${out} already exists; add --resume to finish the runs it lacks, or delete it to start over`);
}

/**
 * The ids of this shard already in `out`. Drops a partial last line first (truncating the
 * file); every other line must be a sweep line of this config (same config_hash for its id).
 */
export function scanForResume(plan: SweepPlan, out: string, shard: Shard | undefined, note?: (m: string) => void): { done: Uint8Array; skipped: number; failed: number[] } {
  const done = new Uint8Array(plan.total);
  let skipped = 0;
  const failed: number[] = [];
  if (!existsSync(out)) {
    note?.(`${out} does not exist yet; starting the sweep`);
    return { done, skipped, failed };
  }
  if (statSync(out).isDirectory()) throw new SweepError(`${out}: is a directory; --out needs a file name`);
  dropPartialLine(out, note);
  forEachLine(out, (buf, lineNo, _offset, terminated) => {
    const text = buf.toString("utf8");
    if (text.trim() === "") return;
    const where = `${out}:${lineNo}`;
    const head = parseSweepLine(text, where, terminated);
    const changed = `the config changed since ${out} was written; write to a new --out file, or delete it to start over`;
    if (head.id >= plan.total) throw new SweepError(`${where}: run ${head.id} is not in this sweep (${plan.total} runs, ids 0..${plan.total - 1}): ${changed}`);
    const want = plan.run(head.id).hash;
    if (head.config_hash !== want) throw new SweepError(`${where}: run ${head.id} has config_hash ${head.config_hash} but is now ${want}: ${changed}`);
    if (!inShard(head.id, shard)) throw new SweepError(`${where}: run ${head.id} is not in shard ${shard!.index}/${shard!.count}; is this another shard's file?`);
    if (!done[head.id]) {
      done[head.id] = 1;
      skipped++;
      if ("error" in head) failed.push(head.id);
    }
  });
  failed.sort((a, b) => a - b);
  return { done, skipped, failed };
}

/** Truncate `path` after its last "\n" (a line cut short by a crash or a full disk). */
export function dropPartialLine(path: string, note?: (m: string) => void): void {
  const fd = openSync(path, "r+");
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return;
    const buf = Buffer.allocUnsafe(65536);
    let end = size; // search backwards for the last "\n"
    let keep = -1;
    while (end > 0 && keep < 0) {
      const start = Math.max(0, end - buf.length);
      const n = readSync(fd, buf, 0, end - start, start);
      const i = buf.subarray(0, n).lastIndexOf(10);
      if (i >= 0) keep = start + i + 1;
      end = start;
    }
    if (keep < 0) keep = 0;
    if (keep === size) return;
    ftruncateSync(fd, keep);
    note?.(`dropped an incomplete last line (${size - keep} bytes) from ${path}`);
  } finally {
    closeSync(fd);
  }
}
