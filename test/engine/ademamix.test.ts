/**
 * AdEMAMix (Pagliardini, Ablin & Grangier 2024, Algorithm 1 and the authors' reference code
 * apple/ml-ademamix) on fixed inputs, against values worked out from the published rule.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ademamixAlpha, ademamixBeta3, createOptimizer } from "../../src/engine/optimizers.js";
import type { OptimizerConfig } from "../../src/config/schema.js";

const theta0 = [0.5, -1];
const grads = [
  [0.2, -0.4],
  [-0.1, 0.3],
  [0.05, 0],
];

function run(cfg: OptimizerConfig): number[][] {
  const opt = createOptimizer(cfg, 0.01, 2);
  const theta = Float64Array.from(theta0);
  return grads.map((g, k) => {
    opt.step(theta, Float64Array.from(g), k + 1);
    return Array.from(theta);
  });
}

function close(a: number, e: number, tol = 1e-14): void {
  assert.ok(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)), `${a} vs ${e}`);
}

test("ademamix step 1 in closed form: theta -= lr (1 + alpha (1 - b3)) g / (|g| + eps)", () => {
  // m1 = 0.1 g, bias-corrected to g; m2 = 1e-4 g (not corrected); sqrt(v)/sqrt(1 - b2) = |g|.
  const th = run({ name: "ademamix" })[0];
  for (let j = 0; j < 2; j++) {
    const g = grads[0][j];
    close(th[j], theta0[j] - (0.01 * (1 + 2 * 1e-4) * g) / (Math.abs(g) + 1e-8));
  }
});

test("ademamix over three steps matches the published rule (defaults 0.9/0.999/0.9999, alpha 2, eps 1e-8)", () => {
  // Worked out in double precision from m1 = b1 m1 + (1-b1) g, m2 = b3 m2 + (1-b3) g,
  // v = b2 v + (1-b2) g^2, theta -= lr (m1/(1-b1^t) + alpha m2) / (sqrt(v)/sqrt(1-b2^t) + eps).
  const expected = [
    [0.48999800050009995, -0.98999800025005],
    [0.48733336542412936, -0.9891041847025227],
    [0.4839268060558098, -0.9884130071345589],
  ];
  const got = run({ name: "ademamix" });
  for (let k = 0; k < 3; k++) for (let j = 0; j < 2; j++) close(got[k][j], expected[k][j], 1e-13);
});

test("ademamix warm-ups: alpha linear from 0, beta3 by half-life from beta1, both reaching their values at T", () => {
  close(ademamixAlpha(1, 2, 4), 0.5);
  close(ademamixAlpha(4, 2, 4), 2);
  close(ademamixAlpha(7, 2, undefined), 2);
  // half-life h(b) = ln 0.5 / ln b - 1 (b + 1e-8 in the reference); at t = T/2 it is the mean of h(b1) and h(b3)
  const h = (b: number) => Math.log(0.5) / Math.log(b + 1e-8) - 1;
  const mid = ademamixBeta3(2, 0.9, 0.9999, 4);
  close(Math.log(0.5) / Math.log(mid) - 1, (h(0.9) + h(0.9999)) / 2, 1e-9);
  close(ademamixBeta3(4, 0.9, 0.9999, 4), 0.9999);
  assert.ok(Math.abs(ademamixBeta3(0, 0.9, 0.9999, 4) - 0.9) < 1e-7);
  const expected = [
    [0.4899980066757498, -0.9899980064256999],
    [0.4873308563895409, -0.9891019407646366],
    [0.4839190317411099, -0.9884062826774467],
  ];
  const got = run({ name: "ademamix", alpha_warmup: 4, beta3_warmup: 4 });
  for (let k = 0; k < 3; k++) for (let j = 0; j < 2; j++) close(got[k][j], expected[k][j], 1e-13);
});

test("ademamix with alpha 0 is Adam with the reference's eps placement", () => {
  // alpha = 0 drops the slow EMA: theta -= lr (m1/bc1) / (sqrt(v)/sqrt(bc2) + eps)
  const got = run({ name: "ademamix", alpha: 0 });
  const th = theta0.slice();
  const m = [0, 0], v = [0, 0];
  grads.forEach((g, k) => {
    const t = k + 1;
    for (let j = 0; j < 2; j++) {
      m[j] = 0.9 * m[j] + 0.1 * g[j];
      v[j] = 0.999 * v[j] + 0.001 * g[j] * g[j];
      th[j] -= (0.01 * (m[j] / (1 - 0.9 ** t))) / (Math.sqrt(v[j]) / Math.sqrt(1 - 0.999 ** t) + 1e-8);
    }
    for (let j = 0; j < 2; j++) close(got[k][j], th[j], 1e-13);
  });
});
