/**
 * Reading any result skillsim writes, for a reader that takes several kinds (`skillsim check`):
 * the kind is told apart by content, not by file name, and each kind is then checked by its own
 * reader (./run-json.ts, ./sweep-lines.ts, ./fit-json.ts). Where the text is not JSON the error
 * points at line:col, the same on every Node version (jsonSyntaxError).
 *
 *   run    `skillsim run --json`        {model, config, skills, final, summary, domino, trace, provenance}
 *   sweep  `skillsim sweep` JSON Lines   one {id, overrides, final, skills, trace, config_hash} per line
 *   fit    `skillsim fit --json`        {form, n, params, objective, rmse_log, intervals, allocation}
 */
import { ResultsError } from "./errors.js";
import { checkFitJson, looksLikeFitJson, type FitJson } from "./fit-json.js";
import { checkRunJson, type RunJson } from "./run-json.js";
import { checkSweepLine, readSweepLine, type SweepLine } from "./sweep-lines.js";

export type ResultKind = "run" | "sweep" | "fit";

/** A result file as read: one run, one fit, or the lines of a sweep (with their 1-based numbers). */
export type ResultDocument =
  | { kind: "run"; run: RunJson }
  | { kind: "fit"; fit: FitJson }
  | { kind: "sweep"; lines: { line: number; value: SweepLine }[] };

type Obj = Record<string, unknown>;

/**
 * Read a result of any kind, told apart by content. A run and a fit may hold null where JSON
 * wrote a NaN (a reader that compares them reports it); a sweep may be one line or many.
 * Every failure is a ResultsError naming the file (and line, or line:col where the text is
 * not JSON).
 */
export function readResultDocument(text: string, name: string): ResultDocument {
  if (text.trim() === "") throw new ResultsError(`${name}: is empty, expected a skillsim result (run --json, sweep JSON Lines or fit --json)`);
  let whole: unknown;
  let wholeError: Error | null = null;
  try {
    whole = JSON.parse(text); // one document: a run, a fit or a single sweep line
  } catch (e) {
    wholeError = e as Error;
  }
  if (wholeError === null) {
    if (!isObj(whole)) throw new ResultsError(`${name}: is JSON but not a skillsim result (expected an object, got ${typeName(whole)})`);
    if ("id" in whole && "overrides" in whole) return { kind: "sweep", lines: [{ line: 1, value: checkSweepLine(whole, name) }] };
    if (looksLikeFitJson(whole)) return { kind: "fit", fit: checkFitJson(whole, name, { nulls: true }) };
    if (Array.isArray(whole.skills) && (typeof whole.model === "string" || isObj(whole.trace) || isObj(whole.provenance)))
      return { kind: "run", run: checkRunJson(whole, name, { nulls: true }) };
    throw new ResultsError(`${name}: is JSON but not a skillsim result: expected a run (run --json: model, skills, trace), a sweep line (id, overrides) or a fit (fit --json: form, params)`);
  }
  // JSON Lines (a sweep): every non-empty line one object, read by the sweep-line reader.
  const lines = text.split("\n");
  const first = lines.findIndex((l) => l.trim() !== "");
  const nonEmpty = lines.filter((l) => l.trim() !== "").length;
  if (nonEmpty < 2 || !lines[first].trimStart().startsWith("{") || jsonSyntaxError(lines[first]) !== null) throw new ResultsError(notJson(name, text, wholeError));
  const out: { line: number; value: SweepLine }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.trim() === "") continue;
    let value: SweepLine;
    try {
      value = readSweepLine(l, `${name}:${i + 1}`, i < lines.length - 1);
    } catch (e) {
      // Not JSON: say where in the line (the sweep-line reader names only the line).
      if (e instanceof ResultsError && jsonSyntaxError(l) !== null) throw new ResultsError(`${notJson(name, l, e, i + 1)}; a sweep result has one JSON object per line`);
      throw e;
    }
    out.push({ line: i + 1, value });
  }
  return { kind: "sweep", lines: out };
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  return `a ${typeof v}`;
}

/** "name:line:col: not valid JSON: why", the same on every Node version (V8's messages vary). */
function notJson(name: string, text: string, e: Error, lineNo?: number): string {
  const err = jsonSyntaxError(text);
  if (!err) return `${lineNo ? `${name}:${lineNo}` : name}: not valid JSON (${e.message.split("\n")[0].slice(0, 80)})`;
  const before = text.slice(0, err.at);
  const line = lineNo ?? before.split("\n").length;
  const col = err.at - before.lastIndexOf("\n");
  return `${name}:${line}:${col}: not valid JSON: ${err.what}`;
}

/**
 * Where and why `text` is not JSON (RFC 8259), or null if it is. Iterative, so deep nesting
 * cannot overflow the stack; only used after JSON.parse has failed, to point at the problem.
 */
export function jsonSyntaxError(text: string): { at: number; what: string } | null {
  const n = text.length;
  const stack: string[] = [];
  let i = 0;
  let want: "value" | "valueOrEnd" | "key" | "keyOrEnd" | "colon" | "commaOrEnd" = "value";
  const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const show = (c: string) => JSON.stringify(c);
  const string = (): { at: number; what: string } | null => {
    for (i++; i < n; i++) {
      const c = text[i];
      if (c === '"') {
        i++;
        return null;
      }
      if (c < " ") return { at: i, what: "a control character (e.g. a line break) inside a string" };
      if (c === "\\") {
        const d = text[++i];
        if (d === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) return { at: i - 1, what: "a bad \\u escape in a string" };
          i += 4;
        } else if (d === undefined || !'"\\/bfnrt'.includes(d)) return { at: i - 1, what: "a bad escape in a string" };
      }
    }
    return { at: n, what: "the input ends inside a string" };
  };
  for (;;) {
    while (i < n && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
    if (i >= n) return stack.length === 0 && want === "commaOrEnd" ? null : { at: n, what: "the input ends too early" };
    const c = text[i];
    if (want === "value" || want === "valueOrEnd") {
      if (want === "valueOrEnd" && c === "]") {
        stack.pop();
        i++;
        want = "commaOrEnd";
      } else if (c === "{" || c === "[") {
        stack.push(c);
        i++;
        want = c === "{" ? "keyOrEnd" : "valueOrEnd";
      } else if (c === '"') {
        const e = string();
        if (e) return e;
        want = "commaOrEnd";
      } else {
        number.lastIndex = i;
        const m = number.exec(text);
        const word = /^(true|false|null)/.exec(text.slice(i, i + 5));
        if (m && m[0].length > 0) i += m[0].length;
        else if (word) i += word[0].length;
        else return { at: i, what: `unexpected ${show(c)} where a value should be` };
        want = "commaOrEnd";
      }
    } else if (want === "key" || want === "keyOrEnd") {
      if (want === "keyOrEnd" && c === "}") {
        stack.pop();
        i++;
        want = "commaOrEnd";
      } else if (c === '"') {
        const e = string();
        if (e) return e;
        want = "colon";
      } else return { at: i, what: `unexpected ${show(c)} where a "quoted" property name should be` };
    } else if (want === "colon") {
      if (c !== ":") return { at: i, what: `unexpected ${show(c)} where ':' should follow a property name` };
      i++;
      want = "value";
    } else {
      const top = stack[stack.length - 1];
      const close = top === "{" ? "}" : "]";
      if (top === undefined) return { at: i, what: `unexpected ${show(c)} after the end of the JSON value` };
      if (c === ",") {
        i++;
        want = top === "{" ? "key" : "value";
      } else if (c === close) {
        stack.pop();
        i++;
      } else return { at: i, what: `unexpected ${show(c)} where ',' or '${close}' should be` };
    }
  }
}
