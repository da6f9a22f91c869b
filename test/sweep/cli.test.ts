/** `skillsim sweep` and `skillsim merge` end to end, through the CLI (in-process, test/inprocess.ts). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deriveSeed } from "../../src/engine/rng.js";
import { tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const SWEEP = `model: resource
skills: {count: 6, frequencies: {zipf: 2}}
seed: 5
steps: 300
sweep:
  N0: [0.001, 0.1, 1]
  skills.frequencies.zipf: [1, 2, 3]
`;

function setup(yaml = SWEEP): { dir: string; cfg: string } {
  const dir = tempDir();
  const cfg = join(dir, "sweep.yaml");
  writeFileSync(cfg, yaml);
  return { dir, cfg };
}

const ok = (r: { code: number; stderr: string }, what: string) => assert.equal(r.code, 0, `${what}: ${r.stderr}`);

test("merged shards (three separate sweep calls, one with --jobs 2 and its worker threads) are byte-identical to one serial run", async () => {
  const { dir, cfg } = setup();
  const serial = join(dir, "serial.jsonl");
  ok(await cliIn(["sweep", cfg, "--jobs", "1", "--out", serial, "-q"]), "serial");
  const parts = [1, 2, 3].map((i) => join(dir, `part-${i}.jsonl`));
  ok(await cliIn(["sweep", cfg, "--shard", "1/3", "--jobs", "1", "--out", parts[0], "-q"]), "shard 1");
  ok(await cliIn(["sweep", cfg, "--shard", "2/3", "--jobs", "2", "--out", parts[1], "-q"]), "shard 2");
  ok(await cliIn(["sweep", cfg, "--shard", "3/3", "--jobs", "1", "--out", parts[2], "-q"]), "shard 3");
  for (const [i, p] of parts.entries()) {
    const ids = readFileSync(p, "utf8").trim().split("\n").map((l) => JSON.parse(l).id).sort((a, b) => a - b);
    assert.deepEqual(ids, [0, 1, 2, 3, 4, 5, 6, 7, 8].filter((id) => id % 3 === i), `shard ${i + 1}/3`);
  }
  const merged = await cliIn(["merge", ...parts.reverse()]);
  ok(merged, "merge");
  assert.equal(merged.stdout, readFileSync(serial, "utf8"));
  // --out (atomic) and --config (hash and completeness check) give the same bytes
  const out = join(dir, "merged.jsonl");
  ok(await cliIn(["merge", ...parts, "--out", out, "--config", cfg]), "merge --out --config");
  assert.equal(readFileSync(out, "utf8"), merged.stdout);
  // a --jobs 2 run to stdout (completion order) holds the same lines
  const par = await cliIn(["sweep", cfg, "--jobs", "2"]);
  ok(par, "jobs 2");
  assert.deepEqual(par.stdout.trim().split("\n").sort(), merged.stdout.trim().split("\n").sort());
  assert.match(par.stderr, /9 runs finished in [\d.]+ s \([\d.]+ runs\/s\), 2 worker threads; 9 of 9 written/);
});

test("each line: id, overrides, final.loss, skills and trace as `run --json`, config_hash; in id order with --jobs 1", async () => {
  const { cfg } = setup();
  const r = await cliIn(["sweep", cfg, "--jobs", "1", "-q"]);
  ok(r, "sweep");
  const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.id), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(Object.keys(lines[0]), ["id", "overrides", "final", "skills", "warnings", "summary", "domino", "trace", "config", "config_hash", "provenance"]);
  assert.deepEqual(lines[5].provenance, { skillsim: lines[5].provenance.skillsim, node: process.version, config_hash: lines[5].config_hash, seed: lines[5].config.seed });
  assert.match(lines[5].provenance.skillsim, /^\d+\.\d+\.\d+/);
  assert.deepEqual(lines[5].overrides, { N0: 0.1, "skills.frequencies.zipf": 3 }); // last key fastest
  assert.match(lines[5].config_hash, /^[0-9a-f]{16}$/);
  // the same run through `skillsim run`, with the override and the derived seed set by hand
  const one = await cliIn(["run", cfg, "--json", "--set", "N0=0.1", "--set", "skills.frequencies.zipf=3", "--set", `seed=${deriveSeed(5, 5)}`]);
  ok(one, "run");
  const res = JSON.parse(one.stdout);
  const { sweep: _sweep, ...runConfig } = res.config;
  assert.deepEqual(lines[5].config, runConfig);
  assert.deepEqual(lines[5].skills, res.skills);
  assert.deepEqual(lines[5].final, { loss: res.final.loss });
  assert.deepEqual(lines[5].trace, { t: res.trace.t, loss: res.trace.loss });
});

test("the example config sweeps N0 slowest and zipf fastest", async () => {
  const r = await cliIn(["sweep", "configs/sweep-resource-N0.yaml", "--dry-run"]);
  ok(r, "dry run");
  const runs = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(runs.length, 10);
  assert.deepEqual(runs.slice(0, 3).map((x) => x.overrides), [
    { N0: 1e-4, "skills.frequencies.zipf": 1 },
    { N0: 1e-4, "skills.frequencies.zipf": 2 },
    { N0: 1e-3, "skills.frequencies.zipf": 1 },
  ]);
  assert.ok(readFileSync("configs/sweep-resource-N0.yaml", "utf8").startsWith("# "));
});

test("--resume drops a partial last line and runs only what is missing", async () => {
  const { dir, cfg } = setup();
  const serial = (await cliIn(["sweep", cfg, "--jobs", "1", "-q"])).stdout;
  const lines = serial.trim().split("\n");
  const out = join(dir, "out.jsonl");
  // runs 0, 4 and 7 finished; run 2 was cut off mid-line
  writeFileSync(out, `${lines[4]}\n${lines[0]}\n${lines[7]}\n${lines[2].slice(0, 100)}`);
  const r = await cliIn(["sweep", cfg, "--out", out, "--resume", "--jobs", "2"]);
  ok(r, "resume");
  assert.match(r.stderr, /dropped an incomplete last line \(100 bytes\)/);
  assert.match(r.stderr, /6 runs finished .*; 3 were already there; 9 of 9 in /);
  assert.equal((await cliIn(["merge", out])).stdout, serial);
  // nothing left to do: a no-op
  const again = await cliIn(["sweep", cfg, "--out", out, "--resume"]);
  ok(again, "resume again");
  assert.match(again.stderr, /nothing left to run: all 9 runs are in /);
  assert.equal((await cliIn(["merge", out])).stdout, serial);
});

test("--resume refuses a file written from another config, naming file:line", async () => {
  const { dir, cfg } = setup();
  const out = join(dir, "out.jsonl");
  ok(await cliIn(["sweep", cfg, "--out", out, "--shard", "1/2", "--jobs", "1", "-q"]), "first half");
  writeFileSync(cfg, SWEEP.replace("steps: 300", "steps: 301"));
  const r = await cliIn(["sweep", cfg, "--out", out, "--resume"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`^skillsim: ${out}:1: run 0 has config_hash \\w+ but is now \\w+: the config changed since ${out} was written; write to a new --out file, or delete it to start over\\n$`));
  writeFileSync(cfg, SWEEP);
  const other = await cliIn(["sweep", cfg, "--out", out, "--resume", "--shard", "2/2"]);
  assert.equal(other.code, 2);
  assert.match(other.stderr, /:1: run 0 is not in shard 2\/2; is this another shard's file\?/);
});

test("usage errors exit 2 with one line and write nothing", async () => {
  const { dir, cfg } = setup();
  const out = join(dir, "out.jsonl");
  const cases: [string[], RegExp][] = [
    [["--out", out, "--shard", "0/3"], /^skillsim: --shard: expected I\/K with 1 <= I <= K, e\.g\. --shard 2\/8 or --shard \$SLURM_ARRAY_TASK_ID\/8; got "0\/3" \(shards count from 1\)\n$/],
    [["--out", out, "--shard", "/4"], /got "\/4"/],
    [["--out", out, "--jobs", "0"], /^skillsim: --jobs: expected a whole number >= 1, got "0"\n$/],
    [["--resume"], /^skillsim: --resume needs --out FILE/],
  ];
  for (const [args, re] of cases) {
    const r = await cliIn(["sweep", cfg, ...args]);
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.stderr, re);
    assert.equal(r.stdout, "");
  }
  writeFileSync(cfg, SWEEP.replace("[1, 2, 3]", "[1, -2, 3]"));
  const bad = await cliIn(["sweep", cfg, "--out", out]);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, `skillsim: config error: ${cfg}:7:32: sweep.skills.frequencies.zipf: must be >= 0, got -2 (value 2 of 3)\n`);
  assert.equal(existsSync(out), false, "validation happens before the output is created");
  assert.equal((await cliIn(["sweep", join(dir, "missing.yaml")])).code, 2);
  writeFileSync(cfg, SWEEP);
  writeFileSync(out, "something\n");
  const exists = await cliIn(["sweep", cfg, "--out", out]);
  assert.equal(exists.code, 2);
  assert.match(exists.stderr, /already exists; add --resume to finish the runs it lacks, or delete it to start over/);
  assert.equal(readFileSync(out, "utf8"), "something\n");
});

test("diverged runs get an error line, the others finish, exit 1", async () => {
  // lr 1e10 blows the Geometry model up at step 1 (the run guard). A Resource ce run at rate 1e308
  // used to serve here, but it is not a divergence: one finite update of z ~ 1e307 saturates every
  // sigmoid, and the model stays put from then on.
  const { dir, cfg } = setup("model: geometry\nparams: 20\nskills: {count: 4}\nsteps: 50\nsweep:\n  lr: [0.001, 1.0e+10, 0.002]\n");
  const out = join(dir, "out.jsonl");
  const r = await cliIn(["sweep", cfg, "--out", out, "--jobs", "1"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^skillsim: 1 of 3 runs diverged \(ids 1; their lines carry "error"\); the other runs finished\n$/);
  const lines = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.id), [0, 1, 2]);
  assert.match(lines[1].error, /^diverged at step \d+: (the loss|skill \d+'s level) (is not finite|grew to|is [-\d.e+]+, outside the model's range)/);
  assert.equal(lines[1].final, undefined);
  assert.equal(typeof lines[2].final.loss, "number");
  // resume does not retry it, and exits as the complete sweep did: 1, the file holds a diverged run
  const before = readFileSync(out, "utf8");
  const again = await cliIn(["sweep", cfg, "--out", out, "--resume", "-q"]);
  assert.equal(again.code, 1, again.stderr);
  assert.match(again.stderr, /^skillsim: 1 of 3 runs diverged \(ids 1; their lines carry "error"\) \(1 of them already in .*out\.jsonl\); the other runs finished\n$/);
  assert.equal(readFileSync(out, "utf8"), before);
  // a resume that runs the diverging run itself says the same
  writeFileSync(out, before.split("\n")[0] + "\n");
  const rest = await cliIn(["sweep", cfg, "--out", out, "--resume", "--jobs", "1", "-q"]);
  assert.equal(rest.code, 1, rest.stderr);
  assert.match(rest.stderr, /^skillsim: 1 of 3 runs diverged \(ids 1; their lines carry "error"\); the other runs finished\n$/);
});

test("merge rejects conflicting inputs with file:line and exit 2", async () => {
  const { dir, cfg } = setup();
  const a = join(dir, "a.jsonl"), b = join(dir, "b.jsonl");
  ok(await cliIn(["sweep", cfg, "--out", a, "--shard", "1/2", "--jobs", "1", "-q"]), "sweep");
  const first = readFileSync(a, "utf8").split("\n")[0];
  writeFileSync(b, first.replace(/"loss":[^,}]+/, '"loss":123') + "\n");
  const r = await cliIn(["merge", a, b]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, new RegExp(`^skillsim: ${b}:1: run 0 differs from run 0 at ${a}:1`));
  const missing = await cliIn(["merge", a, "--config", cfg]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /4 of 9 runs are missing: ids 1, 3, 5, 7/);
});

test("sweep and merge --help have examples and exit codes", async () => {
  for (const cmd of ["sweep", "merge"]) {
    const r = await cliIn([cmd, "--help"]);
    ok(r, cmd);
    assert.match(r.stdout, /Examples:\n {2}\$ skillsim /);
    assert.match(r.stdout, /Exit codes: 0 /);
  }
  assert.match((await cliIn(["--help"])).stdout, /sweep \[options\] <config>[\s\S]*merge \[options\] <files\.\.\.>/);
});
