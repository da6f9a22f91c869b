/**
 * The quantization model (src/models/quanta/) against its definition and the reference numbers
 * of docs/models.md: n_q = 10^6, alpha = 0.5, C = 1, a = 0, b = 1, tau = 1; least-squares slope of
 * log L on log x over 20 log-spaced points rounded down: L(N), N = 10^2..10^4, -0.519; L(D),
 * D = 10^3..10^6, -0.342.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { learningStep, quantaFrequencies, quantaSeen, runQuanta } from "../../src/models/quanta/model.js";
import { fitPowerLaw, makeLoss } from "../../src/fit/index.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, cfgFrom } from "../helpers.js";
import type { QuantaConfig } from "../../src/models/quanta/schema.js";

const base = (sets: string[]): QuantaConfig => cfgFrom("model: quanta\nrecord: {points: 2}\n", sets) as QuantaConfig;
const grid = (lo: number, hi: number) => Array.from({ length: 20 }, (_, i) => Math.floor(Math.pow(10, lo + ((hi - lo) * i) / 19)));

function lsSlope(x: number[], y: number[]): number {
  const lx = x.map(Math.log), ly = y.map(Math.log);
  const mx = lx.reduce((a, b) => a + b) / lx.length, my = ly.reduce((a, b) => a + b) / ly.length;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < lx.length; i++) {
    sxy += (lx[i] - mx) * (ly[i] - my);
    sxx += (lx[i] - mx) ** 2;
  }
  return sxy / sxx;
}

test("quanta: the reference exponents, by least squares and by skillsim's own power-law fit", () => {
  const Ns = grid(2, 4);
  const LN = Ns.map((N) => runQuanta(base([`params=${N}`, "steps=1e12"])).final.loss);
  const Ds = grid(3, 6);
  const LD = Ds.map((D) => runQuanta(base(["params=1000000", `steps=${D}`])).final.loss);
  const sN = lsSlope(Ns, LN), sD = lsSlope(Ds, LD);
  assert.equal(sN.toFixed(3), "-0.519", `L(N) slope ${sN}`);
  assert.equal(sD.toFixed(3), "-0.342", `L(D) slope ${sD}`);
  // docs/models.md quotes skillsim's slopes to four digits
  const page = readFileSync(join(ROOT, "docs", "models.md"), "utf8").replace(/\s+/g, " ");
  assert.ok(page.includes(`skillsim gives ${sN.toFixed(4)} and ${sD.toFixed(4)}`), `docs/models.md: ${sN.toFixed(4)}, ${sD.toFixed(4)}`);
  // `skillsim fit --fix-E 0 --loss mse` minimises the same squared log residuals: the same exponents.
  const fN = fitPowerLaw(Ns, LN, { fixE: 0, loss: makeLoss("mse") }).params.alpha;
  const fD = fitPowerLaw(Ds, LD, { fixE: 0, loss: makeLoss("mse") }).params.alpha;
  assert.ok(Math.abs(fN + sN) < 1e-6, `fit alpha_N ${fN} vs slope ${sN}`);
  assert.ok(Math.abs(fD + sD) < 1e-6, `fit alpha_D ${fD} vs slope ${sD}`);
  // Both tend to the closed forms' alpha and alpha / (alpha + 1) from the steep side.
  assert.ok(-sN > 0.5 && -sN < 0.55);
  assert.ok(-sD > 1 / 3 && -sD < 0.36);
});

test("quanta: frequencies, tails and the learning rule as defined", () => {
  const { p, tail, Z } = quantaFrequencies(1000, 1.5);
  let z = 0;
  for (let k = 1000; k >= 1; k--) z += k ** -1.5;
  assert.ok(Math.abs(Z - z) <= 1e-12 * z);
  assert.ok(Math.abs(tail[0] - 1) < 1e-12);
  for (let k = 1; k < 1000; k++) assert.ok(p[k] <= p[k - 1]);
  assert.equal(tail[1000], 0);
  // #{k : D p_k >= tau} by brute force
  for (const D of [0, 1, 2.5, 10, 1234, 1e6, 1e12]) {
    let m = 0;
    for (let k = 0; k < 1000; k++) if (D * p[k] >= 2) m++;
    assert.equal(quantaSeen(p, D, 2), m, `D = ${D}`);
  }
  // S_k: the first step S with S B p_k >= tau
  for (const k of [0, 1, 9, 99, 999])
    for (const B of [1, 7, 1024]) {
      const S = learningStep(p[k], B, 3)!;
      assert.ok(S * B * p[k] >= 3 && (S === 1 || (S - 1) * B * p[k] < 3), `k ${k + 1}, B ${B}: S ${S}`);
    }
  assert.equal(learningStep(0, 1, 1), null);
});

test("quanta: the staircase in time, the parameter limit, and the timeline", () => {
  const out = runQuanta(base(["quanta=1000", "skills.count=20", "params=15", "steps=5000", "batch=2", "tau=3", "learned_loss=0.1", "unlearned_loss=0.7", "record=every"]));
  const { p, tail } = quantaFrequencies(1000, 1.5);
  for (let i = 0; i < 20; i++) {
    const S = learningStep(p[i], 2, 3)!;
    // within N = 15 parameters (C = 1) only the 15 most frequent can be learned
    assert.equal(out.crossings.learned[i], i < 15 && S <= 5000 ? S : null, `quantum ${i + 1}`);
    assert.equal(out.crossings.onset[i], out.crossings.learned[i]);
  }
  for (const t of [0, 1, 17, 400, 5000]) {
    const m = Math.min(15, quantaSeen(p, t * 2, 3));
    assert.equal(out.trace.loss[t], 0.1 + 0.6 * tail[m], `loss at ${t}`);
  }
  assert.equal(out.trace.loss[0], 0.1 + 0.6 * tail[0]);
  assert.equal(out.extra.parameter_limit, 15);
  assert.equal(out.extra.limited_by, "parameters");
  // the loss never rises
  for (let k = 1; k < out.trace.loss.length; k++) assert.ok(out.trace.loss[k] <= out.trace.loss[k - 1]);
});
