/**
 * The CLI in the test's own process: `cliIn(args)` runs src/cli/main.ts's main() as
 * bin/skillsim.js does and resolves to its exit code, stdout and stderr, like helpers.ts's
 * cli() without the cost of starting a process (and of loading the modules again each time).
 *
 * Each call gets what a fresh process would: the working directory (the repository root unless
 * `cwd` is given), the environment cli() gives a child (NO_COLOR, no progress lines) plus `env`,
 * standard output and error that are not terminals, and an empty list of written outputs. All of
 * it is put back afterwards, signal listeners the command left behind (as on an error after `fit`
 * installed its interrupt handler) are removed, exit listeners it left (a sweep's lock) are run as
 * the end of the process would run them, and calls run one at a time.
 *
 * What only a process shows stays with cli(): standard input, signals, a process's exit, the
 * real stdout or stderr as a file (/dev/stdout), and environment read when a module loads
 * (SKILLSIM_FIT_KERNELS, NODE_OPTIONS). cliIn refuses those arguments and variables.
 */
import { Writable } from "node:stream";
import { BIN, ROOT, type CliResult } from "./helpers.js";
import { main } from "../src/cli/main.js";
import { written } from "../src/cli/write.js";

/** Environment a module reads once, when loaded: only a child process sees a change. */
const LOAD_TIME_ENV = ["SKILLSIM_FIT_KERNELS", "NODE_OPTIONS"];
/** Process events a command listens to while it works (a process that ends drops them; cliIn removes them). */
const PROCESS_EVENTS = ["SIGINT", "SIGTERM", "exit"] as const;
/** Arguments that reach the process's own streams. */
const PROCESS_STREAMS = new Set(["-", "/dev/stdin", "/dev/stdout", "/dev/stderr", "/dev/fd/0", "/dev/fd/1", "/dev/fd/2"]);

/** A stream that keeps what is written to it, as a pipe would receive it. */
class Capture extends Writable {
  text = "";
  readonly isTTY = undefined;
  readonly columns = undefined;
  override write(chunk: unknown, encoding?: unknown, cb?: unknown): boolean {
    this.text += typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString(typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
    const done = typeof encoding === "function" ? encoding : cb;
    if (typeof done === "function") process.nextTick(done as () => void);
    return true;
  }
}

let queue: Promise<unknown> = Promise.resolve();

export function cliIn(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  const run = queue.then(() => once(args, opts));
  queue = run.catch(() => undefined);
  return run;
}

async function once(args: string[], opts: { cwd?: string; env?: Record<string, string> }): Promise<CliResult> {
  for (const a of args) if (PROCESS_STREAMS.has(a)) throw new Error(`cliIn: ${a} is the process's own stream; use cli() (a child process)`);
  for (const k of LOAD_TIME_ENV) if (opts.env && k in opts.env) throw new Error(`cliIn: ${k} is read when a module loads; use cli() (a child process)`);

  const env = { NO_COLOR: "1", SKILLSIM_PROGRESS_INTERVAL: "1e9", ...opts.env };
  const savedEnv = new Map(Object.keys(env).map((k) => [k, process.env[k]]));
  const savedCwd = process.cwd();
  const savedStreams = { stdout: Object.getOwnPropertyDescriptor(process, "stdout")!, stderr: Object.getOwnPropertyDescriptor(process, "stderr")! };
  const out = new Capture();
  const err = new Capture();
  const listeners = PROCESS_EVENTS.map((ev) => [ev, new Set((process as NodeJS.EventEmitter).listeners(ev))] as const);
  written.length = 0;
  try {
    Object.assign(process.env, env);
    process.chdir(opts.cwd ?? ROOT);
    Object.defineProperty(process, "stdout", { value: out, configurable: true, enumerable: true, writable: true });
    Object.defineProperty(process, "stderr", { value: err, configurable: true, enumerable: true, writable: true });
    const code = await main([process.execPath, BIN, ...args]);
    return { code, stdout: out.text, stderr: err.text };
  } finally {
    Object.defineProperty(process, "stdout", savedStreams.stdout);
    Object.defineProperty(process, "stderr", savedStreams.stderr);
    for (const [ev, before] of listeners)
      for (const l of (process as NodeJS.EventEmitter).listeners(ev)) {
        if (before.has(l)) continue;
        (process as NodeJS.EventEmitter).off(ev, l as () => void);
        if (ev === "exit") (l as (code: number) => void)(0); // what the end of the process would run
      }
    process.chdir(savedCwd);
    for (const [k, v] of savedEnv) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    written.length = 0;
  }
}
