/**
 * Progress on stderr, only on a TTY and never with --quiet. The bar appears only once a job
 * has run for a second, so short runs print nothing.
 */
import cliProgress from "cli-progress";
import { colorAllowed } from "./io.js";

export interface Progress {
  update(done: number, total: number, extra?: string): void;
  stop(): void;
}

const silent: Progress = { update() {}, stop() {} };

export function progressBar(label: string, quiet: boolean, unit = "steps"): Progress {
  if (quiet || !process.stderr.isTTY) return silent;
  const started = Date.now();
  let bar: cliProgress.SingleBar | null = null;
  return {
    update(done, total, extra = "") {
      if (!bar) {
        if (Date.now() - started < 1000) return;
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
