/**
 * Every --loss against an independent optimum: SciPy's L-BFGS-B (analytic gradient, default
 * options) from the same start grid on the same 240 Chinchilla rows, as recorded in
 * test/fit/reference/chinchilla-scipy.json by test/fit/reference/chinchilla_scipy.py
 * (how each entry was obtained is in the file: the command, the starts, versions, time).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chinchillaObjectiveFn, makeLoss, type LossName } from "../../src/fit/chinchilla.js";
import { FitPool, fitChinchillaParallel } from "../../src/fit/parallel.js";
import { loadChinchilla } from "../chinchilla.js";

const REF = fileURLToPath(new URL("../../../test/fit/reference/chinchilla-scipy.json", import.meta.url));

interface Reference {
  loss: LossName;
  delta?: number;
  penalty?: number;
  objective: number;
  params: { E: number; A: number; B: number; alpha: number; beta: number };
  raw: { a: number; b: number; e: number; alpha: number; beta: number };
  starts: number;
}


const refs = (JSON.parse(readFileSync(REF, "utf8")) as { results: Reference[] }).results;
const { N, D, L } = loadChinchilla();

for (const ref of refs) {
  const loss = makeLoss(ref.loss, ref.delta, ref.penalty);
  test(`--loss ${ref.loss}: the objective matches SciPy's at SciPy's optimum (same definition)`, () => {
    const fn = chinchillaObjectiveFn(N, D, L, loss);
    const r = ref.raw;
    const f = fn(Float64Array.of(r.a, r.b, r.e, r.alpha, r.beta), new Float64Array(5));
    assert.ok(Math.abs(f - ref.objective) <= 1e-12 * ref.objective, `${f} vs SciPy ${ref.objective}`);
  });
  test(`--loss ${ref.loss}: skillsim reaches SciPy's optimum from the 4500-start grid`, async () => {
    const pool = new FitPool(2);
    try {
      const fit = await fitChinchillaParallel(pool, N, D, L, { loss });
      // Never worse than SciPy (to rounding), and the same point.
      assert.ok(fit.objective <= ref.objective * (1 + 1e-10), `objective ${fit.objective} vs SciPy ${ref.objective}`);
      for (const k of ["E", "A", "B", "alpha", "beta"] as const) {
        const rel = Math.abs(fit.params[k] - ref.params[k]) / Math.abs(ref.params[k]);
        assert.ok(rel < 2e-4, `${k}: ${fit.params[k]} vs SciPy ${ref.params[k]} (relative ${rel})`);
      }
    } finally {
      await pool.close();
    }
  });
}
