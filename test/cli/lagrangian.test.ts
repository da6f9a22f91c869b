import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

function file(text: string, name = "c.yaml"): string {
  const f = join(tempDir(), name);
  writeFileSync(f, text);
  return f;
}

test("natural gradient, explicit e1, e2, full batch, mse: s_i(t) = 1 - (1 - lr p_i / (p_i + damping))^t", async () => {
  const f = file(
    "model: geometry\nparams: 3\nskills: {count: 2, frequencies: [0.9, 0.1], vectors: [[1, 0, 0], [0, 1, 0]]}\n" +
      "batch: full\noptimizer: {name: natural, damping: 0.01}\nlr: 0.1\nsteps: 60\nrecord: every\n",
  );
  const r = await cliIn(["run", f, "--json", "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  [0.9, 0.1].forEach((p, i) => {
    for (let t = 0; t <= 60; t++) {
      const exact = 1 - (1 - (0.1 * p) / (p + 0.01)) ** t;
      assert.ok(Math.abs(j.trace.level[i][t] - exact) < 1e-12, `skill ${i + 1} t ${t}`);
    }
  });
  // both skills at almost the same rate: natural gradient undoes the frequency weighting
  assert.ok(j.skills[1].learned / j.skills[0].learned < 1.2);
});

test("natural gradient with more skills than parameters (an N x N solve) runs; ce weights follow s(1 - s)", async () => {
  const f = file("model: geometry\nparams: 8\nskills: {count: 20, vectors: random}\nloss: ce\nbatch: 64\noptimizer: natural\nlr: 0.05\nsteps: 200\n");
  const r = await cliIn(["run", f, "--json", "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.ok(j.final.loss < j.trace.loss[0], "the loss falls");
  assert.equal((await cliIn(["run", f, "--json", "--quiet"])).stdout, r.stdout, "same seed, same bytes");
});

test("adam power 0.5 gives the same bytes as adam; other powers change the run", async () => {
  const base = "model: geometry\nparams: 50\nskills: {count: 2, frequencies: [0.9, 0.1]}\nbatch: 16\nlr: 0.01\nsteps: 300\n";
  const a = JSON.parse((await cliIn(["run", file(base + "optimizer: adam\n"), "--json", "--quiet"])).stdout);
  const b = JSON.parse((await cliIn(["run", file(base + "optimizer: {name: adam, power: 0.5}\n"), "--json", "--quiet"])).stdout);
  assert.deepEqual(b.trace, a.trace);
  assert.deepEqual(b.skills, a.skills);
  const c = JSON.parse((await cliIn(["run", file(base + "optimizer: {name: adam, power: 0.75}\n"), "--json", "--quiet"])).stdout);
  assert.notDeepEqual(c.trace.loss, a.trace.loss);
});

test("bad optimizer settings are config errors with the key", async () => {
  const cases: [string, RegExp][] = [
    ["optimizer: {name: sgd, power: 0.5}", /optimizer\.power: sgd does not use power/],
    ["optimizer: {name: adam, power: 1.5}", /optimizer\.power/],
    ["optimizer: {name: adam, damping: 0.1}", /optimizer\.damping: adam does not use damping/],
  ];
  for (const [opt, re] of cases) {
    const r = await cliIn(["run", file(`model: geometry\nparams: 10\nskills: {count: 2}\n${opt}\n`)]);
    assert.equal(r.code, 2, opt);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split("\n").length, 1);
  }
  const big = await cliIn(["run", file("model: geometry\nparams: 1100\nskills: {count: 1100, vectors: random}\noptimizer: natural\n")]);
  assert.equal(big.code, 2);
  assert.match(big.stderr, /limit of 1024/);
  const net = await cliIn(["run", file("model: network\noptimizer: natural\n")]);
  assert.equal(net.code, 2);
  assert.match(net.stderr, /only the geometry model/);
});

test("every configs/lagrangian/ config runs (shortened) and its kinematics report", async () => {
  const dir = tempDir();
  for (const f of ["two-skill", "minimal", "scaling", "network"]) {
    const out = join(dir, `${f}.json`);
    const r = await cliIn(["run", `configs/lagrangian/${f}.yaml`, "--set", "steps=30", "--json", "--out", out, "--quiet"]);
    assert.equal(r.code, 0, `${f}: ${r.stderr}`);
    const k = await cliIn(["kinematics", out, "--json", "--quiet"]);
    assert.equal(k.code, 0, `${f}: ${k.stderr}`);
    assert.ok(JSON.parse(k.stdout).aggregate.velocity.length > 0);
  }
});
