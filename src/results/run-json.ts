/**
 * Run JSON, the output of `skillsim run --json` (fields: report/result.ts). The reader checks
 * the shape every consumer relies on and words each failure once, naming the file. Readers
 * that take several formats tell a run JSON apart by content with runJsonDocument, then check
 * it with checkRunJson (readRunJson is the two in one).
 */
import { ResultsError, parseJsonDocument } from "./errors.js";
import { startsWithSweepLine } from "./sweep-lines.js";

/** What a reader of a run result may rely on after readRunJson. */
export interface RunJson {
  model: string;
  config: { steps?: number; loss?: string; timeline?: { on?: string }; [key: string]: unknown };
  trace: { t: number[]; loss: number[]; level: number[][]; extra?: Record<string, unknown> };
  [field: string]: unknown;
}

/** How strict the check is. */
export interface RunJsonOptions {
  /**
   * Let trace.loss and trace.level hold null, which is how JSON writes a NaN (a run that went
   * wrong): for a reader that names the bad value itself (calibrate says which skill and time).
   * Then a trace value is a number or null, whatever the RunJson type says.
   */
  nulls?: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const isNums = (a: unknown, nulls = false): a is number[] => Array.isArray(a) && a.every((x) => typeof x === "number" || (nulls && x === null));

/**
 * Check that `text` is a run JSON with a usable trace; every failure is one line naming the file.
 * A sweep's output given instead is named as one (its lines are runs whose traces hold no skill
 * levels), not as "not a JSON document" or "not a run result".
 */
export function readRunJson(text: string, name: string, opts: RunJsonOptions = {}): RunJson {
  try {
    return checkRunJson(parseJsonDocument(text, name, "skillsim run --json"), name, opts);
  } catch (e) {
    if (e instanceof ResultsError && startsWithSweepLine(text))
      throw new ResultsError(`${name}: is a sweep's JSON Lines (the output of \`skillsim sweep\`), whose traces carry no skill levels; give one run's \`skillsim run --json\` result`);
    throw e;
  }
}

/** Check a parsed document as readRunJson does (for a caller that has parsed it already). */
export function checkRunJson(v: unknown, name: string, opts: RunJsonOptions = {}): RunJson {
  if (!isObject(v) || typeof v.model !== "string" || !isObject(v.trace)) {
    throw new ResultsError(`${name}: not a run result (expected the JSON of \`skillsim run --json\`, with model and trace)`);
  }
  const tr = v.trace;
  const nulls = opts.nulls === true;
  if (!isNums(tr.t) || !isNums(tr.loss, nulls) || tr.t.length !== tr.loss.length) {
    throw new ResultsError(`${name}: trace.t and trace.loss must be number lists of the same length`);
  }
  const n = tr.t.length;
  if (!Array.isArray(tr.level) || !tr.level.every((row: unknown) => isNums(row, nulls) && row.length === n)) {
    throw new ResultsError(`${name}: trace.level must hold one number list per skill, each as long as trace.t`);
  }
  if (!isObject(v.config)) throw new ResultsError(`${name}: the run result has no config`);
  return v as RunJson;
}

/**
 * The parsed document when `text` is one JSON object shaped as a run result (it has model and
 * trace, and is not a sweep line: no id or overrides), else null. Only tells formats apart:
 * check the document with checkRunJson before relying on its fields.
 */
export function runJsonDocument(text: string): Record<string, unknown> | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(v) || "overrides" in v || "id" in v) return null;
  return "model" in v && "trace" in v ? v : null;
}
