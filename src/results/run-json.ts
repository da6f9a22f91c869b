/**
 * Run JSON, the output of `skillsim run --json` (fields: report/result.ts). The reader checks
 * the shape every consumer relies on and words each failure once, naming the file.
 */
import { ResultsError } from "./errors.js";

/** What a reader of a run result may rely on after readRunJson. */
export interface RunJson {
  model: string;
  config: { steps?: number; loss?: string; timeline?: { on?: string }; [key: string]: unknown };
  trace: { t: number[]; loss: number[]; level: number[][]; extra?: Record<string, unknown> };
  [field: string]: unknown;
}

const isNums = (a: unknown): a is number[] => Array.isArray(a) && a.every((x) => typeof x === "number");

/** Check that `text` is a run JSON with a usable trace; every failure is one line naming the file. */
export function readRunJson(text: string, name: string): RunJson {
  let v: any;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ResultsError(`${name}: not a JSON document (${(e as Error).message}); give the output of \`skillsim run --json\``);
  }
  if (!v || typeof v !== "object" || Array.isArray(v) || typeof v.model !== "string" || !v.trace || typeof v.trace !== "object") {
    throw new ResultsError(`${name}: not a run result (expected the JSON of \`skillsim run --json\`, with model and trace)`);
  }
  const tr = v.trace;
  if (!isNums(tr.t) || !isNums(tr.loss) || tr.t.length !== tr.loss.length) {
    throw new ResultsError(`${name}: trace.t and trace.loss must be number lists of the same length`);
  }
  if (!Array.isArray(tr.level) || !tr.level.every((row: unknown) => isNums(row) && (row as number[]).length === tr.t.length)) {
    throw new ResultsError(`${name}: trace.level must hold one number list per skill, each as long as trace.t`);
  }
  if (!v.config || typeof v.config !== "object") throw new ResultsError(`${name}: the run result has no config`);
  return v as RunJson;
}
