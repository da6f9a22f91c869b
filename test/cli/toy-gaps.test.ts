/** Issue 12's toy-model additions through the real CLI: data files, --vectors, errors. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const twoSkills = `model: geometry
params: 2
skills:
  frequencies: [0.9, 0.1]
  vectors: {file: vectors.csv}
init: {file: theta.csv}
batch: full
optimizer: sgd
lr: 0.1
steps: 40
record: every
`;

test("run reads skills.vectors and init from CSV files next to the config", async () => {
  const dir = tempDir();
  writeFileSync(join(dir, "c.yaml"), twoSkills);
  writeFileSync(join(dir, "vectors.csv"), "# e1, e2\n1, 0\n0, 1\n");
  writeFileSync(join(dir, "theta.csv"), "0\n0\n");
  const r = await cliIn(["run", join(dir, "c.yaml"), "--json", "-q"], { cwd: "/" });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.config.skills.vectors, [[1, 0], [0, 1]]);
  const k = out.trace.t.indexOf(40);
  assert.ok(Math.abs(out.trace.level[0][k] - (1 - 0.91 ** 40)) < 1e-14);
});

test("bad data files: one line naming the config's file:line, the key and the CSV line; exit 2", async () => {
  const dir = tempDir();
  writeFileSync(join(dir, "c.yaml"), twoSkills);
  writeFileSync(join(dir, "theta.csv"), "0\n0\n");
  const cases: [string, RegExp][] = [
    ["1, 0\n0, x\n", /c\.yaml:5:19: skills\.vectors\.file: vectors\.csv:2: entry 2 "x" is not a finite number/],
    ["1, 0, 0\n0, 1, 0\n", /c\.yaml:5:19: skills\.vectors\.file: vectors\.csv:1: rows have 3 entries but params is 2/],
    ["1, 0\n", /skills\.vectors\.file: vectors\.csv has 1 rows but skills\.count is 2/],
    ["1, 0\n0\n", /vectors\.csv:2: this row has 1 numbers but the first row \(line 1\) has 2/],
  ];
  for (const [csv, re] of cases) {
    writeFileSync(join(dir, "vectors.csv"), csv);
    const r = await cliIn(["run", join(dir, "c.yaml")]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split("\n").length, 1);
  }
  writeFileSync(join(dir, "vectors.csv"), "1, 0\n0, 1\n");
  const missing = await cliIn(["run", join(dir, "c.yaml"), "--set", "init={file: nope.csv}"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /init\.file: cannot read nope\.csv: no such file/);
  const inline = await cliIn(["run", join(dir, "c.yaml"), "--set", "skills.vectors=[[1, 0], [0, 1, 2]]"]);
  assert.equal(inline.code, 2);
  assert.match(inline.stderr, /skills\.vectors\.1: row 2 has 3 entries but params is 2/);
});

test("run --vectors exports a geometry run's skill vectors; reading them back gives the same run", async () => {
  const dir = tempDir();
  const cfg = `model: geometry
seed: 7
params: 10
skills: {count: 40, vectors: random}
batch: full
optimizer: adam
lr: 0.01
steps: 100
`;
  writeFileSync(join(dir, "g.yaml"), cfg);
  const a = await cliIn(["run", join(dir, "g.yaml"), "--json", "-q", "--vectors", join(dir, "v.csv")]);
  assert.equal(a.code, 0, a.stderr);
  const lines = readFileSync(join(dir, "v.csv"), "utf8").trim().split("\n");
  assert.match(lines[0], /^# /);
  assert.equal(lines.length, 41);
  assert.equal(lines[1].split(",").length, 10);
  const b = await cliIn(["run", join(dir, "g.yaml"), "--json", "-q", "--set", "skills.vectors={file: v.csv}"]);
  assert.equal(b.code, 0, b.stderr);
  assert.deepEqual(JSON.parse(b.stdout).trace.level, JSON.parse(a.stdout).trace.level);
  const res = await cliIn(["run", "--vectors", join(dir, "x.csv")]);
  assert.equal(res.code, 2);
  assert.match(res.stderr, /only the geometry model has skill vectors/);
});

test("resource: clip, switches and correlation-from are validated with file:line:key", async () => {
  const r1 = await cliIn(["run", "--set", "skills.switches=[{skill: 11, at_level: 0.5, frequency: 0.1}]"]);
  assert.equal(r1.code, 2);
  assert.match(r1.stderr, /skills\.switches\.0\.skill: skill 11 does not exist/);
  const r2 = await cliIn(["run", "--set", "clip=false", "--set", "integrator=rk45"]);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /clip: clip: false is a property of the discrete map/);
  const r3 = await cliIn(["run", "--set", "skills.correlation={from: geometry, params: 5, vectors: orthogonal}"]);
  assert.equal(r3.code, 2);
  assert.match(r3.stderr, /skills\.correlation\.params: 10 orthogonal skill vectors do not fit in 5 dimensions/);
  const r4 = await cliIn(["run", "--set", "skills.correlation={from: geometry, params: 10, vectors: random, seed: 7}", "--json", "-q"]);
  assert.equal(r4.code, 0, r4.stderr);
});

test("ademamix runs through the CLI and its settings are checked", async () => {
  const ok = await cliIn(["run", "configs/geometry-minimal.yaml", "--set", "optimizer={name: ademamix, alpha_warmup: 100}", "--set", "steps=50", "--json", "-q"]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).config.optimizer.beta3, 0.9999);
  const bad = await cliIn(["run", "configs/geometry-minimal.yaml", "--set", "optimizer={name: adam, beta3: 0.9}"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /optimizer\.beta3: adam does not use beta3/);
});
