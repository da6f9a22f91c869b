/**
 * One writer per sweep output: `<out>.lock`, created with O_EXCL (so of two processes exactly
 * one succeeds), holds the holder's pid, host and start time. Without it, two `sweep --out F`
 * processes (a job array given the same file, a resubmitted job) would both run the missing
 * runs and append them twice.
 *
 * A lock whose holder is gone (same host, pid not alive: a kill -9, a node crash) is stale: it
 * is taken over, with a note. A lock from another host cannot be checked from here; the
 * message says so and how to remove it. The lock is removed when the sweep ends, however
 * it ends (success, error, signal; process exit as a last resort).
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { SweepError } from "./grid.js";

export interface LockHolder {
  pid: number;
  host: string;
  started: string;
}

export interface Lock {
  path: string;
  release(): void;
}

export function lockPath(out: string): string {
  return `${out}.lock`;
}

/** Whether process `pid` exists on this host (EPERM: it exists but is not ours). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readHolder(path: string): LockHolder | null {
  try {
    const h = JSON.parse(readFileSync(path, "utf8")) as Partial<LockHolder>;
    if (Number.isSafeInteger(h.pid) && typeof h.host === "string") return { pid: h.pid!, host: h.host, started: String(h.started ?? "") };
  } catch {
    /* unreadable or half-written: treated below */
  }
  return null;
}

/**
 * Take the lock on `out` or throw SweepError (exit 2) naming the holder. `note` hears about a
 * stale lock taken over.
 */
export function acquireLock(out: string, note?: (m: string) => void): Lock {
  const path = lockPath(out);
  const me: LockHolder = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, "wx"); // O_CREAT | O_EXCL | O_WRONLY
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "EEXIST") throw new SweepError(`${path}: cannot create the lock file for --out ${out}: ${code ?? (e as Error).message}`);
      const holder = readHolder(path);
      if (attempt === 0 && holder && holder.host === me.host && !alive(holder.pid)) {
        // Stale: re-read right before removing, so that a lock another process has just
        // taken over is left alone.
        const again = readHolder(path);
        if (again && again.pid === holder.pid && again.started === holder.started) {
          try {
            unlinkSync(path);
          } catch {
            /* someone else removed it first; try to create it again */
          }
          note?.(`${path}: took over a stale lock (process ${holder.pid} on ${holder.host}, started ${holder.started}, is gone)`);
        }
        continue;
      }
      const who = holder
        ? `process ${holder.pid} on ${holder.host} (started ${holder.started})`
        : "another process (the lock file is unreadable)";
      const fix = holder && holder.host !== me.host
        ? `; if no sweep is running there any more, delete ${path}`
        : holder ? "" : `; if no sweep is writing ${out}, delete ${path}`;
      throw new SweepError(`${out} is being written by ${who}; two sweeps writing one file would run the same runs twice. Wait for it, or write to another --out${fix}`);
    }
    try {
      writeSync(fd, JSON.stringify(me) + "\n");
    } finally {
      closeSync(fd);
    }
    break;
  }
  let held = true;
  const onExit = () => release();
  const release = () => {
    if (!held) return;
    held = false;
    process.off("exit", onExit);
    const h = readHolder(path);
    if (h && (h.pid !== me.pid || h.started !== me.started)) return; // not ours any more
    try {
      unlinkSync(path);
    } catch {
      /* already gone */
    }
  };
  process.on("exit", onExit); // a process.exit() elsewhere still removes it
  return { path, release };
}
