/**
 * The sweep's worker threads (./worker.ts runs one job each): jobs handed out as workers free
 * up, results passed on in completion order, a drain that keeps the runs in progress (SIGINT)
 * and a stop that drops them (a second SIGINT, SIGTERM).
 */
import { Worker } from "node:worker_threads";
import type { Job, JobReply } from "./worker.js";

/**
 * Runs in flight per worker: 2 (one running, one queued) while runs are short, so a worker
 * never waits for the main thread; 1 once runs take longer than SHORT_RUN_MS, so that no run
 * sits queued behind another while a worker is idle at the end of the sweep.
 */
const SHORT_RUN_MS = 20;

/**
 * `n` worker threads. run() hands them jobs until nextJob() returns null and passes results
 * to onResult in completion order; stop() ends a run at once (workers terminated, their
 * unfinished runs dropped); close() terminates the workers.
 */
export class Pool {
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
