/**
 * The derivative-free and least-squares optimizers calibrate uses (src/engine/optim/):
 * Nelder-Mead, Levenberg-Marquardt and its damped solve, against problems with known optima.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { nelderMead } from "../../../src/engine/optim/nelder-mead.js";
import { levenbergMarquardt, solveDamped, type LeastSquares } from "../../../src/engine/optim/levenberg-marquardt.js";

const rosenbrock = (x: Float64Array) => 100 * (x[1] - x[0] * x[0]) ** 2 + (1 - x[0]) ** 2;

test("Nelder-Mead: Rosenbrock's valley from (-1.2, 1) to (1, 1)", () => {
  const m = nelderMead(rosenbrock, Float64Array.from([-1.2, 1]), Float64Array.from([0.1, 0.1]));
  assert.ok(Math.abs(m.x[0] - 1) < 1e-6 && Math.abs(m.x[1] - 1) < 1e-6, `x = ${Array.from(m.x)}`);
  assert.ok(m.f < 1e-12, `f = ${m.f}`);
  assert.equal(m.f, rosenbrock(m.x), "f is the value at x");
});

test("Nelder-Mead: a 3-d quadratic's minimum, and the evaluation budget is respected", () => {
  const c = [1, -2, 3];
  let calls = 0;
  const q = (x: Float64Array) => { calls++; return (x[0] - c[0]) ** 2 + 4 * (x[1] - c[1]) ** 2 + 9 * (x[2] - c[2]) ** 2; };
  const m = nelderMead(q, new Float64Array(3), Float64Array.from([1, 1, 1]));
  for (let j = 0; j < 3; j++) assert.ok(Math.abs(m.x[j] - c[j]) < 1e-8, `x[${j}] = ${m.x[j]}`);
  calls = 0;
  nelderMead(q, new Float64Array(3), Float64Array.from([1, 1, 1]), 1e-10, 20);
  // The budget is checked once per iteration, which costs at most P + 2 = 5 evaluations.
  assert.ok(calls <= 20 + 5, `${calls} evaluations for a budget of 20`);
});

/** y = a e^(-b t) at t = 0..9, residuals prediction - data, objective their mean square. */
function decay(a: number, b: number): LeastSquares & { evaluations: number } {
  const t = Array.from({ length: 10 }, (_, i) => i);
  const y = t.map((ti) => a * Math.exp(-b * ti));
  const ls = {
    count: t.length,
    evaluations: 0,
    residuals(x: Float64Array, out: Float64Array): number {
      ls.evaluations++;
      for (let i = 0; i < t.length; i++) out[i] = x[0] * Math.exp(-x[1] * t[i]) - y[i];
      return 1;
    },
    objective(x: Float64Array): number {
      let s = 0;
      for (let i = 0; i < t.length; i++) s += (x[0] * Math.exp(-x[1] * t[i]) - y[i]) ** 2;
      return s / t.length;
    },
  };
  return ls;
}

test("Levenberg-Marquardt: recovers a = 2, b = 0.7 of y = a e^(-b t) from (1, 0.3)", () => {
  const ls = decay(2, 0.7);
  const x0 = Float64Array.from([1, 0.3]);
  const m = levenbergMarquardt(ls, { x: x0, f: ls.objective(x0) }, () => true);
  assert.ok(Math.abs(m.x[0] - 2) < 1e-9 && Math.abs(m.x[1] - 0.7) < 1e-9, `x = ${Array.from(m.x)}`);
  assert.ok(m.f < 1e-20, `f = ${m.f}`);
  assert.equal(x0[0], 1, "the start is not modified");
});

test("Levenberg-Marquardt: never leaves the bounds, never worsens the start, stops when the residuals fail", () => {
  const ls = decay(2, 0.7);
  const x0 = Float64Array.from([1, 0.3]);
  const f0 = ls.objective(x0);
  const inBounds = (x: Float64Array) => x[0] <= 1.5 && x[1] >= 0;
  const m = levenbergMarquardt(ls, { x: x0, f: f0 }, inBounds);
  assert.ok(inBounds(m.x), `x = ${Array.from(m.x)}`);
  assert.ok(m.f < f0, "it improved within the bounds");
  const failing: LeastSquares = { count: 10, residuals: () => NaN, objective: () => 0 };
  const same = levenbergMarquardt(failing, { x: x0, f: f0 }, () => true);
  assert.deepEqual(Array.from(same.x), [1, 0.3]);
  assert.equal(same.f, f0);
});

test("solveDamped: (A + lambda diag(A)) s = g, and false on a singular system", () => {
  const A = Float64Array.from([4, 1, 0, 1, 3, 1, 0, 1, 2]);
  const s = new Float64Array(3);
  const want = [1, -1, 2];
  for (const lambda of [0, 0.5]) {
    const g = new Float64Array(3);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) g[a] += (A[a * 3 + b] + (a === b ? lambda * A[a * 3 + a] : 0)) * want[b];
    assert.equal(solveDamped(A, g, lambda, s, 3), true);
    for (let j = 0; j < 3; j++) assert.ok(Math.abs(s[j] - want[j]) < 1e-12, `lambda ${lambda}: s = ${Array.from(s)}`);
  }
  assert.equal(solveDamped(Float64Array.from([1, 2, 2, 4]), Float64Array.from([1, 1]), 0, new Float64Array(2), 2), false);
});
