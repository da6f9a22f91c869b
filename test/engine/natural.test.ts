import { test } from "node:test";
import assert from "node:assert/strict";
import { Matrix, solve } from "ml-matrix";
import { NaturalPreconditioner, cholesky, choleskySolve, naturalLimitError, MAX_NATURAL_DIM } from "../../src/engine/natural.js";
import { Rng } from "../../src/engine/rng.js";

function randomCase(n: number, N: number, seed: number) {
  const rng = new Rng(seed);
  const T = new Float64Array(n * N);
  for (let k = 0; k < T.length; k++) T[k] = rng.nextDouble() * 2 - 1;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.01 + rng.nextDouble();
  const g = new Float64Array(N);
  for (let j = 0; j < N; j++) g[j] = rng.nextDouble() - 0.5;
  return { T, w, g };
}

/** (T^T W T + lambda I)^-1 g by a dense solve (ml-matrix), the independent reference. */
function reference(T: Float64Array, w: Float64Array, g: Float64Array, n: number, N: number, lam: number): number[] {
  const F = Matrix.eye(N, N).mul(lam);
  for (let i = 0; i < n; i++) for (let a = 0; a < N; a++) for (let b = 0; b < N; b++) F.set(a, b, F.get(a, b) + w[i] * T[i * N + a] * T[i * N + b]);
  return solve(F, Matrix.columnVector(Array.from(g))).to1DArray();
}

for (const [n, N] of [[3, 7], [9, 4], [5, 5]]) {
  test(`natural preconditioner matches a dense solve (n ${n}, N ${N})`, () => {
    const { T, w, g } = randomCase(n, N, n * 100 + N);
    const lam = 1e-2;
    const P = new NaturalPreconditioner(T, n, N, lam);
    const out = new Float64Array(N);
    P.apply(w, g, out, false);
    const ref = reference(T, w, g, n, N, lam);
    for (let j = 0; j < N; j++) assert.ok(Math.abs(out[j] - ref[j]) <= 1e-9 * (1 + Math.abs(ref[j])), `${j}: ${out[j]} vs ${ref[j]}`);
    // constant weights: the cached factor gives the same answer
    const out2 = new Float64Array(N);
    P.apply(w, g, out2, true);
    P.apply(w, g, out2, true);
    assert.deepEqual(Array.from(out2), Array.from(out));
  });
}

test("cholesky solves a small SPD system exactly", () => {
  const A = new Float64Array([4, 0, 2, 3]); // lower triangle of [[4, 2], [2, 3]]
  cholesky(A, 2);
  const b = new Float64Array([2, 1]);
  choleskySolve(A, 2, b);
  // [[4,2],[2,3]] x = [2,1] -> x = [0.5, 0]
  assert.ok(Math.abs(b[0] - 0.5) < 1e-15 && Math.abs(b[1]) < 1e-15);
  assert.throws(() => cholesky(new Float64Array([-1]), 1), /positive definite/);
});

test("the solve-size limit is stated", () => {
  assert.equal(naturalLimitError(10, 1000), null);
  assert.equal(naturalLimitError(5000, MAX_NATURAL_DIM), null);
  assert.match(naturalLimitError(MAX_NATURAL_DIM + 1, 5000)!, /limit of 1024/);
});
