/**
 * Fit JSON, the output of `skillsim fit --json` (one fit; fields: report/fit.ts). The reader
 * checks the shape every consumer relies on (the form, the number of points, the fitted
 * parameters of that form) and words each failure once, naming the file. FIT_PARAMS is the one
 * list of each form's parameters, in the order the writer puts them.
 */
import { ResultsError, parseJsonDocument } from "./errors.js";

/** The parameters of each fitted law, in the order `skillsim fit --json` writes them. */
export const FIT_PARAMS = {
  chinchilla: ["E", "A", "B", "alpha", "beta"],
  powerlaw: ["E", "A", "alpha"],
} as const satisfies Record<string, readonly string[]>;

export type FitForm = keyof typeof FIT_PARAMS;

/** What a reader of a fit result may rely on after readFitJson. */
export interface FitJson {
  form: FitForm;
  /** Number of data points. */
  n: number;
  /** At least the form's parameters (FIT_PARAMS), each a number (or null, with `nulls`). */
  params: Record<string, number>;
  [field: string]: unknown;
}

/** How strict the check is. */
export interface FitJsonOptions {
  /** Let a parameter be null, which is how JSON writes a NaN: for a reader that compares it (check). */
  nulls?: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Check that `text` is a fit result; every failure is one line naming the file. */
export function readFitJson(text: string, name: string, opts: FitJsonOptions = {}): FitJson {
  return checkFitJson(parseJsonDocument(text, name, "skillsim fit --json"), name, opts);
}

/** Check a parsed document as readFitJson does (for a caller that has parsed it already). */
export function checkFitJson(v: unknown, name: string, opts: FitJsonOptions = {}): FitJson {
  if (!isObject(v) || typeof v.form !== "string" || !isObject(v.params)) {
    throw new ResultsError(`${name}: not a fit result (expected the JSON of \`skillsim fit --json\`, with form and params)`);
  }
  if (!Object.hasOwn(FIT_PARAMS, v.form)) {
    throw new ResultsError(`${name}: unknown fit form ${JSON.stringify(v.form)}; \`skillsim fit\` writes ${Object.keys(FIT_PARAMS).map((f) => JSON.stringify(f)).join(" or ")}`);
  }
  const form = v.form as FitForm;
  const names = FIT_PARAMS[form];
  for (const k of names) {
    const p = v.params[k];
    if (!(typeof p === "number" || (opts.nulls === true && p === null))) {
      throw new ResultsError(`${name}: params.${k} must be a number (a ${form} fit has params ${names.join(", ")})`);
    }
  }
  if (!Number.isSafeInteger(v.n) || (v.n as number) < 0) throw new ResultsError(`${name}: n must be a whole number >= 0 (the number of data points)`);
  return v as FitJson;
}

/** Whether a parsed document is meant as a fit result (then checkFitJson decides whether it is one). */
export function looksLikeFitJson(v: Record<string, unknown>): boolean {
  return typeof v.form === "string" && isObject(v.params);
}
