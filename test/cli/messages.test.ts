/**
 * Messages that name the real cause (issue 21, section 3), through the CLI (main(), in-process): an empty file
 * path, a starting point whose loss overflows, a natural-gradient damping too small, a bad
 * --set blamed on itself.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const dir = tempDir();
function config(name: string, yaml: string): string {
  const p = join(dir, `${name}.yaml`);
  writeFileSync(p, yaml);
  return p;
}
const GEO = "model: geometry\nskills: {count: 3, frequencies: {zipf: 2}}\nparams: 4\nsteps: 10\n";

test("{file: \"\"} says the path must not be empty, not 'must be >= 1'", async () => {
  const p = config("empty-file", "model: geometry\nskills: {count: 3, frequencies: {zipf: 2}, vectors: {file: \"\"}}\nparams: 4\nsteps: 10\n");
  const r = await cliIn(["run", p]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /skills\.vectors\.file: must not be empty\n$/);
  assert.ok(!r.stderr.includes(">= 1"));
});

test("an init whose loss overflows is blamed on the starting point, not the learning rate, and the run fails", async () => {
  const p = config("huge-init", GEO + "init: [1.0e+308, 0, 0, 0]\n");
  const r = await cliIn(["run", p]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr, "skillsim: run failed: diverged at step 0: the loss is Infinity before the first update. Likely cause: the starting point itself (no update has been made yet), e.g. an init whose loss overflows\n");
});

test("natural-gradient damping 1e-300 is blamed on the damping; a huge lr still on the learning rate", async () => {
  const d = await cliIn(["run", config("damping", GEO + "optimizer: {name: natural, damping: 1.0e-300}\n")]);
  assert.equal(d.code, 1);
  assert.match(d.stderr, /^skillsim: run failed: diverged at step 1: theta is not finite\. Likely cause: damping too small for the Fisher matrix \(damping=1e-300\): the preconditioned gradient \(F \+ damping I\)\^-1 g is [\d.e+]+ times the gradient; raise optimizer\.damping\n$/);
  assert.ok(!d.stderr.includes("learning rate"));
  const lr = await cliIn(["run", config("natural-lr", GEO + "optimizer: {name: natural}\nlr: 1.0e+305\n")]);
  assert.equal(lr.code, 1);
  assert.match(lr.stderr, /Likely cause: learning rate too large for natural \(lr=1e\+305\)\n$/);
  // a sane damping runs
  assert.equal((await cliIn(["run", config("natural-ok", GEO + "optimizer: {name: natural, damping: 1.0e-4}\n")])).code, 0);
});

test("a bad --set is blamed on itself, not on another --set", async () => {
  const r = await cliIn(["run", "configs/network-multitask-zipf.yaml", "--set", "steps=5", "--set", "task.samples=-5", "--set", "lr=0.001"]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, "skillsim: config error: --set task.samples=-5: task.samples: must be > 0, got -5\n");
});

test("a defaulted key refused because of a --set is blamed on that --set, not on line 1 of the file", async () => {
  const net = config("net-default-onset", "model: network\ntask: {kind: sparse-parity, bits: 8, samples: 64, subtasks: [[1, 2], [3, 4]]}\nnetwork: {hidden: [8]}\nsteps: 5\n");
  const r = await cliIn(["run", net, "--set", "steps=3", "--set", "timeline.on=level"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^skillsim: config error: --set timeline\.on=level: timeline\.onset: with on: level the thresholds apply to the level itself, which starts at 0\.5/);
  // the same thresholds from the file: the file's timeline section
  const file = config("net-file-onset", "model: network\ntask: {kind: sparse-parity, bits: 8, samples: 64, subtasks: [[1, 2], [3, 4]]}\nnetwork: {hidden: [8]}\nsteps: 5\ntimeline: {on: level}\n");
  assert.match((await cliIn(["run", file])).stderr, /^skillsim: config error: .*net-file-onset\.yaml:5:11: timeline\.onset: /);
});

test("a sweep's output where one run's result is expected is named as a sweep (kinematics), not 'not a JSON document'", async () => {
  const cfg = config("kin-sweep", "model: resource\nskills: {count: 2}\nsteps: 20\nsweep:\n  seed: [0, 1]\n");
  const out = join(dir, "kin-sweep.jsonl");
  assert.equal((await cliIn(["sweep", cfg, "--out", out, "-q"])).code, 0);
  for (const f of [out]) {
    const r = await cliIn(["kinematics", f]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `skillsim: ${f}: is a sweep's JSON Lines (the output of \`skillsim sweep\`), whose traces carry no skill levels; give one run's \`skillsim run --json\` result\n`);
  }
  const one = join(dir, "kin-one.jsonl");
  writeFileSync(one, readFileSync(out, "utf8").split("\n")[0] + "\n");
  assert.match((await cliIn(["kinematics", one])).stderr, /kin-one\.jsonl: is a sweep's JSON Lines/);
});

test("the text header summarises explicit vectors and long frequency lists (no 200 KB first line)", async () => {
  const rows = Array.from({ length: 50 }, (_, i) => Array.from({ length: 200 }, (_, j) => ((i * 7 + j * 13) % 17) / 17).join(","));
  writeFileSync(join(dir, "big.csv"), rows.join("\n") + "\n");
  const r = await cliIn(["run", config("big-vectors", "model: geometry\nskills: {count: 50, frequencies: {zipf: 2}, vectors: {file: big.csv}}\nparams: 200\nsteps: 5\n")]);
  assert.equal(r.code, 0, r.stderr);
  const first = r.stdout.split("\n")[0];
  assert.equal(first, "skillsim · geometry model · 50 skills, zipf 2 · signgd, mse, explicit vectors (50 x 200 matrix), batch full · lr 3e-4, N 200 · 5 steps · seed 0");
  const p = await cliIn(["run", config("long-p", "model: resource\nskills: {frequencies: [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]}\nsteps: 5\n")]);
  assert.match(p.stdout.split("\n")[0], / · 10 skills, p = \[10, 9, 8, \.\.\., 1\] \(10 values\) · /);
  // short lists stay in full
  const short = await cliIn(["run", config("short-p", "model: resource\nskills: {frequencies: [0.9, 0.1]}\nsteps: 5\n")]);
  assert.match(short.stdout.split("\n")[0], / · 2 skills, p = \[0\.9, 0\.1\] · /);
});
