/**
 * The network's backpropagation against central finite differences, for every layer kind
 * (dense, block-diagonal modules, output), activation (relu, silu), loss (mse, ce; masked and
 * unmasked; softmax ce) and the token embedding. Small float64 networks, so differences
 * agree to ~1e-7 relative.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cfgFrom } from "../../helpers.js";
import type { NetworkConfig } from "../../../src/config/schema.js";
import { Rng } from "../../../src/engine/rng.js";
import { skillFrequencies } from "../../../src/models/skills.js";
import { generateTask, Mlp, Objective } from "../../../src/models/network/model.js";

function check(yaml: string, label: string): void {
  const cfg = cfgFrom(yaml) as NetworkConfig;
  const rng = new Rng(cfg.seed);
  const data = generateTask(cfg, rng);
  const M = data.nTrain;
  const mlp = new Mlp({
    widths: [data.nIn, ...cfg.network.hidden, data.nOut],
    activation: cfg.network.activation,
    modules: cfg.network.modules,
    embedding: data.tokens ? { vocab: cfg.task.modulus!, dim: cfg.network.embedding! } : null,
    maxRows: M,
  });
  const theta = new Float64Array(mlp.nParams), grad = new Float64Array(mlp.nParams);
  mlp.init(theta, rng);
  // A non-trivial point: push the parameters away from the initialisation a little.
  for (let j = 0; j < theta.length; j++) theta[j] += 0.3 * (rng.nextDouble() - 0.5);
  const freq = data.kind === "modular-addition" ? Float64Array.from(cfg.skills.frequencies as number[]) : skillFrequencies(cfg.skills.frequencies, data.skills);
  const obj = new Objective(data, cfg.loss, freq);
  let mask: Uint8Array | null = null;
  if (data.kind === "sparse-parity") {
    mask = new Uint8Array(M * data.nOut);
    for (let k = 0; k < mask.length; k++) mask[k] = rng.nextDouble() < freq[k % data.nOut] ? 1 : 0;
  }
  const dOut = new Float64Array(M * data.nOut);
  const loss = (): number => {
    if (data.tokens) mlp.forwardTokens(theta, data.tokens, null, 0, M, false);
    else mlp.forward(theta, data.X!, 0, M);
    return obj.lossGrad(mlp.out, M, null, 0, dOut, mask);
  };
  loss();
  mlp.dOut.set(dOut.subarray(0, M * data.nOut));
  if (data.tokens) mlp.backwardTokens(theta, grad, data.tokens, null, 0, M);
  else mlp.backward(theta, grad, data.X!, 0, M);
  const g = Float64Array.from(grad);
  // Every parameter of small networks; a deterministic sample of larger ones.
  const idx: number[] = [];
  const stride = Math.max(1, Math.floor(theta.length / 400));
  for (let j = 0; j < theta.length; j += stride) idx.push(j);
  const h = 1e-6;
  let worst = 0;
  for (const j of idx) {
    const old = theta[j];
    theta[j] = old + h;
    const lp = loss();
    theta[j] = old - h;
    const lm = loss();
    theta[j] = old;
    const fd = (lp - lm) / (2 * h);
    const err = Math.abs(fd - g[j]) / Math.max(1e-6, Math.abs(fd) + Math.abs(g[j]));
    worst = Math.max(worst, err);
    assert.ok(err < 1e-5 || Math.abs(fd - g[j]) < 1e-9, `${label}: parameter ${j}: backprop ${g[j]} vs finite difference ${fd}`);
  }
  assert.ok(idx.length > 20, `${label}: checked ${idx.length} parameters`);
}

const parity = (extra: string) => `model: network
task: {kind: sparse-parity, bits: 6, samples: 40, subtasks: [[1, 2], [3, 4], [1, 2, 3, 4]]}
skills: {frequencies: [1, 0.5, 0.8]}
${extra}`;

test("sparse-parity, relu, masked mse: backprop = finite differences", () => {
  check(parity("network: {hidden: [7], activation: relu}\nloss: mse"), "relu mse");
});

test("sparse-parity, silu, two hidden layers, masked binary ce", () => {
  check(parity("network: {hidden: [5, 4], activation: silu}\nloss: ce"), "silu ce");
});

test("modules: block-diagonal layers (3 modules, relu and silu)", () => {
  check(`model: network
task: {kind: squares, samples: 30}
skills: {count: 3, frequencies: [0.5, 0.3, 0.2]}
network: {hidden: [6, 9], activation: silu, modules: 3}`, "squares silu modules");
  check(parity("network: {hidden: [6], activation: relu, modules: 3}\ntask: {kind: sparse-parity, bits: 6, samples: 40, subtasks: [[1, 2], [3, 4], [5, 6]]}").replace(/task: \{kind: sparse-parity, bits: 6, samples: 40, subtasks: \[\[1, 2\], \[3, 4\], \[1, 2, 3, 4\]\]\}\n/, ""), "parity relu modules");
});

test("modular addition: embedding + softmax cross-entropy, and one-hot mse", () => {
  check(`model: network
task: {kind: modular-addition, modulus: 5, train_fraction: 0.8}
network: {hidden: [6, 5], activation: silu, embedding: 3}
loss: ce`, "modular ce");
  check(`model: network
task: {kind: modular-addition, modulus: 5, train_fraction: 0.8}
network: {hidden: [4], activation: relu, embedding: 3}
loss: mse`, "modular mse");
});

test("multitask parity: control bits, one output, ce and mse", () => {
  check(`model: network
task: {kind: multitask-parity, bits: 6, k: 2, samples: 50}
skills: {count: 3, frequencies: {zipf: 1}}
network: {hidden: [8], activation: relu}
loss: ce`, "multitask ce");
  check(`model: network
task: {kind: multitask-parity, bits: 6, k: 2, samples: 50}
skills: {count: 3, frequencies: {zipf: 1}}
network: {hidden: [8], activation: silu}
loss: mse`, "multitask mse");
});
