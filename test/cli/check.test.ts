import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir, type CliResult } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const dir = tempDir();
const file = (name: string, data: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, typeof data === "string" ? data : JSON.stringify(data));
  return p;
};

// One real run result, shared by the tests below.
const basePath = join(dir, "base.json");
const made = await cliIn(["run", "--json", "-q", "--set", "steps=300", "--set", "record={points: 30}", "--out", basePath]);
const base = JSON.parse(readFileSync(basePath, "utf8"));

/** Exit 2 with one line on stderr, no stack trace. */
function inputError(r: CliResult, re: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.ok(!/\n\s+at /.test(r.stderr), r.stderr);
  assert.match(r.stderr.trim(), re);
}

test("the same result on another machine passes: provenance is not compared, a new version is noted", async () => {
  assert.equal(made.code, 0, made.stderr);
  const other = structuredClone(base);
  other.provenance.node = "v99.1.0";
  other.provenance.skillsim = "9.9.9";
  const r = await cliIn(["check", file("other.json", other), "--baseline", basePath]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\d+ fields compared, 0 moved beyond tolerance\n$/);
  assert.match(r.stderr, /^skillsim: note: .*base\.json was made by skillsim 0\.\d+\.\d+, .*other\.json by 9\.9\.9\n$/);
});

test("a regression: exit 1, a table of what moved, a one-line reason on stderr; --json for scripts", async () => {
  const moved = structuredClone(base);
  moved.skills[1].half += 2;
  moved.final.loss = moved.final.loss * 2 + 1e-6;
  const p = file("moved.json", moved);
  const r = await cliIn(["check", p, "--baseline", basePath]);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.match(lines[0], /^field\s+baseline\s+now\s+change\s+tolerance$/);
  assert.match(r.stdout, new RegExp(`skills\\.2\\.half\\s+${base.skills[1].half}\\s+${base.skills[1].half + 2}\\s+\\+\\d\\.\\d\\de-\\d\\s+exact \\(integers\\)`));
  assert.match(r.stdout, /final\.loss\s/);
  assert.match(lines[lines.length - 1], /^\d+ fields compared, 2 moved beyond tolerance$/);
  assert.match(r.stderr, /^skillsim: check failed: \d+ fields compared, 2 moved beyond tolerance\n$/);

  const tol = file("tol.yaml", "skills.*.half: {atol: 2}\nfinal.loss: {rtol: 2}\nskils.*.onset: {atol: 1}\n");
  const j = await cliIn(["check", p, "--baseline", basePath, "--tolerances", tol, "--json"]);
  assert.equal(j.code, 0, j.stderr);
  const doc = JSON.parse(j.stdout);
  assert.equal(doc.ok, true);
  assert.equal(doc.moved, 0);
  assert.deepEqual(doc.unused_patterns, ["skils.*.onset"]);
  assert.match(j.stderr, /note: tolerance pattern "skils\.\*\.onset" matched no field/);
});

test("different configs: exit 2 naming the keys that differ", async () => {
  const other = join(dir, "other-config.json");
  assert.equal((await cliIn(["run", "--json", "-q", "--set", "steps=300", "--set", "record={points: 30}", "--set", "N0=0.01", "--out", other])).code, 0);
  inputError(await cliIn(["check", other, "--baseline", basePath]), /^skillsim: different configs \(1 key\): N0: 0\.003 vs 0\.01; /);
});

test("bad input: missing, a directory, not JSON, mismatched kinds, a bad tolerance file, bad flags", async () => {
  inputError(await cliIn(["check", join(dir, "nope.json"), "--baseline", basePath]), /nope\.json: cannot read result: no such file$/);
  inputError(await cliIn(["check", basePath, "--baseline", dir]), /: is a directory, expected a baseline$/);
  inputError(await cliIn(["check", file("half.json", JSON.stringify(base).slice(0, 200)), "--baseline", basePath]), /half\.json:1:201: not valid JSON: the input ends/);
  const fit = file("fit.json", { form: "chinchilla", n: 9, params: { E: 1, A: 2, B: 3, alpha: 0.3, beta: 0.3 } });
  inputError(await cliIn(["check", fit, "--baseline", basePath]), /mismatched kinds: .*fit\.json is a fit result \(fit --json\) but .*base\.json is a run result/);
  inputError(await cliIn(["check", basePath, "--baseline", basePath, "--tolerances", file("bad.yaml", "final.loss: {rtol: -1}\n")]), /bad\.yaml:1:20: final\.loss\.rtol: must be a finite number >= 0, got -1$/);
  inputError(await cliIn(["check", basePath, "--baseline", basePath, "--rtol", "lots"]), /--rtol: expected a number >= 0, got "lots"$/);
});

test("sweeps: JSON Lines compared per run id; a missing id is an input error", async () => {
  const line = (id: number, loss: number) => JSON.stringify({ id, overrides: { N0: id }, final: { loss }, skills: [], trace: { t: [0], loss: [loss] }, config_hash: `h${id}` });
  const a = file("a.jsonl", `${line(0, 1)}\n${line(1, 2)}\n`);
  const b = file("b.jsonl", `${line(1, 2.5)}\n${line(0, 1)}\n`);
  const r = await cliIn(["check", b, "--baseline", a]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^run\s+field\s+baseline\s+now/);
  assert.match(r.stdout, /\n1\s+final\.loss\s+2\s+2\.5\s+\+2\.50e-1/);
  inputError(await cliIn(["check", file("c.jsonl", `${line(0, 1)}\n`), "--baseline", a]), /different sweeps: .*c\.jsonl lacks run id 1$/);
});

test("--help documents the tolerance format, examples and exit codes", async () => {
  const r = await cliIn(["check", "--help"]);
  assert.equal(r.code, 0);
  for (const s of ["--baseline", "--tolerances", "skills.*.onset: {atol: 2}", "Examples:", "Exit codes: 0", "docs/ci.md"]) assert.ok(r.stdout.includes(s), s);
});
