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
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, statSync, writeSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { RunError } from "../errors.js";
import { inShard, shardIds, shardSize, SweepError, type Shard, type SweepPlan } from "./grid.js";
import { acquireLock } from "./lock.js";
import { forEachLine } from "../results/index.js";
import { parseSweepLine } from "./merge.js";
import { runJob, type Job, type JobReply } from "./worker.js";

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

/**
 * Runs in flight per worker: 2 (one running, one queued) while runs are short, so a worker
 * never waits for the main thread; 1 once runs take longer than SHORT_RUN_MS, so that no run
 * sits queued behind another while a worker is idle at the end of the sweep.
 */
const SHORT_RUN_MS = 20;

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

/** A fresh sweep never appends to old results: that would mix two sweeps in one file. */
function refuseExisting(out: string): void {
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
function scanForResume(plan: SweepPlan, out: string, shard: Shard | undefined, note?: (m: string) => void): { done: Uint8Array; skipped: number; failed: number[] } {
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
function dropPartialLine(path: string, note?: (m: string) => void): void {
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

/**
 * `n` worker threads. run() hands them jobs until nextJob() returns null and passes results
 * to onResult in completion order; stop() ends a run at once (workers terminated, their
 * unfinished runs dropped); close() terminates the workers.
 */
class Pool {
  private readonly workers: { w: Worker; load: number }[] = [];
  private finish: ((err?: unknown) => void) | null = null;
  private onDrain: (() => void) | null = null;
  private failure: unknown = undefined; // a worker that failed before run()

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(new URL("./worker.js", import.meta.url), { workerData: { skillsimSweepWorker: true } });
      w.on("error", (e) => this.fail(e));
      w.on("exit", (code) => this.fail(new Error(`a sweep worker exited unexpectedly (code ${code})`)));
      this.workers.push({ w, load: 0 });
    }
  }

  private fail(err: unknown): void {
    if (this.finish) this.finish(err);
    else if (this.failure === undefined) this.failure = err;
  }

  stop(): void {
    this.finish?.();
  }

  /** Start no new run; end once the runs in progress have reported (their results are kept). */
  drain(): void {
    this.onDrain?.();
  }

  async close(): Promise<void> {
    const ws = this.workers.splice(0);
    for (const x of ws) x.w.removeAllListeners().on("error", () => {}); // terminating: nothing more to hear
    await Promise.all(ws.map((x) => x.w.terminate()));
  }

  run(nextJob: () => Job | null, onResult: (r: { id: number; line: string; failure?: string; kept?: string }) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let inflight = 0;
      let ended = false;
      let ready: Job | null | undefined; // the next job, built ahead (null: none left)
      let meanMs = 0; // mean run time so far
      let runsTimed = 0;
      // Draining: the workers busy when drain() was called; each one's next result is kept,
      // and whatever it runs after that is dropped.
      let draining: Set<{ w: Worker; load: number }> | null = null;
      const end = (err?: unknown) => {
        if (ended) return;
        ended = true;
        this.finish = null;
        this.onDrain = null;
        const settle = () => (err === undefined ? resolve() : reject(err));
        this.close().then(settle, settle); // also drops the results of unfinished runs
      };
      this.finish = end;
      this.onDrain = () => {
        if (draining) return;
        draining = new Set(this.workers.filter((x) => x.load > 0));
        if (draining.size === 0) end();
      };
      if (this.failure !== undefined) return end(this.failure);
      const take = (): Job | null => {
        const job = ready === undefined ? nextJob() : ready;
        ready = job === null ? null : undefined;
        return job;
      };
      const feed = (x: { w: Worker; load: number }) => {
        try {
          const depth = runsTimed > 0 && meanMs < SHORT_RUN_MS ? 2 : 1;
          while (!ended && x.load < depth) {
            const job = take();
            if (!job) break;
            x.load++;
            inflight++;
            x.w.postMessage(job);
          }
          // Build the next config now, while the workers run, not when one of them is waiting.
          if (!ended && ready === undefined) ready = nextJob();
        } catch (e) {
          end(e);
          return;
        }
        if (ready === null && inflight === 0) end();
      };
      for (const x of this.workers) {
        x.w.on("message", (r: JobReply) => {
          if (ended) return;
          if (draining && !draining.has(x)) return; // a run started after drain(): dropped
          x.load--;
          inflight--;
          if ("internal" in r) {
            const err = new Error(`run ${r.id}: ${r.internal}`);
            if (r.stack) err.stack = r.stack;
            end(err);
            return;
          }
          meanMs += (r.ms - meanMs) / ++runsTimed;
          try {
            onResult(r);
          } catch (e) {
            end(e);
            return;
          }
          if (draining) {
            draining.delete(x);
            if (draining.size === 0) end();
            return;
          }
          feed(x);
        });
      }
      for (const x of this.workers) feed(x);
    });
  }
}
