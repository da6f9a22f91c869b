import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir, ROOT } from "../helpers.js";
import { cliIn } from "../inprocess.js";

test("default run prints the reference timeline and exits 0", async () => {
  const r = await cliIn(["run"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /resource model/);
  const row1 = r.stdout.split("\n").find((l) => /^\s+1\s/.test(l))!;
  assert.match(row1, /\b46\b/);
  assert.match(r.stdout, /learned_2 \/ learned_1/);
  assert.equal(r.stderr, "");
});

test("--json has the documented shape; trace.level[i] follows trace.t", async () => {
  const r = await cliIn(["run", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  for (const k of ["model", "config", "skills", "final", "trace", "provenance"]) assert.ok(k in j, k);
  assert.equal(j.model, "resource");
  assert.equal(j.skills.length, 10);
  assert.deepEqual(Object.keys(j.skills[0]), ["index", "frequency", "onset", "half", "learned", "final"]);
  assert.deepEqual(j.skills.map((s: { half: number }) => s.half), [46, 117, 178, 233, 283, 326, 365, 399, 428, 454]);
  assert.equal(j.trace.level.length, 10);
  for (const l of j.trace.level) assert.equal(l.length, j.trace.t.length);
  assert.equal(j.trace.loss.length, j.trace.t.length);
  assert.equal(j.config.N0, 0.003);
  assert.match(j.provenance.config_hash, /^[0-9a-f]{16}$/);
});

test("same config and seed: byte-identical output", async () => {
  const a = await cliIn(["run", "--json", "configs/resource-ode.yaml"]);
  const b = await cliIn(["run", "--json", "configs/resource-ode.yaml"]);
  assert.equal(a.code, 0);
  assert.equal(a.stdout, b.stdout);
});

test("--csv prints the trace; --out writes atomically and leaves no temporary file", async () => {
  const r = await cliIn(["run", "--csv", "--set", "skills.count=3"]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.equal(lines[0], "t,loss,s1,s2,s3");
  assert.equal(lines[1].split(",").length, 5);
  const dir = tempDir();
  const out = join(dir, "res.json");
  const w = await cliIn(["run", "--json", "--out", out]);
  assert.equal(w.code, 0, w.stderr);
  assert.equal(w.stdout, "");
  assert.equal(JSON.parse(readFileSync(out, "utf8")).model, "resource");
  assert.deepEqual(readdirSync(dir), ["res.json"]);
});

test("--set overrides keys and is validated like the file", async () => {
  const ok = await cliIn(["run", "--json", "--set", "N0=1", "--set", "skills.frequencies={zipf: 1}"]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).config.N0, 1);
  const bad = await cliIn(["run", "--set", "N0=-1"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--set N0=-1: N0: must be >= 0/);
});

test("every example in configs/ runs", async () => {
  const files = readdirSync(join(ROOT, "configs")).filter((f) => f.endsWith(".yaml"));
  assert.ok(files.length >= 10);
  for (const f of files) {
    const text = readFileSync(join(ROOT, "configs", f), "utf8");
    assert.match(text, /^# /, `${f} starts with a comment`);
    // network runs train real MLPs for minutes: here 20 steps exercise the whole config
    const short = /^model: network/m.test(text) ? ["--set", "steps=20"] : [];
    const cmd = /^sweep:/m.test(text) ? ["validate", `configs/${f}`] : ["run", `configs/${f}`, "--json", ...short];
    const r = await cliIn(cmd);
    assert.equal(r.code, 0, `${f}: ${r.stderr}`);
  }
});

test("init prints a commented config for each model that validates", async () => {
  const dir = tempDir();
  for (const m of ["resource", "domino", "geometry"]) {
    const r = await cliIn(["init", m]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^# skillsim config/);
    const f = join(dir, `${m}.yaml`);
    writeFileSync(f, r.stdout);
    const v = await cliIn(["validate", f]);
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, new RegExp(`model: ${m}`));
  }
  const bad = await cliIn(["init", "resourse"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /did you mean "resource"/);
});

test("--help teaches (examples) and --version prints the version", async () => {
  const h = await cliIn(["--help"]);
  assert.equal(h.code, 0);
  assert.match(h.stdout, /run/);
  assert.match(h.stdout, /validate/);
  for (const c of ["run", "validate", "init"]) {
    const r = await cliIn([c, "--help"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Examples:/, c);
  }
  const v = await cliIn(["--version"]);
  assert.equal(v.code, 0);
  assert.match(v.stdout, /^\d+\.\d+\.\d+/);
  const u = await cliIn(["frobnicate"]);
  assert.equal(u.code, 2);
  assert.ok(!/\n\s+at /.test(u.stderr));
});

const BAD: [string, string, RegExp][] = [
  ["malformed YAML", "model: resource\nskills: {count: 3\n", /bad\.yaml:\d+:\d+: malformed YAML/],
  ["unknown key", "model: resource\nskills:\n  count: 3\n  frequncies: {zipf: 2}\n", /bad\.yaml:4:3: skills\.frequncies: unknown key; did you mean "frequencies"\?/],
  ["wrong type", "model: resource\nlr: fast\n", /bad\.yaml:2:5: lr: expected a number, got a string "fast"/],
  ["negative count", "model: resource\nskills: {count: -3}\n", /bad\.yaml:2:17: skills\.count: must be > 0, got -3/],
  ["zero steps", "model: domino\nsteps: 0\n", /bad\.yaml:2:8: steps: must be > 0/],
  ["missing skill", "model: resource\nskills:\n  count: 3\n  dependencies:\n    - {skill: 2, requires: [5]}\n", /bad\.yaml:5:29: skills\.dependencies\.0\.requires\.0: skill 5 does not exist/],
  ["cycle", "model: resource\nskills:\n  count: 3\n  dependencies:\n    - {skill: 1, requires: [3]}\n    - {skill: 3, requires: [1]}\n", /bad\.yaml:5:7: skills\.dependencies\.0: dependency cycle 1 -> 3 -> 1/],
  ["non-square correlation", "model: resource\nskills:\n  count: 2\n  correlation: [[1, 0, 0], [0, 1, 0]]\n", /bad\.yaml:4:17: skills\.correlation\.0: row 1 has 3 entries; the matrix must be 2x2/],
  ["no model", "skills: {count: 3}\n", /bad\.yaml:1:1: model: missing key/],
];

test("bad configs: exit 2, one line naming file:line:col and key, never a stack trace", async () => {
  const dir = tempDir();
  for (const [name, yaml, re] of BAD) {
    const f = join(dir, "bad.yaml");
    writeFileSync(f, yaml);
    const r = await cliIn(["run", "bad.yaml"], { cwd: dir });
    assert.equal(r.code, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, re, name);
    assert.equal(r.stderr.trim().split("\n").length, 1, `${name}: one line`);
    assert.equal(r.stdout, "");
  }
  const missing = await cliIn(["run", "nope.yaml"], { cwd: dir });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.yaml: cannot read config: no such file/);
  assert.ok(!existsSync(join(dir, "nope.yaml")));
});

