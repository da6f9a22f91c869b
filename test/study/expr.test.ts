/** The study expression parser: unit tests and a property test against a reference evaluator. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ExprError, evaluate, parseExpr, pathsOf, type Seg } from "../../src/study/expr.js";
import { Rng } from "../../src/engine/rng.js";

const fields: Record<string, number | null> = { "skills[1].learned": 120, "skills[2].learned": 233, "final.loss": 0.01, params: 1000, "skills[3].learned": null };
const resolve = (_s: Seg[], text: string) => {
  if (!(text in fields)) throw new Error(`unknown ${text}`);
  return fields[text];
};
const ev = (s: string) => evaluate(parseExpr(s), resolve);

test("precedence, associativity and unary minus", () => {
  assert.equal(ev("1 + 2 * 3"), 7);
  assert.equal(ev("(1 + 2) * 3"), 9);
  assert.equal(ev("2 ^ 3 ^ 2"), 512); // right-associative
  assert.equal(ev("-2 ^ 2"), -4); // as in mathematics: -(2^2)
  assert.equal(ev("2 ^ -1"), 0.5);
  assert.equal(ev("10 - 4 - 3"), 3); // left-associative
  assert.equal(ev("8 / 4 / 2"), 1);
  assert.equal(ev("1.5e3 + .5"), 1500.5);
});

test("fields, functions and the issue's example", () => {
  assert.equal(ev("skills[2].learned / skills[1].learned"), 233 / 120);
  assert.equal(ev("log10(final.loss)"), -2);
  assert.equal(ev("max(skills[1].learned, skills[2].learned, 7)"), 233);
  assert.equal(ev("sqrt(params) * 2"), 2 * Math.sqrt(1000));
  assert.deepEqual(pathsOf(parseExpr("skills[2].learned / skills[1].learned + params")).map((p) => p.text), ["skills[2].learned", "skills[1].learned", "params"]);
});

test("a null field or a non-finite result is null, never a number", () => {
  assert.equal(ev("skills[3].learned / skills[1].learned"), null);
  assert.equal(ev("max(skills[3].learned, 1)"), null);
  assert.equal(ev("0 / 0"), null);
  assert.equal(ev("1 / 0"), null);
  assert.equal(ev("log(0)"), null);
});

test("malformed expressions name the position", () => {
  const bad: [string, RegExp, number][] = [
    ["", /empty/, 0],
    ["1 +", /ends too early/, 3],
    ["(1 + 2", /expected "\)"/, 6],
    ["skills[x].learned", /whole number/, 7],
    ["foo(1)", /unknown function "foo"/, 0],
    ["log(1, 2)", /takes 1 argument/, 0],
    ["1 2", /after a complete expression/, 2],
    ["a $ b", /unexpected character/, 2],
    ["eval('x')", /unexpected character/, 5],
  ];
  for (const [src, re, pos] of bad) {
    assert.throws(() => parseExpr(src), (e: unknown) => e instanceof ExprError && re.test(e.message) && e.pos === pos, src);
  }
});

/** A random expression as text and its value by a direct recursive evaluation. */
function randomExpr(rng: Rng, depth: number): { text: string; value: number } {
  const r = rng.nextDouble();
  if (depth === 0 || r < 0.25) {
    const v = Math.floor(rng.nextDouble() * 9) + 1;
    return { text: String(v), value: v };
  }
  if (r < 0.35) {
    const a = randomExpr(rng, depth - 1);
    return { text: `-(${a.text})`, value: -a.value };
  }
  if (r < 0.45) {
    const a = randomExpr(rng, depth - 1), b = randomExpr(rng, depth - 1);
    return { text: `max(${a.text}, ${b.text})`, value: Math.max(a.value, b.value) };
  }
  const ops = ["+", "-", "*", "/"] as const;
  const op = ops[Math.floor(rng.nextDouble() * 4)];
  const a = randomExpr(rng, depth - 1), b = randomExpr(rng, depth - 1);
  const value = op === "+" ? a.value + b.value : op === "-" ? a.value - b.value : op === "*" ? a.value * b.value : a.value / b.value;
  return { text: `(${a.text}) ${op} (${b.text})`, value };
}

test("property: fully parenthesised random expressions evaluate as their tree says", () => {
  const rng = new Rng(20261204);
  for (let k = 0; k < 500; k++) {
    const { text, value } = randomExpr(rng, 5);
    const got = ev(text);
    if (!Number.isFinite(value)) assert.equal(got, null, text);
    else assert.equal(got, value, text);
    // Redundant spaces change nothing.
    assert.equal(ev(text.replace(/ /g, "")), got, text);
  }
});
