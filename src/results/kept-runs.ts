/**
 * Kept run results, JSON Lines written beside a sweep's output when a caller asks the sweep to
 * keep each run's whole result (`skillsim study` does, for the figures and calibrations that need
 * the per-step level curves a sweep line leaves out). One line per run:
 *
 *   {"id": N, "config_hash": "...", "result": <the record of `skillsim run --json`>}
 *
 * The one reader of this format: each line checked (id, config_hash, and its result as a run
 * JSON by checkRunJson); a last line cut short (an interrupted sweep) is dropped; for an id
 * written twice the last line counts (a run re-run after its line was found stale).
 */
import { existsSync } from "node:fs";
import { ResultsError } from "./errors.js";
import { checkRunJson, type RunJson } from "./run-json.js";
import { forEachLine } from "./sweep-lines.js";

export interface KeptRun {
  id: number;
  config_hash: string;
  result: RunJson;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** One kept line: `{"id", "config_hash", "result"}`, as keptRunLine writes it. */
export function keptRunLine(id: number, configHash: string, result: unknown): string {
  return JSON.stringify({ id, config_hash: configHash, result });
}

/** Parse and check one line (`where`: file:line). */
export function readKeptRun(text: string, where: string): KeptRun {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new ResultsError(`${where}: not a JSON line; a file of kept run results has one JSON object per line`);
  }
  if (!isObject(v) || !Number.isSafeInteger(v.id) || (v.id as number) < 0 || typeof v.config_hash !== "string")
    throw new ResultsError(`${where}: not a kept run result (expected {"id", "config_hash", "result"})`);
  checkRunJson(v.result, `${where}: run ${v.id}`);
  return v as unknown as KeptRun;
}

/**
 * Every kept result of a file by run id (the last line for an id); an empty map for a file that
 * does not exist. An incomplete last line is left out.
 */
export function readKeptRuns(path: string): Map<number, KeptRun> {
  const out = new Map<number, KeptRun>();
  if (!existsSync(path)) return out;
  forEachLine(path, (buf, lineNo, _offset, terminated) => {
    const text = buf.toString("utf8");
    if (text.trim() === "" || !terminated) return;
    const r = readKeptRun(text, `${path}:${lineNo}`);
    out.set(r.id, r);
  });
  return out;
}
