/**
 * Running a sweep: validate every run, skip what --resume finds done, run the rest in-process
 * (jobs = 1, in id order) or on worker threads (completion order), and stream each finished
 * run's line out as one write(2) on a file opened with O_APPEND. Nothing is accumulated, so
 * memory stays bounded however many runs there are.
 *
 * Interrupts (with handleSignals, as the CLI runs it, even jobs = 1 runs on one worker
 * thread, so the main thread hears a signal while a run is going on): on SIGINT no new run
 * starts, the runs in progress finish and are kept; a second SIGINT, or a SIGTERM, stops at
 * once (workers terminated, their unfinished runs dropped). The summary says which signal
 * stopped the sweep. Without handleSignals, jobs = 1 runs in-process.
 *
 * Only one process writes an `out` at a time: see lock.ts. Because each line
 * is one write, a killed sweep leaves only whole lines (a partial last line can only come
 * from a full disk or a crash mid-write; --resume drops it).
 */
import { closeSync, existsSync, fsyncSync, openSync, statSync, writeSync } from "node:fs";
import { availableParallelism } from "node:os";
import { RunError } from "../errors.js";
import { shardIds, shardSize, SweepError, type Shard, type SweepPlan } from "./grid.js";
import { acquireLock } from "./lock.js";
import { Pool } from "./pool.js";
import { dropPartialLine, refuseExisting, scanForResume } from "./resume.js";
import { runJob, type Job } from "./worker.js";

export interface SweepOptions {
  /** JSON Lines output (appended to); lines go to `stdout` when absent. */
  out?: string;
  /** Skip the runs already in `out` (requires out). */
  resume?: boolean;
  /** Worker threads; 1 runs in-process. Default: os.availableParallelism(). */
  jobs?: number;
  shard?: Shard;
  /** Stop cleanly on SIGINT/SIGTERM (the CLI sets this). */
  handleSignals?: boolean;
  /** Where lines go without `out` (default: process.stdout). */
  stdout?: (line: string) => void;
  onProgress?: (done: number, total: number) => void;
  note?: (message: string) => void;
  /**
   * Also keep each finished run's whole result (its `run --json` record, with the per-step
   * levels a sweep line leaves out) in this JSON Lines file (results/kept-runs.ts), written just
   * before the run's line. Started afresh without `resume`, appended to with it (a partial last
   * line dropped first). A diverged run keeps nothing. Requires `out`.
   */
  keep?: string;
}

export interface SweepSummary {
  /** Runs in the whole sweep. */
  total: number;
  /** Runs in this shard. */
  shardRuns: number;
  /** Runs of this shard already in `out` (--resume). */
  skipped: number;
  /** Runs finished (lines written) by this call. */
  finished: number;
  /** Ids of runs that diverged (their lines carry "error" instead of results). */
  failed: number[];
  /** Ids of diverged runs already in `out` (--resume): the sweep as a whole has them too. */
  failedBefore: number[];
  /** Runs finished by this call whose results carry warnings (their lines list them), in finishing order, with the first. */
  warned: { id: number; first: string }[];
  interrupted: "SIGINT" | "SIGTERM" | null;
  workers: number;
  /** Wall time of the running phase (after validation and --resume scanning). */
  seconds: number;
}

export async function runSweep(plan: SweepPlan, opts: SweepOptions = {}): Promise<SweepSummary> {
  const jobs = opts.jobs ?? availableParallelism();
  if (!Number.isSafeInteger(jobs) || jobs < 1) throw new SweepError(`--jobs must be a whole number >= 1, got ${jobs}`);
  if (opts.resume && !opts.out) throw new SweepError("--resume needs --out FILE: it skips the runs already in FILE");
  if (opts.keep && !opts.out) throw new SweepError("keeping the runs' results needs an output file");
  const shard = opts.shard;

  const shardRuns = shardSize(plan.total, shard);
  // A signal during the checks before the first run (heard once they end) stops the sweep
  // there, and the lock is still removed.
  const early: Early = { signal: null, off: () => {} };
  if (opts.handleSignals) {
    const onInt = () => (early.signal ??= "SIGINT");
    const onTerm = () => (early.signal ??= "SIGTERM");
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
    early.off = () => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
    };
  }
  try {
    const lock = opts.out && !isDevice(opts.out) ? acquireLock(opts.out, opts.note) : null;
    try {
      return await poolAndRun(plan, opts, shard, shardRuns, jobs, early);
    } finally {
      lock?.release();
    }
  } finally {
    early.off();
  }
}

/** A device or pipe (--out /dev/stdout): no lock file beside it (that would be /dev/stdout.lock). */
function isDevice(path: string): boolean {
  try {
    const st = statSync(path);
    return !st.isFile() && !st.isDirectory();
  } catch {
    return false;
  }
}

interface Early {
  signal: "SIGINT" | "SIGTERM" | null;
  off: () => void;
}

async function poolAndRun(plan: SweepPlan, opts: SweepOptions, shard: Shard | undefined, shardRuns: number, jobs: number, early: Early): Promise<SweepSummary> {
  // Workers start now, so loading their modules overlaps validation and the --resume scan.
  const pool = (jobs > 1 || opts.handleSignals) && shardRuns > 0 ? new Pool(Math.min(jobs, shardRuns)) : null;
  try {
    return await validateAndRun(plan, opts, shard, shardRuns, pool, early);
  } finally {
    await pool?.close();
  }
}

async function validateAndRun(plan: SweepPlan, opts: SweepOptions, shard: Shard | undefined, shardRuns: number, pool: Pool | null, early: Early): Promise<SweepSummary> {
  if (shardRuns > 20000) opts.note?.(`checking the configs of ${shardRuns} runs before starting`);
  plan.validate(shardIds(plan.total, shard));

  const out = opts.out;
  let done: Uint8Array | null = null;
  let skipped = 0;
  let failedBefore: number[] = [];
  if (out) {
    if (opts.resume) ({ done, skipped, failed: failedBefore } = scanForResume(plan, out, shard, opts.note));
    else refuseExisting(out);
  }
  const todo = shardRuns - skipped;

  let fd: number | null = null;
  let keepFd: number | null = null;
  if (out) {
    try {
      fd = openSync(out, "a"); // O_APPEND | O_CREAT: each write lands whole at the end
    } catch (e) {
      throw new SweepError(`${out}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  if (opts.keep && todo > 0) {
    if (opts.resume && existsSync(opts.keep)) dropPartialLine(opts.keep, opts.note);
    try {
      keepFd = openSync(opts.keep, opts.resume ? "a" : "w");
    } catch (e) {
      if (fd !== null) closeSync(fd);
      throw new SweepError(`${opts.keep}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  const writeAll = (f: number, file: string | undefined, data: string) => {
    const buf = Buffer.from(data);
    try {
      let off = writeSync(f, buf);
      while (off < buf.length) off += writeSync(f, buf, off); // only on a short write (full disk)
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      throw new RunError(`${file}: cannot write (${code}); the runs finished so far are in ${out}, and --resume continues from there`);
    }
  };
  const toStdout = opts.stdout ?? ((s: string) => void process.stdout.write(s));
  const write = (line: string) => {
    const data = line + "\n";
    if (fd === null) toStdout(data);
    else writeAll(fd, out, data);
  };

  const summary: SweepSummary = { total: plan.total, shardRuns, skipped, finished: 0, failed: [], failedBefore, warned: [], interrupted: null, workers: 0, seconds: 0 };
  const pending = (function* () {
    for (const id of shardIds(plan.total, shard)) if (!done || !done[id]) yield id;
  })();
  const nextJob = (): Job | null => {
    const n = pending.next();
    if (n.done) return null;
    const r = plan.run(n.value);
    return { id: r.id, overrides: r.overrides, cfg: r.cfg, ...(keepFd !== null ? { keep: true } : {}) };
  };
  const finish = (r: { id: number; line: string; failure?: string; kept?: string; warnings?: string[] }) => {
    if (keepFd !== null && r.kept !== undefined) writeAll(keepFd, opts.keep, r.kept + "\n");
    write(r.line);
    summary.finished++;
    if (r.failure !== undefined) summary.failed.push(r.id);
    if (r.warnings !== undefined && r.warnings.length > 0) summary.warned.push({ id: r.id, first: r.warnings[0] });
    opts.onProgress?.(summary.finished, todo);
  };

  const onSignal = (sig: "SIGINT" | "SIGTERM") => {
    if (summary.interrupted && sig === "SIGINT" && pool) {
      pool.stop(); // the second Ctrl-C: at once
      return;
    }
    if (summary.interrupted) return;
    summary.interrupted = sig;
    if (sig === "SIGINT" && pool) {
      opts.note?.("interrupted: finishing the runs in progress (Ctrl-C again stops at once; their lines are then dropped)");
      pool.drain();
    } else pool?.stop();
  };
  const onInt = () => onSignal("SIGINT");
  const onTerm = () => onSignal("SIGTERM");
  await new Promise((r) => setImmediate(r)); // hear a signal sent during the checks
  early.off();
  summary.interrupted = early.signal;
  if (opts.handleSignals) {
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
  }
  const t0 = performance.now();
  try {
    if (todo > 0 && !summary.interrupted) {
      opts.onProgress?.(0, todo);
      if (!pool) {
        for (let job = nextJob(); job; job = nextJob()) {
          finish({ id: job.id, ...runJob(job) });
          await new Promise((r) => setImmediate(r)); // let a pending signal be delivered
          if (summary.interrupted) break;
        }
      } else {
        summary.workers = pool.size;
        await pool.run(nextJob, finish);
      }
    }
  } finally {
    summary.seconds = (performance.now() - t0) / 1000;
    if (summary.finished === todo && todo > 0) summary.interrupted = null; // the signal came after the last run
    if (opts.handleSignals) {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
    }
    if (fd !== null) {
      try {
        fsyncSync(fd);
      } catch {
        /* not every file system can fsync; the lines are written already */
      }
      closeSync(fd);
    }
    if (keepFd !== null) closeSync(keepFd);
  }
  return summary;
}
