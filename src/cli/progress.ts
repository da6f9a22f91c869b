/**
 * Progress on stderr, never with --quiet.
 *
 * On a terminal: a bar, shown once a job has run for a second (short runs print nothing).
 * Off a terminal (a Slurm log, `2> log`): one plain line now and then, so that a long job
 * shows it is alive without filling the log. The first line comes after INTERVAL seconds
 * (5; SKILLSIM_PROGRESS_INTERVAL overrides), then a line when INTERVAL seconds have passed
 * since the last one and either 10% more is done or 12 x INTERVAL (a minute) has passed;
 * a job that printed a line prints a last one when it completes.
 */
import { createRequire } from "node:module";
import type { SingleBar } from "cli-progress";
import { colorAllowed } from "./terminal.js";

// cli-progress is loaded only when a bar is drawn (a terminal, a job longer than a second),
// not at start-up; it is CommonJS, so require() gives the module an `import` would.
const requireHere = createRequire(import.meta.url);

export interface Progress {
  update(done: number, total: number, extra?: string): void;
  stop(): void;
}

const silent: Progress = { update() {}, stop() {} };

export function progressBar(label: string, quiet: boolean, unit = "steps"): Progress {
  if (quiet) return silent;
  if (!process.stderr.isTTY) return progressLines(label, unit, progressInterval());
  const started = Date.now();
  let bar: SingleBar | null = null;
  return {
    update(done, total, extra = "") {
      if (!bar) {
        if (Date.now() - started < 1000) return;
        const cliProgress = requireHere("cli-progress") as typeof import("cli-progress");
        bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: `${label} {bar} {percentage}% | {value}/{total} ${unit} | eta {eta_formatted}{extra}`,
            barCompleteChar: "█",
            barIncompleteChar: "░",
            hideCursor: true,
            clearOnComplete: true,
            etaBuffer: 50,
            noTTYOutput: false,
            formatValue: (v: number, _o: unknown, type: string) => (type === "value" || type === "total" ? String(Math.round(v)) : String(v)),
          },
          colorAllowed(process.stderr) ? cliProgress.Presets.shades_classic : cliProgress.Presets.legacy,
        );
        bar.start(total, done, { extra });
      }
      bar.update(done, { extra });
    },
    stop() {
      bar?.stop();
    },
  };
}

/** Seconds between progress lines off a terminal (SKILLSIM_PROGRESS_INTERVAL, default 5). */
function progressInterval(): number {
  const v = Number(process.env.SKILLSIM_PROGRESS_INTERVAL);
  return process.env.SKILLSIM_PROGRESS_INTERVAL !== undefined && Number.isFinite(v) && v >= 0 ? v : 5;
}

/** "12 s", "3 min 20 s", "1 h 05 min". */
function duration(s: number): string {
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(Math.round(s - 60 * m)).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

/** The plain-line progress of a job whose stderr is not a terminal. */
export function progressLines(label: string, unit: string, intervalSeconds: number, write = (s: string) => void process.stderr.write(s)): Progress {
  const interval = intervalSeconds * 1000;
  const started = Date.now();
  let lastAt = started;
  let lastFraction = 0;
  let printed = false;
  let last: { done: number; total: number; extra: string } | null = null;
  const line = (done: number, total: number, extra: string, now: number) => {
    const elapsed = (now - started) / 1000;
    const f = total > 0 ? done / total : 0;
    const eta = f > 0 && f < 1 ? `, about ${duration((elapsed * (1 - f)) / f)} left` : "";
    const more = extra.replace(/^\s*\|\s*/, ", ");
    write(`skillsim: progress: ${label} ${Math.floor(100 * f)}% (${Math.round(done)}/${Math.round(total)} ${unit}, ${duration(elapsed)}${eta}${more})\n`);
    printed = true;
    lastAt = now;
    lastFraction = f;
  };
  return {
    update(done, total, extra = "") {
      last = { done, total, extra };
      const now = Date.now();
      if (now - lastAt < interval || total <= 0 || done >= total) return;
      const f = done / total;
      if (!printed || f - lastFraction >= 0.1 || now - lastAt >= 12 * interval) line(done, total, extra, now);
    },
    stop() {
      if (printed && last && last.done >= last.total && lastFraction < 1) line(last.done, last.total, last.extra, Date.now());
    },
  };
}
