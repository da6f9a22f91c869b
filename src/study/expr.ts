/**
 * Derived quantities of a study: small arithmetic expressions over a run's fields, parsed
 * into a tree and evaluated without `eval`.
 *
 *   expr   := term (('+' | '-') term)*
 *   term   := unary (('*' | '/') unary)*
 *   unary  := '-' unary | power
 *   power  := atom ('^' unary)?                     right-associative: 2^3^2 = 2^9
 *   atom   := number | call | path | '(' expr ')'
 *   call   := name '(' expr (',' expr)* ')'         log (natural), log10, exp, sqrt, abs, min, max
 *   path   := name ('.' name | '[' integer ']')*    e.g. skills[2].learned, final.loss, params
 *
 * A field that is null in a run (a skill never learned) makes the whole expression null for
 * that run, as does a result that is not finite (0 / 0): the run counts as missing for that
 * quantity, it is never a number made up. Pure.
 */
import { InputError } from "../errors.js";

export type Seg = { kind: "name"; name: string } | { kind: "index"; index: number };

export type Expr =
  | { kind: "num"; value: number }
  | { kind: "path"; segs: Seg[]; text: string; pos: number }
  | { kind: "neg"; arg: Expr }
  | { kind: "bin"; op: "+" | "-" | "*" | "/" | "^"; left: Expr; right: Expr }
  | { kind: "call"; fn: FnName; args: Expr[] };

/** A malformed expression: `pos` is the 0-based character where it goes wrong. */
export class ExprError extends InputError {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

const FNS = {
  log: { arity: [1, 1], f: (a: number[]) => Math.log(a[0]) },
  log10: { arity: [1, 1], f: (a: number[]) => Math.log10(a[0]) },
  exp: { arity: [1, 1], f: (a: number[]) => Math.exp(a[0]) },
  sqrt: { arity: [1, 1], f: (a: number[]) => Math.sqrt(a[0]) },
  abs: { arity: [1, 1], f: (a: number[]) => Math.abs(a[0]) },
  min: { arity: [1, Infinity], f: (a: number[]) => Math.min(...a) },
  max: { arity: [1, Infinity], f: (a: number[]) => Math.max(...a) },
} as const;
export type FnName = keyof typeof FNS;
export const FUNCTIONS = Object.keys(FNS) as FnName[];

type Tok = { t: "num"; v: number; pos: number } | { t: "name"; v: string; pos: number } | { t: "op"; v: string; pos: number } | { t: "end"; pos: number };

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === " " || c === "\t") { i++; continue; }
    const num = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(s.slice(i));
    if (num) {
      out.push({ t: "num", v: Number(num[0]), pos: i });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i));
    if (name) {
      out.push({ t: "name", v: name[0], pos: i });
      i += name[0].length;
      continue;
    }
    if ("+-*/^()[].,".includes(c)) {
      out.push({ t: "op", v: c, pos: i });
      i++;
      continue;
    }
    throw new ExprError(`unexpected character ${JSON.stringify(c)}`, i);
  }
  out.push({ t: "end", pos: s.length });
  return out;
}

/** Parse an expression; throws ExprError with the position of the problem. */
export function parseExpr(src: string): Expr {
  if (typeof src !== "string" || src.trim() === "") throw new ExprError("empty expression", 0);
  const toks = tokenize(src);
  let k = 0;
  const peek = () => toks[k];
  const isOp = (v: string) => { const t = toks[k]; return t.t === "op" && t.v === v; };
  const expect = (v: string) => {
    if (!isOp(v)) throw new ExprError(`expected "${v}"${describe(peek())}`, peek().pos);
    k++;
  };
  const describe = (t: Tok) => (t.t === "end" ? " at the end" : ` before "${t.t === "num" ? src.slice(t.pos).match(/^[\d.eE+-]+/)?.[0] : t.v}"`);

  function expr(): Expr {
    let left = term();
    while (isOp("+") || isOp("-")) {
      const op = (toks[k++] as { v: string }).v as "+" | "-";
      left = { kind: "bin", op, left, right: term() };
    }
    return left;
  }
  function term(): Expr {
    let left = unary();
    while (isOp("*") || isOp("/")) {
      const op = (toks[k++] as { v: string }).v as "*" | "/";
      left = { kind: "bin", op, left, right: unary() };
    }
    return left;
  }
  function unary(): Expr {
    if (isOp("-")) { k++; return { kind: "neg", arg: unary() }; }
    if (isOp("+")) { k++; return unary(); }
    return power();
  }
  function power(): Expr {
    const base = atom();
    if (isOp("^")) { k++; return { kind: "bin", op: "^", left: base, right: unary() }; }
    return base;
  }
  function atom(): Expr {
    const t = peek();
    if (t.t === "num") { k++; return { kind: "num", value: t.v }; }
    if (isOp("(")) {
      k++;
      const e = expr();
      expect(")");
      return e;
    }
    if (t.t === "name") {
      k++;
      if (isOp("(")) {
        const fn = FNS[t.v as FnName];
        if (!Object.hasOwn(FNS, t.v)) throw new ExprError(`unknown function "${t.v}" (known: ${FUNCTIONS.join(", ")})`, t.pos);
        k++;
        const args = [expr()];
        while (isOp(",")) { k++; args.push(expr()); }
        expect(")");
        if (args.length < fn.arity[0] || args.length > fn.arity[1])
          throw new ExprError(`${t.v}() takes ${fn.arity[1] === Infinity ? `at least ${fn.arity[0]}` : fn.arity[0]} argument${fn.arity[0] === 1 && fn.arity[1] === 1 ? "" : "s"}, got ${args.length}`, t.pos);
        return { kind: "call", fn: t.v as FnName, args };
      }
      const segs: Seg[] = [{ kind: "name", name: t.v }];
      for (;;) {
        if (isOp(".")) {
          k++;
          const n = peek();
          if (n.t === "name") { segs.push({ kind: "name", name: n.v }); k++; continue; }
          if (n.t === "num" && Number.isInteger(n.v)) { segs.push({ kind: "name", name: String(n.v) }); k++; continue; }
          throw new ExprError(`expected a field name after "."${describe(n)}`, n.pos);
        }
        if (isOp("[")) {
          k++;
          const n = peek();
          if (n.t !== "num" || !Number.isInteger(n.v)) throw new ExprError("expected a whole number inside [ ]", n.pos);
          k++;
          expect("]");
          segs.push({ kind: "index", index: n.v });
          continue;
        }
        break;
      }
      const end = toks[k].pos;
      return { kind: "path", segs, text: src.slice(t.pos, end).replace(/\s+/g, ""), pos: t.pos };
    }
    throw new ExprError(t.t === "end" ? "the expression ends too early" : `unexpected "${t.v}"`, t.pos);
  }

  const e = expr();
  if (peek().t !== "end") throw new ExprError(`unexpected "${(peek() as { v: unknown }).v}" after a complete expression`, peek().pos);
  return e;
}

/** The field paths an expression reads, in order of appearance. */
export function pathsOf(e: Expr): Extract<Expr, { kind: "path" }>[] {
  switch (e.kind) {
    case "num": return [];
    case "path": return [e];
    case "neg": return pathsOf(e.arg);
    case "bin": return [...pathsOf(e.left), ...pathsOf(e.right)];
    case "call": return e.args.flatMap(pathsOf);
  }
}

/** A path's value in a run: a number, null (missing in this run), or a non-number (an error for the caller). */
export type Resolver = (segs: Seg[], text: string) => number | null;

/** Evaluate; null when any field is null or the result is not a finite number. */
export function evaluate(e: Expr, resolve: Resolver): number | null {
  const v = ev(e, resolve);
  return v !== null && Number.isFinite(v) ? v : null;
}

function ev(e: Expr, resolve: Resolver): number | null {
  switch (e.kind) {
    case "num": return e.value;
    case "path": return resolve(e.segs, e.text);
    case "neg": {
      const a = ev(e.arg, resolve);
      return a === null ? null : -a;
    }
    case "bin": {
      const a = ev(e.left, resolve);
      const b = ev(e.right, resolve);
      return a === null || b === null ? null : binary(e.op, a, b);
    }
    case "call": {
      const args: number[] = [];
      for (const x of e.args) {
        const v = ev(x, resolve);
        if (v === null) return null;
        args.push(v);
      }
      return FNS[e.fn].f(args);
    }
  }
}

function binary(op: "+" | "-" | "*" | "/" | "^", a: number, b: number): number {
  switch (op) {
    case "+": return a + b;
    case "-": return a - b;
    case "*": return a * b;
    case "/": return a / b;
    case "^": return a ** b;
  }
}

/** Canonical text of a path (as parsed): skills[2].learned. */
export function pathText(segs: Seg[]): string {
  return segs.map((s, i) => (s.kind === "index" ? `[${s.index}]` : i === 0 ? s.name : `.${s.name}`)).join("");
}
