/**
 * The network model through the real CLI: run (text, JSON, CSV), init, validate, byte-identical
 * output for the same seed, bad input (exit 2, one line with file:line:col and key, before any
 * work) and divergence (exit 1).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";
import { loadConfig, ConfigError } from "../../src/config/load.js";

const SMALL = `model: network
task: {kind: sparse-parity, bits: 8, samples: 400, subtasks: [[1, 2], [3, 4]]}
skills: {frequencies: [1, 0.2]}
network: {hidden: [16], activation: relu}
lr: 0.01
steps: 80
`;

function file(text: string, name = "net.yaml"): string {
  const f = join(tempDir(), name);
  writeFileSync(f, text);
  return f;
}

test("skillsim run: a network config gives the shared result shape; same seed, same bytes", async () => {
  const f = file(SMALL);
  const a = await cliIn(["run", f, "--json", "--quiet"]);
  assert.equal(a.code, 0, a.stderr);
  const r = JSON.parse(a.stdout);
  assert.equal(r.model, "network");
  assert.equal(r.skills.length, 2);
  assert.deepEqual(Object.keys(r.skills[0]), ["index", "frequency", "onset", "half", "learned", "final"]);
  assert.equal(r.summary.architecture, "8-16-2");
  assert.equal(r.summary.parameters, 8 * 16 + 16 + 16 * 2 + 2);
  assert.equal(r.trace.level.length, 2);
  assert.equal(r.config.optimizer.name, "adam");
  assert.equal(r.domino.gaps.length, 1);
  const b = await cliIn(["run", f, "--json", "--quiet"]);
  assert.equal(b.stdout, a.stdout);
  const text = await cliIn(["run", f, "--quiet"]);
  assert.equal(text.code, 0);
  assert.match(text.stdout, /network model · 2 skills, p = \[1, 0\.2\] · sparse-parity, MLP 8-16-2 relu \(178 parameters\), adam, mse, batch full/);
  const csv = await cliIn(["run", f, "--csv", "--quiet"]);
  assert.match(csv.stdout.split("\n")[0], /^t,loss,s1,s2$/);
});

test("skillsim init network: a commented config that validates and runs", async () => {
  const init = await cliIn(["init", "network"]);
  assert.equal(init.code, 0);
  assert.match(init.stdout, /^model: network$/m);
  const f = file(init.stdout);
  const v = await cliIn(["validate", f, "--json"]);
  assert.equal(v.code, 0, v.stderr);
  const c = JSON.parse(v.stdout);
  assert.deepEqual(c.task.subtasks, [[1, 2], [3, 4]]);
  assert.deepEqual(c.network, { hidden: [50], activation: "relu", modules: 1 });
  const r = await cliIn(["run", f, "--json", "--quiet", "--set", "steps=2", "--set", "task.samples=200"]);
  assert.equal(r.code, 0, r.stderr);
});

test("validate fills per-kind defaults (Fig 13 for modular-addition)", async () => {
  const v = await cliIn(["validate", file("model: network\ntask: {kind: modular-addition}\n"), "--json"]);
  assert.equal(v.code, 0, v.stderr);
  const c = JSON.parse(v.stdout);
  assert.deepEqual(c.task, { kind: "modular-addition", modulus: 59, train_fraction: 0.8 });
  assert.deepEqual(c.network, { hidden: [100, 100], activation: "silu", modules: 1, embedding: 128 });
  assert.equal(c.loss, "ce");
  assert.deepEqual(c.skills, { count: 2, frequencies: [0.8, 0.19999999999999996] });
});

const bad: [string, string, RegExp][] = [
  ["a subtask bit beyond bits", "model: network\ntask:\n  kind: sparse-parity\n  bits: 8\n  subtasks: [[1, 2], [3, 9]]\n", /^bad\.yaml:5:\d+: task\.subtasks\.1\.1: bit 9 is beyond the 8 input bits/],
  ["a modulus below 2", "model: network\ntask: {kind: modular-addition, modulus: 1}\n", /^bad\.yaml:2:\d+: task\.modulus: must be >= 2, got 1$/],
  ["more tasks than control bits", "model: network\ntask: {kind: multitask-parity, control: 3}\nskills: {count: 5}\n", /^bad\.yaml:2:\d+: task\.control: 5 tasks need 5 one-hot control bits, but task\.control is 3$/],
  ["a hidden width of 0", "model: network\nnetwork:\n  hidden: [50, 0]\n", /^bad\.yaml:3:\d+: network\.hidden\.1: must be > 0, got 0$/],
  ["modules that do not divide the layers", "model: network\ntask: {kind: squares}\nnetwork: {hidden: [100, 50], modules: 4}\n", /^bad\.yaml:3:\d+: network\.modules: 4 modules do not divide the 2 inputs/],
  ["modules that do not divide a hidden layer", "model: network\ntask: {kind: squares}\nnetwork: {hidden: [100, 51], modules: 2}\n", /network\.modules: 2 modules do not divide hidden layer 2 \(width 51\)/],
  ["a network too big for memory", "model: network\nnetwork: {hidden: [1000000, 1000000]}\n", /^bad\.yaml:2:\d+: network\.hidden: this network and data would need about \d+ MiB of memory/],
  ["a key of another task kind", "model: network\ntask: {kind: squares, modulus: 7}\n", /^bad\.yaml:2:\d+: task\.modulus: is not used by task kind squares/],
  ["ce on squares", "model: network\ntask: {kind: squares}\nloss: ce\n", /^bad\.yaml:3:\d+: loss: squares is a regression task/],
  ["a share above 1 for sparse-parity", "model: network\nskills: {frequencies: [1, 1.5]}\n", /skills\.frequencies\.1: is the share of samples whose loss counts for task 2, so it must be in \(0, 1\], got 1\.5/],
  ["no held-out pairs", "model: network\ntask: {kind: modular-addition, train_fraction: 1}\n", /task\.train_fraction: leaves no held-out pairs/],
  ["an unknown activation", "model: network\nnetwork: {activation: tanh}\n", /network\.activation: must be one of "relu", "silu", got "tanh"/],
  ["a misspelt network key", "model: network\nnetwork: {hiden: [5]}\n", /network\.hiden: unknown key; did you mean "hidden"\?/],
  ["an embedding for numeric inputs", "model: network\nnetwork: {embedding: 4}\n", /network\.embedding: an embedding is for modular-addition/],
];

for (const [name, yaml, expect] of bad) {
  test(`bad input: ${name}`, () => {
    assert.throws(() => loadConfig(yaml, { file: "bad.yaml" }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.format(), expect);
      return true;
    });
  });
}

test("bad input through the CLI: exit 2, one line, no stack; divergence: exit 1 naming the step", async () => {
  const f = file("model: network\ntask:\n  kind: sparse-parity\n  bits: 8\n  subtasks: [[1, 2], [3, 9]]\n", "bad.yaml");
  const r = await cliIn(["run", f]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.match(r.stderr, /bad\.yaml:5:\d+: task\.subtasks\.1\.1: bit 9 is beyond the 8 input bits/);
  const big = await cliIn(["run", file("model: network\nnetwork: {hidden: [1000000, 1000000]}\n")]);
  assert.equal(big.code, 2, big.stderr);
  const d = await cliIn(["run", file(SMALL), "--quiet", "--set", "optimizer=sgd", "--set", "lr=1.0e200"]);
  assert.equal(d.code, 1, d.stderr);
  assert.match(d.stderr, /diverged at step \d+: .* is not finite\. Likely cause: learning rate too large for sgd/);
  assert.ok(!/^\s+at /m.test(d.stderr));
});

test("sweeps, check and figures work unchanged for the network model", async () => {
  const dir = tempDir();
  const f = join(dir, "sw.yaml");
  writeFileSync(f, `${SMALL}sweep:\n  seed: [0, 1]\n`);
  const out = join(dir, "runs.jsonl");
  const s = await cliIn(["sweep", f, "--out", out, "--jobs", "2", "--quiet"]);
  assert.equal(s.code, 0, s.stderr);
  const lines = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l)).sort((a, b) => a.id - b.id); // written as runs finish
  assert.equal(lines.length, 2);
  assert.deepEqual(lines.map((l) => l.overrides.seed), [0, 1]);
  assert.equal(lines[0].skills.length, 2);
  const one = await cliIn(["run", f, "--json", "--quiet", "--set", "seed=1"]);
  assert.deepEqual(lines[1].skills, JSON.parse(one.stdout).skills);
  const a = join(dir, "a.json");
  assert.equal((await cliIn(["run", f, "--json", "--quiet", "--out", a])).code, 0);
  const c = await cliIn(["check", a, "--baseline", a]);
  assert.equal(c.code, 0, c.stderr + c.stdout);
  const svg = join(dir, "run.svg");
  const p = await cliIn(["run", f, "--quiet", "--plot", svg]);
  assert.equal(p.code, 0, p.stderr);
  assert.match(readFileSync(svg, "utf8"), /^<svg/);
});

test("physics, small Fig 2: the rare task (p2 = 0.05) is learned a few times later, not 20; at p2 = 1 about together", async () => {
  // A reduced Fig 2 (12 bits, 2000 samples, 32 hidden units, lr 3e-3), seeds 0-2. Measured:
  // ratios 3.2, 4.3, 3.1 at p2 = 0.05 and 1.1, 1.4, 1.1 at p2 = 1 (the full setting: README).
  const f = file(`model: network
task: {kind: sparse-parity, bits: 12, samples: 2000, subtasks: [[1, 2], [3, 4]]}
skills: {frequencies: [1, 0.05]}
network: {hidden: [32], activation: relu}
lr: 3.0e-3
steps: 400
timeline: {on: level, onset: 0.6, half: 0.75, learned: 0.9}
`);
  for (const seed of [0, 1, 2]) {
    const rare = JSON.parse((await cliIn(["run", f, "--json", "--quiet", "--set", `seed=${seed}`])).stdout);
    const equal = JSON.parse((await cliIn(["run", f, "--json", "--quiet", "--set", `seed=${seed}`, "--set", "skills.frequencies=[1, 1]"])).stdout);
    const r = rare.domino.ratio21, e = equal.domino.ratio21;
    assert.ok(r > 2 && r < 10, `seed ${seed}: learned_2 / learned_1 = ${r} at p2 = 0.05`);
    assert.ok(e < 1.6, `seed ${seed}: ratio ${e} at p2 = 1`);
  }
});

test("tasks are named from the config: run figure (.vl.json), text report, table, study curves and calibrate figure", async () => {
  // Fig 2 (top)'s three sparse-parity outputs, small (Fig 13's names: test/report/figures-cli.test.ts).
  const dir = tempDir();
  const f = join(dir, "composite.yaml");
  writeFileSync(f, `model: network
task: {kind: sparse-parity, bits: 8, samples: 200, subtasks: [[3, 4], [1, 2], [1, 2, 3, 4]]}
skills: {frequencies: [1, 1, 1]}
network: {hidden: [8], activation: relu}
lr: 0.01
steps: 20
record: {points: 5, spacing: linear}
sweep:
  seed: [0, 1]
study:
  figures:
    - {name: acc, data: curves, x: step, y: level, color: task}
`);
  const names = ["x3 xor x4", "x1 xor x2", "x1 xor x2 xor x3 xor x4"];
  const vl = join(dir, "run.vl.json");
  const p = await cliIn(["run", f, "--quiet", "--plot", vl]);
  assert.equal(p.code, 0, p.stderr);
  const spec = JSON.parse(readFileSync(vl, "utf8"));
  assert.deepEqual(spec.vconcat[0].encoding.color.scale.domain, names);
  assert.deepEqual([...new Set(spec.vconcat[0].data.values.map((v: { task: string }) => v.task))], names);
  assert.match(p.stdout, /^skill {2}task {21}frequency/m);
  assert.match(p.stdout, /^ {4}3 {2}x1 xor x2 xor x3 xor x4 /m);
  assert.match(p.stdout, /series in order: \(1\) x3 xor x4 {2}\(2\) x1 xor x2 {2}\(3\) x1 xor x2 xor x3 xor x4/);

  const runs = join(dir, "runs.jsonl");
  assert.equal((await cliIn(["sweep", f, "--out", runs, "--jobs", "1", "--quiet"])).code, 0);
  const long = await cliIn(["table", runs, "--long", "--csv"]);
  assert.equal(long.code, 0, long.stderr);
  const rows = long.stdout.trim().split("\n").map((l) => l.split(","));
  assert.deepEqual(rows[0].slice(0, 5), ["id", "seed", "final_loss", "skill", "task"]);
  assert.deepEqual(rows.slice(1, 4).map((r) => r[4]), names);
  const text = await cliIn(["table", runs]);
  assert.match(text.stdout, /^tasks: 1 = x3 xor x4; 2 = x1 xor x2; 3 = x1 xor x2 xor x3 xor x4$/m);

  const out = join(dir, "study");
  const s = await cliIn(["study", f, "--out", out, "--jobs", "1", "--long", "-q"]);
  assert.equal(s.code, 0, s.stderr);
  const curves = readFileSync(join(out, "curves.csv"), "utf8").trim().split("\n").map((l) => l.split(","));
  assert.equal(curves[0].join(","), "config,id,seed,step,skill,task,level,loss");
  assert.deepEqual(curves.slice(1, 4).map((r) => r[5]), names);
  const acc = JSON.parse(readFileSync(join(out, "acc.vl.json"), "utf8"));
  assert.deepEqual([...new Set(JSON.stringify(acc.data ?? acc).match(/"task":"[^"]*"/g))].sort(), names.map((n) => `"task":"${n}"`).sort());

  // calibrate --plot on the run: the observed and fitted curves carry the run's task names.
  const json = join(dir, "run.json");
  assert.equal((await cliIn(["run", f, "--json", "--out", json, "-q"])).code, 0);
  const cal = join(dir, "cal.vl.json");
  const c = await cliIn(["calibrate", json, "--plot", cal, "-q"]);
  assert.equal(c.code, 0, c.stderr);
  const cs = JSON.parse(readFileSync(cal, "utf8"));
  assert.deepEqual(cs.layer[0].encoding.color.scale.domain, names);
  assert.deepEqual([...new Set(cs.data.values.map((v: { skill: string }) => v.skill))].sort(), [...names].sort());
});
