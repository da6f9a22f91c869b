/**
 * The network model as a whole: task generators as defined, PyTorch's initialisation bounds,
 * levels read from the training pass (checked against an independent evaluation), exact
 * every-step timelines, masks redrawn from the seed, and the WebAssembly and JavaScript
 * kernels giving the same run bit for bit.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cfgFrom } from "../../helpers.js";
import type { NetworkConfig } from "../../../src/config/schema.js";
import { denseWasmAvailable } from "../../../src/engine/dense.js";
import { Rng } from "../../../src/engine/rng.js";
import { generateTask, Mlp, runNetwork } from "../../../src/models/network/model.js";
import { parameterCount } from "../../../src/models/network/config.js";
import { useKernels, lastKernels } from "../../../src/engine/kernels.js";

const cfg = (yaml: string, sets: string[] = []) => cfgFrom(`model: network\n${yaml}`, sets) as NetworkConfig;

const PARITY = `task: {kind: sparse-parity, bits: 8, samples: 300, train_fraction: 0.8, subtasks: [[1, 2], [3, 4], [1, 2, 3, 4]]}
skills: {frequencies: [1, 0.3, 1]}
network: {hidden: [16], activation: relu}
steps: 60
record: every`;

test("sparse-parity data: 0/1 bits, targets are the XOR of the listed bits, 80% training rows", () => {
  const c = cfg(PARITY);
  const d = generateTask(c, new Rng(c.seed));
  assert.equal(d.rows, 300);
  assert.equal(d.nTrain, 240);
  let ones = 0;
  for (let r = 0; r < d.rows; r++) {
    const x = (b: number) => d.X![r * 8 + b - 1];
    for (let b = 1; b <= 8; b++) {
      assert.ok(x(b) === 0 || x(b) === 1);
      ones += x(b);
    }
    assert.equal(d.Y![r * 3], x(1) ^ x(2));
    assert.equal(d.Y![r * 3 + 1], x(3) ^ x(4));
    assert.equal(d.Y![r * 3 + 2], x(1) ^ x(2) ^ x(3) ^ x(4));
  }
  assert.ok(Math.abs(ones / 2400 - 0.5) < 0.05, `fraction of ones ${ones / 2400}`);
});

test("modular-addition data: every pair once, label (a + b) mod m; squares: x_i^2 on task i only", () => {
  const c = cfg("task: {kind: modular-addition, modulus: 7, train_fraction: 0.5}\nnetwork: {embedding: 4}");
  const d = generateTask(c, new Rng(0));
  assert.equal(d.rows, 49);
  assert.equal(d.nTrain, 24);
  const seen = new Set<number>();
  for (let r = 0; r < 49; r++) {
    const a = d.tokens![2 * r], b = d.tokens![2 * r + 1];
    seen.add(a * 7 + b);
    assert.equal(d.label![r], (a + b) % 7);
  }
  assert.equal(seen.size, 49);
  const s = cfg("task: {kind: squares, samples: 2000}\nskills: {frequencies: [0.9, 0.1]}");
  const q = generateTask(s, new Rng(1));
  let rare = 0;
  for (let r = 0; r < q.rows; r++) {
    const t = q.taskOf![r], o = 1 - t;
    assert.equal(q.X![r * 2 + o], 0);
    assert.equal(q.Y![r * 2 + o], 0);
    assert.ok(Math.abs(q.X![r * 2 + t]) <= 1);
    assert.equal(q.Y![r * 2 + t], q.X![r * 2 + t] ** 2);
    rare += t;
  }
  assert.ok(rare > 150 && rare < 250, `task 2 drew ${rare} of 2000 samples (p = 0.1)`);
});

test("initialisation: weights and biases within +-1/sqrt(fan_in) (per module), embedding ~ N(0, 1)", () => {
  const mlp = new Mlp({ widths: [4, 6, 2], activation: "silu", modules: 2, embedding: null, maxRows: 1 });
  assert.equal(mlp.nParams, (4 * 6) / 2 + 6 + (6 * 2) / 2 + 2);
  const theta = new Float64Array(mlp.nParams);
  mlp.init(theta, new Rng(0));
  const l1 = theta.subarray(0, 30), l2 = theta.subarray(30);
  assert.ok(l1.every((x) => Math.abs(x) <= 1 / Math.sqrt(2)) && l1.some((x) => Math.abs(x) > 0.5));
  assert.ok(l2.every((x) => Math.abs(x) <= 1 / Math.sqrt(3)));
  const e = new Mlp({ widths: [40, 8, 5], activation: "relu", modules: 1, embedding: { vocab: 50, dim: 20 }, maxRows: 1 });
  const th = new Float64Array(e.nParams);
  e.init(th, new Rng(0));
  let m = 0, v = 0;
  for (let j = 0; j < 1000; j++) m += th[j] / 1000;
  for (let j = 0; j < 1000; j++) v += (th[j] - m) ** 2 / 1000;
  assert.ok(Math.abs(m) < 0.1 && Math.abs(v - 1) < 0.15, `embedding mean ${m}, variance ${v}`);
  assert.equal(e.nParams, parameterCount(cfg("task: {kind: modular-addition, modulus: 50}\nnetwork: {hidden: [8], embedding: 20}")) - 50 * 8 + 5 * 8 - 50 + 5);
});

test("levels: training accuracy of the same forward pass, every step in the timeline", () => {
  const c = cfg(PARITY);
  const out = runNetwork(c);
  assert.equal(out.trace.t.length, 61);
  // Accuracies are multiples of 1/240, start near chance, and the timeline matches the
  // every-step trace exactly (progress from the measured start).
  for (const series of out.trace.level) for (const s of series) assert.ok(Math.abs(s * 240 - Math.round(s * 240)) < 1e-9);
  for (let i = 0; i < 3; i++) {
    const s0 = out.initialLevel[i];
    assert.ok(s0 > 0.3 && s0 < 0.7, `initial accuracy ${s0}`);
    const k = out.trace.level[i].findIndex((s) => (s - s0) / (1 - s0) > 0.1);
    assert.equal(out.crossings.onset[i], k < 0 ? null : out.trace.t[k]);
  }
  assert.deepEqual(out.frequencies, [1, 0.3, 1]);
  assert.equal((out.extra.heldOutAccuracy as number[]).length, 3);
});

test("the same config and seed give the same run; another seed gives another run (data, init, masks)", () => {
  const a = JSON.stringify(runNetwork(cfg(PARITY)));
  assert.equal(JSON.stringify(runNetwork(cfg(PARITY))), a);
  assert.notEqual(JSON.stringify(runNetwork(cfg(PARITY, ["seed=1"]))), a);
});

test("masks: a task with frequency 1 is unmasked; lowering a task's share changes the run", () => {
  const a = runNetwork(cfg(PARITY, ["skills.frequencies=[1, 1, 1]"]));
  const b = runNetwork(cfg(PARITY, ["skills.frequencies=[1, 0.999999, 1]"]));
  assert.notDeepEqual(a.trace.loss, b.trace.loss); // masks are drawn (and almost always all 1)
  const c = runNetwork(cfg(PARITY, ["skills.frequencies=[1, 0.01, 1]"]));
  assert.ok(c.final.level[1] <= a.final.level[1] + 1e-12);
});

test("modular addition: skill 2 is held-out accuracy; mini-batch and full-batch both run", () => {
  const base = "task: {kind: modular-addition, modulus: 11, train_fraction: 0.7}\nnetwork: {hidden: [32], embedding: 8}\noptimizer: {name: adamw, weight_decay: 0.01}\nlr: 0.01\nsteps: 40\nrecord: every";
  const full = runNetwork(cfg(base));
  assert.equal(full.extra.heldOutSamples, 121 - 84);
  assert.deepEqual(full.frequencies, [0.7, 1 - 0.7]);
  for (const s of full.trace.level[1]) assert.ok(Math.abs(s * 37 - Math.round(s * 37)) < 1e-9);
  assert.ok(full.final.level[0] > 0.5, `train accuracy ${full.final.level[0]}`);
  const mini = runNetwork(cfg(base, ["batch=16"]));
  assert.equal(mini.trace.t.length, 41);
  assert.notDeepEqual(mini.trace.loss, full.trace.loss);
});

test("squares: level 1 - l_i/l_i(0) starts at 0; the loss-threshold times are reported", () => {
  const out = runNetwork(cfg("task: {kind: squares, samples: 200}\nnetwork: {hidden: [16, 16], modules: 2}\nlr: 0.01\nsteps: 80"));
  assert.deepEqual(out.initialLevel, [0, 0]);
  assert.equal(out.trace.level[0][0], 0);
  assert.ok(out.final.level[0] > 0.5, `common task level ${out.final.level[0]}`);
  const lb = out.extra.lossBelow as { threshold: number; steps: (number | null)[] };
  assert.equal(lb.threshold, 1e-3);
  assert.equal(lb.steps.length, 2);
});

test("WebAssembly and JavaScript kernels: the same run bit for bit (every task kind)", { skip: !denseWasmAvailable() && "dist/asm/dense.wasm not built" }, () => {
  const configs = [
    PARITY,
    "task: {kind: modular-addition, modulus: 9, train_fraction: 0.6}\nnetwork: {hidden: [12, 10], embedding: 6}\nsteps: 15",
    "task: {kind: squares, samples: 50}\nnetwork: {hidden: [10, 6], modules: 2}\nsteps: 20",
    "task: {kind: multitask-parity, bits: 10, k: 3, samples: 120}\nskills: {count: 4}\nnetwork: {hidden: [9]}\nsteps: 15\nbatch: 17",
  ];
  for (const y of configs) {
    try {
      useKernels("dense", "js");
      const js = JSON.stringify(runNetwork(cfg(y)));
      assert.equal(lastKernels("dense"), "js");
      useKernels("dense", "wasm");
      const wasm = JSON.stringify(runNetwork(cfg(y)));
      assert.equal(lastKernels("dense"), "wasm");
      assert.equal(wasm, js, y.split("\n")[0]);
    } finally {
      useKernels("dense", "auto");
    }
  }
});
