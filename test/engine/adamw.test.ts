/**
 * AdamW against torch.optim.AdamW's published algorithm (decoupled weight decay,
 * Loshchilov & Hutter 2019), on fixed inputs:
 *   theta_t = theta_{t-1} - lr wd theta_{t-1}
 *   m_t = b1 m + (1 - b1) g,  v_t = b2 v + (1 - b2) g^2
 *   theta_t = theta_t - lr (m_t / (1 - b1^t)) / (sqrt(v_t / (1 - b2^t)) + eps)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createOptimizer } from "../../src/engine/optimizers.js";

const theta0 = [0.5, -1, 2];
const grads = [
  [0.1, -0.2, 0.3],
  [-0.05, 0.4, 0],
  [0.2, 0.2, -0.1],
];

function published(lr: number, b1: number, b2: number, eps: number, wd: number): number[][] {
  const th = theta0.slice(), m = [0, 0, 0], v = [0, 0, 0];
  return grads.map((g, k) => {
    const t = k + 1;
    for (let j = 0; j < 3; j++) {
      th[j] = th[j] - lr * wd * th[j];
      m[j] = b1 * m[j] + (1 - b1) * g[j];
      v[j] = b2 * v[j] + (1 - b2) * g[j] * g[j];
      th[j] = th[j] - (lr * (m[j] / (1 - b1 ** t))) / (Math.sqrt(v[j] / (1 - b2 ** t)) + eps);
    }
    return th.slice();
  });
}

function run(cfg: Parameters<typeof createOptimizer>[0], lr: number): { thetas: number[][]; sq: number[] } {
  const opt = createOptimizer(cfg, lr, 3);
  const th = Float64Array.from(theta0);
  const thetas: number[][] = [], sq: number[] = [];
  grads.forEach((g, k) => {
    sq.push(opt.step(th, Float64Array.from(g), k + 1));
    thetas.push(Array.from(th));
  });
  return { thetas, sq };
}

function close(a: number[], e: number[], tol = 1e-14): void {
  for (let j = 0; j < e.length; j++) assert.ok(Math.abs(a[j] - e[j]) <= tol * Math.max(1, Math.abs(e[j])), `coordinate ${j}: ${a[j]} vs ${e[j]}`);
}

test("adamw follows torch.optim.AdamW's update (decay applied to theta_{t-1}, then Adam)", () => {
  const lr = 0.01, wd = 0.1;
  const expected = published(lr, 0.9, 0.999, 1e-8, wd);
  const { thetas, sq } = run({ name: "adamw", beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: wd }, lr);
  for (let k = 0; k < 3; k++) {
    close(thetas[k], expected[k]);
    const prev = k === 0 ? theta0 : expected[k - 1];
    const d2 = expected[k].reduce((s, x, j) => s + (x - prev[j]) ** 2, 0);
    assert.ok(Math.abs(sq[k] - d2) <= 1e-10 * d2, `|dtheta|^2 at step ${k + 1}`);
  }
  // First step by hand: theta (1 - lr wd) - lr sign(g) (up to eps).
  close(thetas[0], [0.5 * 0.999 - 0.01, -1 * 0.999 + 0.01, 2 * 0.999 - 0.01], 1e-9);
});

test("adamw: weight_decay 0 is adam; betas (0, 0) is sign descent with decay; defaults are torch's", () => {
  assert.deepEqual(run({ name: "adamw", weight_decay: 0 }, 0.01).thetas, run({ name: "adam" }, 0.01).thetas);
  const lr = 0.01, wd = 0.03;
  close(run({ name: "adamw", beta1: 0, beta2: 0, weight_decay: wd }, lr).thetas[1], published(lr, 0, 0, 1e-8, wd)[1]);
  // torch defaults: betas (0.9, 0.999), eps 1e-8, weight_decay 0.01
  assert.deepEqual(run({ name: "adamw" }, 0.01).thetas, run({ name: "adamw", beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01 }, 0.01).thetas);
  close(run({ name: "adamw" }, 0.01).thetas[2], published(0.01, 0.9, 0.999, 1e-8, 0.01)[2]);
});
