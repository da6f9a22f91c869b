/**
 * What a config schema accepts at a key, read from the schema itself: the keys an object takes
 * there, and the plain forms a scalar union takes ("a positive integer or full"), for the error
 * messages of ./zod-issues.ts.
 *
 * zod has no public API for walking a schema, so this reads its definitions (`schema._zod.def`)
 * through the narrow view below, in this one module.
 */
import type { z } from "zod";
import type { Path } from "./document.js";

/** The fields of a zod definition this module reads (zod 4's `_zod.def`). */
interface Def {
  type: string;
  /** default, optional, nullable, prefault: the wrapped schema. */
  innerType?: Schema;
  /** union: the options. */
  options?: Schema[];
  /** object: each key's schema. */
  shape?: Record<string, Schema>;
  /** array: the item schema. */
  element?: Schema;
  /** literal: the accepted values. */
  values?: unknown[];
  /** enum: the accepted values by name. */
  entries?: Record<string, string | number>;
  /** number: its checks (each a schema whose def has `check`, and `format`, `value`, `inclusive`). */
  checks?: Schema[];
  check?: string;
  format?: string;
  value?: unknown;
  inclusive?: boolean;
}
type Schema = { _zod?: { def?: Def } } | undefined;

const WRAPPERS = ["default", "optional", "nullable", "prefault"];

function defOf(s: Schema): Def | undefined {
  return s?._zod?.def;
}

/** The schema under its default/optional/nullable/prefault wrappers. */
function unwrap(s: Schema): Schema {
  let x = s;
  while (defOf(x) && WRAPPERS.includes(defOf(x)!.type)) x = defOf(x)!.innerType;
  return x;
}

/** The schemas a value at this place may match: wrappers removed, unions spread into their options. */
function alternatives(s: Schema): Schema[] {
  const def = defOf(s);
  if (!def) return [];
  if (WRAPPERS.includes(def.type)) return alternatives(def.innerType);
  if (def.type === "union") return (def.options ?? []).flatMap(alternatives);
  return [s];
}

/**
 * When the key at `path` accepts one of a few plain values (`batch: full | B`), the accepted
 * forms in words ("a positive integer", "full"), so that an error lists them all, not just the
 * branch the value came closest to. Null for anything else.
 */
export function scalarUnionForms(schema: z.ZodType, path: Path): string[] | null {
  let cur: Schema = schema as Schema;
  for (const k of path) {
    const def = defOf(unwrap(cur));
    if (def?.type === "object" && typeof k === "string" && def.shape![k]) cur = def.shape![k];
    else if (def?.type === "array" && typeof k === "number") cur = def.element;
    else return null;
  }
  const def = defOf(unwrap(cur));
  if (def?.type !== "union") return null;
  const forms: string[] = [];
  const words: string[] = []; // literal values go last: "a positive integer or full"
  for (const o of def.options!) {
    const d = defOf(unwrap(o));
    if (d?.type === "literal") words.push(...d.values!.map(String));
    else if (d?.type === "enum") words.push(...Object.values(d.entries!).map(String));
    else if (d?.type === "number") forms.push(numberForm(d.checks ?? []));
    else if (d?.type === "boolean") forms.push("true or false");
    else return null;
  }
  return [...forms, ...words];
}

/** "a positive integer", "a number > 1", ... from a zod number's checks. */
function numberForm(checks: Schema[]): string {
  const defs = checks.map((c) => defOf(c) ?? ({} as Partial<Def>));
  const int = defs.some((c) => c.check === "number_format" && /int/.test(String(c.format)));
  const gt = defs.find((c) => c.check === "greater_than");
  const noun = int ? "integer" : "number";
  if (gt && gt.value === 0 && !gt.inclusive) return `a positive ${noun}`;
  if (gt && gt.value === 0 && gt.inclusive) return `a non-negative ${noun}`;
  if (gt) return `${article(noun)} ${gt.inclusive ? ">=" : ">"} ${gt.value}`;
  return article(noun);
}

/** "an integer", "a number", "an object", ...: a type name with its article. */
export function article(expected: string): string {
  if (expected === "int") return "an integer";
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/** The keys an object schema accepts at `path` (walking defaults, optionals, unions, arrays). */
export function keysAt(schema: z.ZodType, path: Path, value?: unknown): string[] {
  let cur = alternatives(schema as Schema);
  for (const k of path) {
    const next: Schema[] = [];
    for (const s of cur) {
      const def = defOf(s)!;
      if (def.type === "object" && typeof k === "string" && def.shape![k]) next.push(...alternatives(def.shape![k]));
      if (def.type === "array" && typeof k === "number") next.push(...alternatives(def.element));
    }
    cur = next;
  }
  // Of a discriminated union's options, only those whose literal fields agree with the value
  // ({name: sgd, ...} is checked against sgd's keys, not every optimizer's).
  const fits = (s: Schema): boolean => {
    if (typeof value !== "object" || value === null) return true;
    for (const [key, f] of Object.entries(defOf(s)!.shape!)) {
      const d = defOf(f);
      if (d?.type === "literal" && key in value && !d.values!.includes((value as Record<string, unknown>)[key])) return false;
    }
    return true;
  };
  const keys = new Set<string>();
  for (const s of cur) if (defOf(s)!.type === "object" && fits(s)) for (const key of Object.keys(defOf(s)!.shape!)) keys.add(key);
  return [...keys];
}
