import { test } from "node:test";
import assert from "node:assert/strict";
import { createOptimizer } from "../../src/engine/optimizers.js";
import type { OptimizerConfig } from "../../src/config/schema.js";

// Fixed small inputs: three coordinates, three updates (one gradient is exactly zero in a coordinate).
const theta0 = [0.5, -1, 2];
const grads = [
  [0.1, -0.2, 0.3],
  [-0.05, 0.4, 0],
  [0.2, 0.2, -0.1],
];
const lr = 0.01;

function close(actual: ArrayLike<number>, expected: number[], tol = 1e-14): void {
  assert.equal(actual.length, expected.length);
  for (let j = 0; j < expected.length; j++) {
    const a = actual[j], e = expected[j];
    assert.ok(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)), `coordinate ${j}: ${a} vs ${e}`);
  }
}

/** Run the optimizer on the fixed inputs; returns theta after each update and each returned |dtheta|^2. */
function run(cfg: OptimizerConfig): { thetas: number[][]; sq: number[] } {
  const opt = createOptimizer(cfg, lr, 3);
  const theta = Float64Array.from(theta0);
  const thetas: number[][] = [];
  const sq: number[] = [];
  grads.forEach((g, k) => {
    sq.push(opt.step(theta, Float64Array.from(g), k + 1));
    thetas.push(Array.from(theta));
  });
  return { thetas, sq };
}

/** The published rules, written out per coordinate with plain numbers. */
function reference(update: (j: number, g: number, t: number) => number): number[][] {
  const th = theta0.slice();
  return grads.map((g, k) => {
    for (let j = 0; j < 3; j++) th[j] -= update(j, g[j], k + 1);
    return th.slice();
  });
}

function checkAgainst(cfg: OptimizerConfig, expected: number[][]): void {
  const { thetas, sq } = run(cfg);
  for (let k = 0; k < 3; k++) {
    close(thetas[k], expected[k]);
    const prev = k === 0 ? theta0 : expected[k - 1];
    const d2 = expected[k].reduce((s, x, j) => s + (x - prev[j]) ** 2, 0);
    assert.ok(Math.abs(sq[k] - d2) <= 1e-12 * Math.max(d2, 1e-300) + 1e-30, `step ${k + 1}: |dtheta|^2 ${sq[k]} vs ${d2}`);
  }
}

test("sgd: theta -= lr g", () => {
  checkAgainst({ name: "sgd" }, reference((_j, g) => lr * g));
});

test("momentum (PyTorch, dampening 0): v = beta v + g; theta -= lr v", () => {
  const beta = 0.9, v = [0, 0, 0];
  checkAgainst({ name: "momentum", beta }, reference((j, g) => {
    v[j] = beta * v[j] + g;
    return lr * v[j];
  }));
});

test("signgd: theta -= lr g / (|g| + eps); a zero gradient moves nothing", () => {
  const eps = 1e-8;
  const expected = reference((_j, g) => (lr * g) / (Math.abs(g) + eps));
  checkAgainst({ name: "signgd", eps }, expected);
  // coordinate 2 at step 2 had g = 0: unchanged
  assert.equal(expected[1][2], expected[0][2]);
  // and it equals Adam with betas (0, 0) (the reference code's implementation)
  const asAdam = run({ name: "adam", beta1: 0, beta2: 0, eps }).thetas;
  for (let k = 0; k < 3; k++) close(asAdam[k], expected[k], 1e-13);
});

test("adam (Kingma & Ba, bias-corrected, eps after the sqrt of the corrected v)", () => {
  const b1 = 0.9, b2 = 0.999, eps = 1e-8, m = [0, 0, 0], v = [0, 0, 0];
  checkAgainst({ name: "adam", beta1: b1, beta2: b2, eps }, reference((j, g, t) => {
    m[j] = b1 * m[j] + (1 - b1) * g;
    v[j] = b2 * v[j] + (1 - b2) * g * g;
    const mHat = m[j] / (1 - b1 ** t);
    const vHat = v[j] / (1 - b2 ** t);
    return (lr * mHat) / (Math.sqrt(vHat) + eps);
  }));
  // first Adam step is lr * sign(g) up to eps
  const first = run({ name: "adam", beta1: b1, beta2: b2, eps }).thetas[0];
  close(first, [0.5 - lr, -1 + lr, 2 - lr], 1e-9);
});

test("rmsprop (PyTorch form): v = alpha v + (1 - alpha) g^2; theta -= lr g / (sqrt(v) + eps)", () => {
  const alpha = 0.99, eps = 1e-8, v = [0, 0, 0];
  checkAgainst({ name: "rmsprop", alpha, eps }, reference((j, g) => {
    v[j] = alpha * v[j] + (1 - alpha) * g * g;
    return (lr * g) / (Math.sqrt(v[j]) + eps);
  }));
});

test("lion (Chen et al. 2023): c = b1 m + (1-b1) g; theta -= lr sign(c); m = b2 m + (1-b2) g", () => {
  const b1 = 0.9, b2 = 0.99, m = [0, 0, 0];
  checkAgainst({ name: "lion", beta1: b1, beta2: b2 }, reference((j, g) => {
    const c = b1 * m[j] + (1 - b1) * g;
    m[j] = b2 * m[j] + (1 - b2) * g;
    return lr * Math.sign(c);
  }));
  // sign(0) = 0: a zero gradient from a zero state does not move
  const opt = createOptimizer({ name: "lion", beta1: b1, beta2: b2 }, lr, 2);
  const th = Float64Array.from([1, 2]);
  assert.equal(opt.step(th, Float64Array.from([0, 0]), 1), 0);
  assert.deepEqual(Array.from(th), [1, 2]);
});

test("missing hyper-parameters take the documented defaults; reset clears the state", () => {
  const withDefaults = run({ name: "adam" }).thetas;
  const explicit = run({ name: "adam", beta1: 0.9, beta2: 0.999, eps: 1e-8 }).thetas;
  assert.deepEqual(withDefaults, explicit);
  assert.deepEqual(run({ name: "lion" }).thetas, run({ name: "lion", beta1: 0.9, beta2: 0.99 }).thetas);
  assert.deepEqual(run({ name: "momentum" }).thetas, run({ name: "momentum", beta: 0.9 }).thetas);
  assert.deepEqual(run({ name: "rmsprop" }).thetas, run({ name: "rmsprop", alpha: 0.99, eps: 1e-8 }).thetas);

  const opt = createOptimizer({ name: "momentum", beta: 0.5 }, 1, 1);
  const th = new Float64Array(1);
  opt.step(th, Float64Array.from([1]), 1); // v = 1, theta = -1
  opt.reset();
  opt.step(th, Float64Array.from([1]), 1); // v = 1 again (not 1.5), theta = -2
  assert.equal(th[0], -2);
  assert.throws(() => createOptimizer({ name: "sgd" }, 0, 3), /learning rate/);
});

test("a non-finite gradient shows up in the returned step length", () => {
  for (const name of ["sgd", "momentum", "signgd", "adam", "rmsprop", "lion"] as const) {
    const opt = createOptimizer({ name }, lr, 2);
    const sq = opt.step(new Float64Array(2), Float64Array.from([NaN, 1]), 1);
    assert.ok(!Number.isFinite(sq), `${name}: ${sq}`);
  }
});

test("adam power p: theta -= lr m_hat / (v_hat^p + eps); p = 0.5 is Adam bit for bit; p = 0 and p = 1 closed forms", () => {
  const b1 = 0.9, b2 = 0.999, eps = 1e-8;
  const rule = (p: number) => {
    const m = [0, 0, 0], v = [0, 0, 0];
    return reference((j, g, t) => {
      m[j] = b1 * m[j] + (1 - b1) * g;
      v[j] = b2 * v[j] + (1 - b2) * g * g;
      const vh = v[j] / (1 - b2 ** t);
      const den = p === 0 ? 1 : p === 1 ? vh : vh ** p;
      return (lr * (m[j] / (1 - b1 ** t))) / (den + eps);
    });
  };
  // p = 0: momentum sgd with bias correction, theta -= lr m_hat / (1 + eps)
  checkAgainst({ name: "adam", beta1: b1, beta2: b2, eps, power: 0 }, rule(0));
  // p = 1: divides by the second moment itself
  checkAgainst({ name: "adam", beta1: b1, beta2: b2, eps, power: 1 }, rule(1));
  checkAgainst({ name: "adam", beta1: b1, beta2: b2, eps, power: 0.25 }, rule(0.25));
  // p = 0.5 and no power at all: identical bits
  const a = run({ name: "adam", beta1: b1, beta2: b2, eps, power: 0.5 });
  const b = run({ name: "adam", beta1: b1, beta2: b2, eps });
  assert.deepEqual(a, b);
});

test("rmsprop power p: theta -= lr g / (v^p + eps); p = 0.5 is rmsprop bit for bit", () => {
  const alpha = 0.99, eps = 1e-8;
  const rule = (p: number) => {
    const v = [0, 0, 0];
    return reference((j, g) => {
      v[j] = alpha * v[j] + (1 - alpha) * g * g;
      return (lr * g) / (v[j] ** p + eps);
    });
  };
  checkAgainst({ name: "rmsprop", alpha, eps, power: 0.75 }, rule(0.75));
  assert.deepEqual(run({ name: "rmsprop", alpha, eps, power: 0.5 }), run({ name: "rmsprop", alpha, eps }));
});
