/** Student's t quantile against its closed forms (1, 2 and 4 degrees of freedom) and reference values. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { incompleteBeta, studentTQuantile } from "../../src/engine/student-t.js";

const close = (a: number, b: number, rel = 1e-13) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${a} vs ${b}`);

test("t quantiles match the closed forms for 1, 2 and 4 degrees of freedom", () => {
  for (const p of [0.6, 0.9, 0.975, 0.995]) {
    close(studentTQuantile(p, 1), Math.tan(Math.PI * (p - 0.5)));
    close(studentTQuantile(p, 2), (2 * p - 1) / Math.sqrt(2 * p * (1 - p)));
    const a = 4 * p * (1 - p);
    close(studentTQuantile(p, 4), 2 * Math.sqrt(Math.cos(Math.acos(Math.sqrt(a)) / 3) / Math.sqrt(a) - 1), 1e-12);
    close(studentTQuantile(1 - p, 3), -studentTQuantile(p, 3));
  }
});

test("t quantiles: reference values (R's qt) and the normal limit", () => {
  close(studentTQuantile(0.975, 10), 2.228138851986274, 1e-12);
  close(studentTQuantile(0.975, 30), 2.042272456301238, 1e-12);
  // Large nu: the Cornish-Fisher expansion z + (z^3 + z) / (4 nu) + (5z^5 + 16z^3 + 3z) / (96 nu^2), z = 1.959963984540054.
  const z = 1.959963984540054;
  const nu = 1e4;
  close(studentTQuantile(0.975, nu), z + (z ** 3 + z) / (4 * nu) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * nu * nu), 1e-11);
  assert.equal(studentTQuantile(0.5, 7), 0);
  assert.throws(() => studentTQuantile(1, 3), RangeError);
});

test("the incomplete beta function: I_x(1, 1) = x and I_x(a, 1) = x^a", () => {
  for (const x of [0.1, 0.5, 0.9]) {
    close(incompleteBeta(x, 1, 1), x);
    close(incompleteBeta(x, 2.5, 1), x ** 2.5, 1e-12);
  }
});
