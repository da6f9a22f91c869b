/**
 * Selecting rows of a fit table: --where (keep the rows matching every clause), --holdout
 * (split into matching rows and the rest) and --by (one table per distinct value of a column).
 */
import { canonicalJson, csvCell } from "../results/index.js";
import { createRequire } from "node:module";
import { TableError, requireColumn, selectRows, whereOf, type Cell, type Table } from "./table.js";


// yaml is loaded on first use (a list or mapping value in --where), not with this module:
// most fits never need it, and loading it costs the CLI's start-up. Its Node entry is
// CommonJS, so require() gives the same module an `import` would.
const requireHere = createRequire(import.meta.url);
let yaml: typeof import("yaml") | undefined;
function parseYaml(text: string): unknown {
  yaml ??= requireHere("yaml") as typeof import("yaml");
  return yaml.parse(text);
}

// ---------------------------------------------------------------------------------------------
// --where

export type WhereOp = "=" | "!=" | "<" | "<=" | ">" | ">=";

export interface WhereClause {
  key: string;
  op: WhereOp;
  /** The value as written. */
  value: string;
  /** The value as a number, when it reads as one. */
  num: number | null;
  /** A list or mapping value (`k=[0.9, 0.1]`) as canonical JSON, compared with such cells as values. */
  canon: string | null;
  /** The expression as written, for messages. */
  text: string;
}

/** Parse "KEY=VALUE", "KEY<VALUE", "KEY<=VALUE", "KEY>VALUE", "KEY>=VALUE", "KEY!=VALUE" ("==" also). */
export function parseWhere(expr: string, flag = "--where"): WhereClause {
  const m = /^\s*([^<>=!\s][^<>=!]*?)\s*(==|!=|<=|>=|=|<|>)\s*(.*?)\s*$/.exec(expr);
  const form = "expected KEY=VALUE, KEY!=VALUE, KEY<VALUE, KEY<=VALUE, KEY>VALUE or KEY>=VALUE";
  if (!m) throw new TableError(`${flag} ${JSON.stringify(expr)}: ${form}`);
  const [, key, rawOp, value] = m;
  if (value === "") throw new TableError(`${flag} ${JSON.stringify(expr)}: no value after "${rawOp}"; ${form}`);
  if (/^(==|!=|<=|>=|=|<|>)/.test(value)) throw new TableError(`${flag} ${JSON.stringify(expr)}: bad operator; ${form}`);
  const op = (rawOp === "==" ? "=" : rawOp) as WhereOp;
  const cell = csvCell(value);
  const num = typeof cell === "number" && !Number.isNaN(cell) ? cell : null;
  if (num === null && op !== "=" && op !== "!=") {
    throw new TableError(`${flag} ${JSON.stringify(expr)}: "${value}" is not a number, and ${op} compares numbers`);
  }
  let canon: string | null = null;
  if (/^[[{]/.test(value)) {
    try {
      const v: unknown = parseYaml(value);
      if (v !== null && typeof v === "object") canon = canonicalJson(v);
    } catch {
      // not YAML: compared as text
    }
  }
  return { key, op, value, num, canon, text: expr.trim() };
}

function compare(op: WhereOp, a: number, b: number): boolean {
  switch (op) {
    case "=": return a === b;
    case "!=": return a !== b;
    case "<": return a < b;
    case "<=": return a <= b;
    case ">": return a > b;
    case ">=": return a >= b;
  }
}

/** Does the cell satisfy the clause? (No value never matches.) Numbers compare numerically. */
function matches(c: WhereClause, v: Cell, t: Table, i: number): boolean {
  if (v === null) return false;
  if (typeof v === "number") {
    if (c.num !== null) return compare(c.op, v, c.num);
    return c.op === "!="; // a number is never equal to a non-numeric value
  }
  const want = c.canon ?? c.value;
  if (c.op === "=") return v === want;
  if (c.op === "!=") return v !== want;
  throw new TableError(`${whereOf(t, i)}: column "${c.key}": ${JSON.stringify(v)} is not a number (--where ${c.text})`);
}

/** "from 1.9 to 5" for a numeric column, for "matches nothing" messages. */
function rangeOf(t: Table, key: string): string {
  const col = t.cells.get(key)!;
  let lo = Infinity, hi = -Infinity, k = 0;
  const text = new Set<string>();
  for (const v of col) {
    if (typeof v === "number" && !Number.isNaN(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      k++;
    } else if (typeof v === "string" && text.size < 6) text.add(v);
  }
  const parts: string[] = [];
  const short = (v: number) => String(Number(v.toPrecision(6)));
  if (k > 0) parts.push(lo === hi ? `${key} is ${short(lo)}` : `${key} goes from ${short(lo)} to ${short(hi)}`);
  if (text.size > 0) parts.push(`values such as ${[...text].map((s) => JSON.stringify(s)).join(", ")}`);
  return parts.length ? ` (${parts.join("; ")})` : ` (${key} has no values)`;
}

/**
 * Keep the rows matching every clause, applied in order; a clause that leaves no row is an
 * error saying which one. Unknown keys are errors (listing the columns, via `suggest`).
 */
export function applyWhere(t: Table, clauses: readonly WhereClause[], suggest?: (w: string, c: readonly string[]) => string): Table {
  for (const c of clauses) requireColumn(t, c.key, `--where ${c.text}`, suggest);
  let cur = t;
  clauses.forEach((c, j) => {
    const col = cur.cells.get(c.key)!;
    const keep: number[] = [];
    for (let i = 0; i < cur.length; i++) if (matches(c, col[i], cur, i)) keep.push(i);
    if (keep.length === 0) {
      const before = j === 0 ? `the ${cur.length} rows` : `the ${cur.length} rows left by --where ${clauses.slice(0, j).map((p) => p.text).join(" --where ")}`;
      throw new TableError(`--where ${c.text} matches none of ${before}${rangeOf(cur, c.key)}`);
    }
    cur = keep.length === cur.length ? cur : selectRows(cur, keep);
  });
  return cur;
}

// ---------------------------------------------------------------------------------------------
// --by

export interface Group {
  /** The column's value for this group (a number when the column is numeric there). */
  value: number | string;
  table: Table;
}

/** Split by the distinct values of `key`: numbers ascending, then text in first-seen order. */
export function groupBy(t: Table, key: string, suggest?: (w: string, c: readonly string[]) => string): Group[] {
  requireColumn(t, key, `--by ${key}`, suggest);
  const col = t.cells.get(key)!;
  const order: (number | string)[] = [];
  const rows = new Map<number | string, number[]>();
  for (let i = 0; i < t.length; i++) {
    const v = col[i];
    if (v === null) throw new TableError(`${whereOf(t, i)}: column "${key}" has no value (--by ${key})`);
    // NaN is its own group; Map treats NaN keys as equal.
    let list = rows.get(v);
    if (!list) {
      list = [];
      rows.set(v, list);
      order.push(v);
    }
    list.push(i);
  }
  const nums = order.filter((v): v is number => typeof v === "number").sort((a, b) => a - b);
  const texts = order.filter((v): v is string => typeof v === "string");
  return [...nums, ...texts].map((value) => ({ value, table: selectRows(t, rows.get(value)!) }));
}

/**
 * Split the rows into those matching every clause (--holdout: left out of the fit) and the
 * rest. A clause list that matches no row is an error naming it.
 */
export function partitionWhere(
  t: Table,
  clauses: readonly WhereClause[],
  flag = "--holdout",
  suggest?: (w: string, c: readonly string[]) => string,
): { matched: Table; rest: Table } {
  for (const c of clauses) requireColumn(t, c.key, `${flag} ${c.text}`, suggest);
  const cols = clauses.map((c) => t.cells.get(c.key)!);
  const inside: number[] = [], outside: number[] = [];
  for (let i = 0; i < t.length; i++) {
    let all = true;
    for (let j = 0; j < clauses.length && all; j++) all = matches(clauses[j], cols[j][i], t, i);
    (all ? inside : outside).push(i);
  }
  return { matched: selectRows(t, inside), rest: selectRows(t, outside) };
}
