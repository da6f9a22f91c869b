/**
 * The worker-thread side of background.ts: imports `task.module` (relative to dist/src/),
 * calls `task.fn(...task.args, {onProgress})` and posts progress, the result or the error.
 * Imports nothing else heavy, so the thread starts quickly.
 */
import { parentPort, workerData } from "node:worker_threads";
import { InputError, RunError } from "../errors.js";

export interface Task {
  skillsimBackground: true;
  /** Absent (prepareBackground without a module): the first message names it. */
  module?: string;
  /** With fn and args absent (prepareBackground), the thread imports the module at once (when
   * named) and waits for them as its first message. */
  fn?: string;
  args?: unknown[];
}

export type Reply =
  | { kind: "progress"; done: number; total: number }
  | { kind: "result"; value: unknown }
  /** cls: the error's class name; base: which of skillsim's two error bases it derives from, if any. */
  | { kind: "error"; cls: string; base: "InputError" | "RunError" | null; name: string; message: string; stack?: string; fields: Record<string, unknown> };

/** Progress messages at most this often (the models call onProgress a few hundred times). */
const PROGRESS_MS = 50;

if (parentPort && (workerData as Partial<Task> | null)?.skillsimBackground) {
  const port = parentPort;
  const task = workerData as Task;
  void (async () => {
    try {
      const given = task.fn === undefined ? new Promise<Pick<Task, "module" | "fn" | "args">>((r) => port.once("message", r)) : Promise.resolve(task);
      const module = task.module ?? (await given).module;
      const mod = (await import(new URL(`../${module}`, import.meta.url).href)) as Record<string, (...a: unknown[]) => unknown>;
      const { fn, args } = (await given) as Required<Pick<Task, "fn" | "args">>;
      let lastAt = 0;
      const onProgress = (done: number, total: number) => {
        const now = Date.now();
        if (now - lastAt < PROGRESS_MS && done < total) return;
        lastAt = now;
        port.postMessage({ kind: "progress", done, total } satisfies Reply);
      };
      const value = await mod[fn](...args, { onProgress });
      port.postMessage({ kind: "result", value } satisfies Reply);
    } catch (e) {
      const err = e as Error;
      const cls = (err?.constructor as { name?: string } | undefined)?.name ?? "";
      const base = e instanceof InputError ? "InputError" : e instanceof RunError ? "RunError" : null;
      const fields: Record<string, unknown> = {};
      if (err && typeof err === "object") for (const [k, v] of Object.entries(err)) if (typeof v !== "function") fields[k] = v;
      const reply: Reply = { kind: "error", cls, base, name: err?.name ?? "Error", message: err?.message ?? String(e), stack: err?.stack, fields };
      try {
        port.postMessage(reply);
      } catch {
        port.postMessage({ ...reply, fields: {} }); // a field that cannot be copied
      }
    }
  })();
}
