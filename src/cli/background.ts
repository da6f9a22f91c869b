/**
 * Long computations off the main thread, so that the main thread stays free to hear Ctrl-C
 * (a signal is only delivered between two pieces of JavaScript, never during a long one) and
 * to draw progress. `inBackground(module, fn, args)` runs `fn(...args, {onProgress})` exported
 * by `module` (a path relative to dist/src/) in a worker thread and resolves to its result;
 * errors come back as the same classes (DivergenceError, ConfigError), with their fields.
 *
 * `prepareBackground(module)` starts that worker ahead of its task (the thread's start-up and
 * the module's loading then overlap the caller's own, e.g. reading and checking the config):
 * the next `inBackground` call for the same module uses it. Until then the thread does not keep
 * the process alive, so a config error still exits at once.
 *
 * `interruptible(what, work)`: while `work` runs, SIGINT/SIGTERM stop the process at once,
 * saying on stderr that it was interrupted and that nothing was written (exit 130/143), or
 * which outputs had been written (write.ts keeps the list; every write is atomic, so there are
 * no half-written files to report). installInterruptHandler() does the same until removed.
 */
import { Worker } from "node:worker_threads";
import { ConfigError } from "../config/errors.js";
import { InputError, RunError } from "../errors.js";
import { DivergenceError } from "../models/types.js";

import type { Reply, Task } from "./background-worker.js";
import { written } from "./write.js";

/**
 * Classes an error comes back as (instanceof still holds in the main thread): these by name,
 * any other of skillsim's errors as its base (InputError or RunError), so that the CLI still
 * gives its exit code and message.
 */
const ERROR_CLASSES: Record<string, { prototype: object }> = { DivergenceError, ConfigError, InputError, RunError };

/** A worker started by prepareBackground, waiting for its task (fn and args) as a message. */
let prepared: { module: string | undefined; worker: Worker; early: Reply[] } | null = null;

/** Start the worker of the next inBackground call now: importing `module` at once, or (no
 * module) only starting the thread, the task's module imported when the task comes. */
export function prepareBackground(module?: string): void {
  if (prepared) return;
  const task: Task = { skillsimBackground: true, module };
  const worker = new Worker(new URL("./background-worker.js", import.meta.url), { workerData: task });
  const early: Reply[] = []; // an error while importing, kept for the task
  worker.on("message", (r: Reply) => early.push(r));
  worker.on("error", () => undefined); // reported when the task is run (the worker then exits)
  worker.unref(); // idle until its task: never holds the process open
  prepared = { module, worker, early };
}

export function inBackground<T>(module: string, fn: string, args: unknown[], onProgress?: (done: number, total: number) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let w: Worker;
    if (prepared && (prepared.module === module || prepared.module === undefined) && prepared.early.length === 0) {
      w = prepared.worker;
      w.removeAllListeners("message");
      w.removeAllListeners("error");
      w.ref();
      w.postMessage({ module, fn, args } satisfies Pick<Task, "module" | "fn" | "args">);
    } else {
      if (prepared) void prepared.worker.terminate(); // it failed to import, or is for another module: start afresh
      const task: Task = { skillsimBackground: true, module, fn, args };
      w = new Worker(new URL("./background-worker.js", import.meta.url), { workerData: task });
    }
    prepared = null;
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
      void w.terminate();
    };
    w.on("message", (r: Reply) => {
      if (r.kind === "progress") onProgress?.(r.done, r.total);
      else if (r.kind === "result") settle(() => resolve(r.value as T));
      else settle(() => reject(revive(r)));
    });
    w.on("error", (e) => settle(() => reject(e)));
    w.on("exit", (code) => settle(() => reject(new Error(`the computation's worker thread exited unexpectedly (code ${code})`))));
  });
}

function revive(r: Extract<Reply, { kind: "error" }>): Error {
  const cls = ERROR_CLASSES[r.cls] ?? (r.base ? ERROR_CLASSES[r.base] : undefined);
  const e = (cls ? Object.create(cls.prototype) : new Error(r.message)) as Error;
  Object.assign(e, r.fields);
  Object.defineProperty(e, "message", { value: r.message, writable: true, configurable: true });
  Object.defineProperty(e, "name", { value: r.name, writable: true, configurable: true });
  if (r.stack) Object.defineProperty(e, "stack", { value: r.stack, writable: true, configurable: true });
  return e;
}

export async function interruptible<T>(what: string, work: () => Promise<T>): Promise<T> {
  const remove = installInterruptHandler(what);
  try {
    const value = await work();
    await new Promise((r) => setTimeout(r, 1)); // a signal sent during the work is heard now, before any output
    return value;
  } finally {
    remove();
  }
}

/** SIGINT/SIGTERM -> a message naming what stopped and what was written, exit 130/143. Returns the remover. */
export function installInterruptHandler(what: string): () => void {
  const stop = (sig: "SIGINT" | "SIGTERM") => () => {
    const wrote = written.length === 0 ? "nothing was written" : `${written.join(", ")} had been written (whole); nothing else was`;
    process.stderr.write(`\nskillsim: interrupted by ${sig}: ${what} stopped; ${wrote}\n`);
    process.exit(sig === "SIGINT" ? 130 : 143);
  };
  const onInt = stop("SIGINT");
  const onTerm = stop("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  return () => {
    process.off("SIGINT", onInt);
    process.off("SIGTERM", onTerm);
  };
}
