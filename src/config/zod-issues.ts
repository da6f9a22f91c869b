/**
 * zod's issues -> one ConfigError: the most specific issue of a union, worded for the key it is
 * about (the valid keys or forms there, the closest name to a misspelling), placed by ./document.ts.
 */
import type { z } from "zod";
import { dotted, whereOf, type Located, type Path } from "./document.js";
import { ConfigError, describeValue, suggest } from "./errors.js";
import { article, keysAt, scalarUnionForms } from "./zod-schema.js";

type Issue = z.core.$ZodIssue;

export function zodToConfigError(loc: Located, schema: z.ZodType, issues: readonly Issue[], raw: unknown): ConfigError {
  const issue = mostSpecific(issues, raw);
  const path = issue.path as Path;
  if (issue.code === "unrecognized_keys") {
    const bad = issue.keys[0];
    const full = [...path, bad];
    const here = valueAt(raw, path);
    const valid = keysAt(schema, path, here);
    const hint = suggest(bad, valid);
    const list = valid.length ? `; valid keys here: ${valid.join(", ")}` : "";
    // A key of another option of a discriminated union ({name: sgd, beta1: 0.9}): say so.
    const name = (here as Record<string, unknown> | undefined)?.name;
    if (typeof name === "string" && keysAt(schema, path).includes(bad))
      return new ConfigError(`${name} does not use ${bad}${hint || list}`, whereOf(loc, full, true), dotted(full));
    return new ConfigError(`unknown key${hint || list}`, whereOf(loc, full, true), dotted(full));
  }
  const value = valueAt(raw, path);
  // A discriminated union (optimizer: {name, ...}) whose discriminator matches no option.
  const disc = issue as Issue & { note?: string; options?: unknown[] };
  if (issue.code === "invalid_union" && disc.note === "No matching discriminator" && Array.isArray(disc.options)) {
    const names = disc.options.map(String);
    return new ConfigError(`must be one of ${names.join(", ")}, got ${describeValue(value)}${suggest(String(value), names)}`, whereOf(loc, path), dotted(path));
  }
  const forms = scalarUnionForms(schema, path);
  const message = forms ? `must be ${forms.join(" or ")}, got ${describeValue(value)}` : describe(issue, value);
  return new ConfigError(message, whereOf(loc, path), dotted(path) || "(top level)");
}


/** For a union failure, dig into the branch that got furthest; prefer unknown-key reports. */
function mostSpecific(issues: readonly Issue[], raw: unknown): Issue {
  let best = issues[0];
  if (best.code !== "invalid_union") return best;
  const v = valueAt(raw, best.path as Path);
  let candidates: Issue[] = [];
  // A branch whose keys all fit ({zipf: .inf} for {zipf: a}) explains the error better than
  // one that does not know a key ({exponential: r} does not know zipf).
  const fitting: Issue[] = [];
  for (const branch of best.errors) {
    const keysFit = !branch.some((sub) => sub.code === "unrecognized_keys");
    for (const sub of branch) {
      const full = { ...sub, path: [...best.path, ...sub.path] } as Issue;
      // A branch whose top-level type differs from the value says little ("expected array").
      if (sub.path.length === 0 && sub.code === "invalid_type") continue;
      if (sub.path.length === 0 && sub.code === "invalid_value" && typeof v === "object") continue;
      candidates.push(full);
      if (keysFit && typeof v === "object" && v !== null && sub.path.length > 0) fitting.push(full);
    }
  }
  if (fitting.length > 0) candidates = fitting;
  if (candidates.length === 0) return best;
  // An unknown key explains a branch mismatch best ({zif: 2}); otherwise the deepest issue.
  const rank = (i: Issue) => (i.code === "unrecognized_keys" ? 1000 : 0) + i.path.length;
  candidates.sort((a, b) => rank(b) - rank(a));
  best = mostSpecific([candidates[0]], raw);
  return best;
}

function describe(issue: Issue, value: unknown): string {
  const got = describeValue(value);
  switch (issue.code) {
    case "invalid_type":
      if (value === undefined) return `missing; expected ${issue.expected}`;
      if (typeof value === "number" && !Number.isFinite(value)) return `must be a finite number, got ${got}`;
      return `expected ${article(issue.expected)}, got ${value === null ? "null" : `${typeName(value)} ${got}`}`;
    case "too_small": {
      const min = Number(issue.minimum);
      if (issue.origin === "array") return `needs at least ${min} item${min === 1 ? "" : "s"}`;
      if (issue.origin === "string") return min === 1 ? "must not be empty" : `needs at least ${min} characters, got ${got}`;
      return `must be ${issue.inclusive ? ">=" : ">"} ${min}, got ${got}`;
    }
    case "too_big":
      if (issue.origin === "array") return `has too many items (at most ${Number(issue.maximum)})`;
      return `must be ${issue.inclusive ? "<=" : "<"} ${Number(issue.maximum)}, got ${got}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((x) => JSON.stringify(x)).join(", ")}, got ${got}${suggest(String(value), issue.values.map(String))}`;
    case "invalid_union":
      return `has the wrong form, got ${got}; see \`skillsim init\` for the accepted forms`;
    case "not_multiple_of":
      return `must be a multiple of ${issue.divisor}, got ${got}`;
    default:
      return `${issue.message}, got ${got}`;
  }
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (v instanceof Date) return "a date";
  if (ArrayBuffer.isView(v)) return "binary data";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `a ${typeof v}`;
}

/** The value at `path` in the raw (unvalidated) config, or undefined. */
function valueAt(raw: unknown, path: Path): unknown {
  let v: unknown = raw;
  for (const k of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}
