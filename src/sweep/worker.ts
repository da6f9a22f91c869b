/**
 * One sweep run -> one JSON line, in a worker thread or in-process (`--jobs 1`).
 *
 * Line (keys in this order; a public contract read by `merge`, `fit`, `table` and the sweep
 * figure): the record of `run --json` without its per-step trace:
 *   {"id", "overrides", "final": {"loss"}, "skills": [as `run --json`, with each final level],
 *    "warnings", "summary" (as `run --json`: the model's own numbers, e.g. lossBelow),
 *    "domino" (as `run --json`, plus "ratios": every learned_r / learned_1), "trace": {"t", "loss"},
 *    "config" (the run's full config, so `fit` finds N and the batch size), "config_hash",
 *    "provenance" (skillsim and Node versions, config hash, seed)}
 * Lines written before summary and domino were added lack them; every reader accepts both.
 * With job.keep the run's whole result (its `run --json` record, per-step levels included) comes
 * back too, as a kept-run line (results/kept-runs.ts) for the caller's side file.
 * A run that diverges gives {"id", "overrides", "error", "config", "config_hash"}, so the other
 * runs carry on and --resume does not retry a run that would diverge again.
 *
 * As a worker (started by run.ts with workerData.skillsimSweepWorker): receives Job messages
 * (validated configs, structured-cloned) and posts back a JobReply for each.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { Config } from "../config/schema.js";
import { learnedRatios } from "../models/timeline.js";
import { runModel } from "../models/index.js";
import { DivergenceError } from "../models/types.js";
import { buildResult, provenance } from "../report/result.js";
import { configHash } from "../config/hash.js";
import { keptRunLine } from "../results/kept-runs.js";

export interface Job {
  id: number;
  overrides: Record<string, unknown>;
  cfg: Config;
  /** Also return the run's whole result (the `run --json` record) as a kept-run line (results/kept-runs.ts). */
  keep?: boolean;
}

/** `failure`: the run diverged (its line carries the message). `warnings`: the run's warnings (its
 * line carries them), when it has any. `internal`: a bug; stop the sweep.
 * `ms`: time the run took in the worker. */
export type JobReply = { id: number; line: string; failure?: string; kept?: string; warnings?: string[]; ms: number } | { id: number; internal: string; stack?: string };

export function runJob(job: Job): { line: string; failure?: string; kept?: string; warnings?: string[] } {
  const { id, overrides, cfg } = job;
  try {
    const result = buildResult(cfg, runModel(cfg));
    const line = JSON.stringify({
      id,
      overrides,
      final: { loss: result.final.loss },
      skills: result.skills,
      warnings: result.warnings,
      summary: result.summary,
      domino: result.domino && { ...result.domino, ratios: learnedRatios(result.skills.map((s) => s.frequency), result.skills.map((s) => s.learned)) },
      trace: { t: result.trace.t, loss: result.trace.loss },
      config: cfg,
      config_hash: result.provenance.config_hash,
      provenance: result.provenance,
    });
    // the run's warnings also come back apart, so the sweep can say that some runs have them
    const warned = result.warnings.length > 0 ? { warnings: result.warnings } : {};
    return job.keep ? { line, kept: keptRunLine(id, result.provenance.config_hash, result), ...warned } : { line, ...warned };
  } catch (e) {
    if (!(e instanceof DivergenceError)) throw e;
    return { line: JSON.stringify({ id, overrides, error: e.message, config: cfg, config_hash: configHash(cfg), provenance: provenance(cfg) }), failure: e.message };
  }
}

if (parentPort && (workerData as { skillsimSweepWorker?: boolean } | null)?.skillsimSweepWorker) {
  const port = parentPort;
  port.on("message", (job: Job) => {
    let reply: JobReply;
    const t0 = performance.now();
    try {
      const r = runJob(job);
      reply = { id: job.id, ...r, ms: performance.now() - t0 };
    } catch (e) {
      reply = { id: job.id, internal: e instanceof Error ? e.message : String(e), stack: (e as Error)?.stack };
    }
    port.postMessage(reply);
  });
}
