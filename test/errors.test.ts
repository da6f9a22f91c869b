/**
 * The error hierarchy (src/errors.ts) through the CLI: one command line per error class and per
 * path an error takes to cli/main.ts, with its exact stderr and exit code (the bytes the CLI
 * printed before the classes shared two bases, so the refactoring changed none). The table runs
 * the CLI's main() in-process (test/inprocess.ts); a failed check (exit 1) goes through a child
 * process, so the exit code is seen as the shell sees it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { exitCodeOf } from "../src/cli/main.js";
import { ConfigError } from "../src/config/errors.js";
import { InputError, Interrupted, RunError } from "../src/errors.js";
import { DivergenceError } from "../src/models/types.js";
import { ResultsError } from "../src/results/errors.js";
import { cli, ROOT, tempDir } from "./helpers.js";
import { cliIn } from "./inprocess.js";

test("exitCodeOf: input errors 2, run errors 1, interruptions 130/143, anything else is not ours", () => {
  assert.equal(exitCodeOf(new InputError("x")), 2);
  assert.equal(exitCodeOf(new ResultsError("x")), 2);
  assert.equal(exitCodeOf(new ConfigError("x", "a.yaml:1:1", "k")), 2);
  assert.equal(exitCodeOf(new RunError("x")), 1);
  assert.equal(exitCodeOf(new DivergenceError(3, "loss", "lr too large")), 1);
  assert.equal(exitCodeOf(new Interrupted("x", "SIGINT")), 130);
  assert.equal(exitCodeOf(new Interrupted("x", "SIGTERM")), 143);
  assert.equal(exitCodeOf(new Error("x")), null);
  assert.equal(exitCodeOf(new TypeError("x")), null);
  assert.equal(exitCodeOf("x"), null);
});

test("line(): the message, with the two prefixes the CLI has always printed", () => {
  assert.equal(new ResultsError("r.json: not a run").line(), "r.json: not a run");
  assert.equal(new ConfigError("unknown key", "a.yaml:2:1", "stepz").line(), "config error: a.yaml:2:1: stepz: unknown key");
  assert.equal(new ConfigError("bad\nvalue", "a.yaml:2:1").line(), "config error: a.yaml:2:1: bad\\nvalue");
  assert.equal(new DivergenceError(3, "the loss", "learning rate too large").line(), "run failed: diverged at step 3: the loss is not finite. Likely cause: learning rate too large");
  assert.equal(new RunError("2 runs diverged").line(), "2 runs diverged");
  const e = new ResultsError("x");
  assert.equal(e.name, "ResultsError");
  assert.ok(e instanceof InputError && e instanceof Error);
});

/** Every .ts file under dir. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

test("every error class in src/ derives from InputError or RunError (only src/errors.ts extends Error)", () => {
  const classes = new Map<string, string>(); // class -> what it extends
  const where = new Map<string, string>();
  for (const f of sources(join(ROOT, "src"))) {
    for (const m of readFileSync(f, "utf8").matchAll(/\bclass\s+(\w+)\s+extends\s+([\w.]+)/g)) {
      classes.set(m[1], m[2]);
      where.set(m[1], relative(ROOT, f));
    }
  }
  const errors = [...classes.keys()].filter((c) => /Error$/.test(c) || /Error$/.test(classes.get(c)!));
  assert.ok(errors.length >= 12, `found only ${errors.join(", ")}`);
  for (const c of errors) {
    let base = c;
    for (let hops = 0; classes.has(base) && base !== "InputError" && base !== "RunError" && hops < 10; hops++) base = classes.get(base)!;
    assert.ok(base === "InputError" || base === "RunError", `${c} (${where.get(c)}) derives from ${base}, not from InputError or RunError`);
  }
  assert.deepEqual([...classes].filter(([, b]) => b === "Error").map(([c]) => where.get(c)), ["src/errors.ts", "src/errors.ts"]);
});

const G = `model: geometry
skills: {count: 3, frequencies: {zipf: 2}}
optimizer: sgd
params: 50
steps: 20
`;

/** [what, files to write, arguments, exit code, stderr, commands to run first]. */
type Case = [string, Record<string, string>, string[], number, string, string[][]?];
const CASES: Case[] = [
  ["ConfigError", { "c.yaml": "model: resource\nstepz: 10\n" }, ["run", "c.yaml"], 2, "skillsim: config error: c.yaml:2:1: stepz: unknown key; did you mean \"steps\"?\n"],
  ["CliError (unreadable input)", {}, ["run", "nope.yaml"], 2, "skillsim: nope.yaml: cannot read config: no such file\n"],
  ["DivergenceError (from the run's worker thread)", { "g.yaml": G }, ["run", "g.yaml", "-q", "--set", "lr=1e30"], 1, "skillsim: run failed: diverged at step 1: skill 1's level is 7.347e+29, outside the model's range [0, 1] by more than 1. Likely cause: learning rate too large for sgd (lr=1e+30)\n"],
  ["RunError (sweep: runs diverged)", { "g.yaml": G + "sweep:\n  lr: [1.0e-3, 1.0e30]\n" }, ["sweep", "g.yaml", "-q", "--out", "s.jsonl"], 1, "skillsim: 1 of 2 runs diverged (ids 1; their lines carry \"error\"); the other runs finished\n"],
  ["SweepError (--shard)", { "g.yaml": G }, ["sweep", "g.yaml", "--shard", "3/2"], 2, "skillsim: --shard: expected I/K with 1 <= I <= K, e.g. --shard 2/8 or --shard $SLURM_ARRAY_TASK_ID/8; got \"3/2\"\n"],
  ["SweepError (output exists)", { "g.yaml": G + "sweep:\n  lr: [1.0e-3]\n", "s.jsonl": "x\n" }, ["sweep", "g.yaml", "--out", "s.jsonl"], 2, "skillsim: s.jsonl already exists; add --resume to finish the runs it lacks, or delete it to start over\n"],
  ["ResultsError (sweep --resume)", { "g.yaml": G + "sweep:\n  lr: [1.0e-3]\n", "s.jsonl": "garbage\n" }, ["sweep", "g.yaml", "-q", "--out", "s.jsonl", "--resume"], 2, "skillsim: s.jsonl:1: not a JSON line; sweep outputs have one JSON object per line\n"],
  ["ResultsError (merge, missing file)", {}, ["merge", "nope.jsonl"], 2, "skillsim: nope.jsonl: cannot read sweep output: no such file\n"],
  ["ResultsError (merge, bad line)", { "s.jsonl": "{\"id\":0}\n" }, ["merge", "s.jsonl"], 2, "skillsim: s.jsonl:1: run 0 has no \"config_hash\"; is this the output of `skillsim sweep`?\n"],
  ["ResultsError (table)", { "s.jsonl": "{\"id\":0}\n" }, ["table", "s.jsonl"], 2, "skillsim: s.jsonl:1: run 0 has no \"overrides\" object; is this the output of `skillsim sweep`?\n"],
  ["SweepTableError (table of dry-run lines)", { "s.jsonl": "{\"id\":0,\"overrides\":{},\"config_hash\":\"ab\"}\n" }, ["table", "s.jsonl"], 2, "skillsim: s.jsonl:1: run 0 has no \"skills\" list (is this `sweep --dry-run` output?)\n"],
  ["ResultsError (fit CSV)", { "f.csv": "N,L\n1,2\n1\n" }, ["fit", "f.csv", "--x", "N", "--y", "L"], 2, "skillsim: f.csv:3: 1 cells, but the header has 2 columns\n"],
  ["ResultsError (fit sweep lines)", { "s.jsonl": "{\"id\":0,\"overrides\":{},\"config_hash\":\"ab\"}\ngarbage\n" }, ["fit", "s.jsonl", "--x", "params", "--y", "loss"], 2, "skillsim: s.jsonl:1: run 0 has no \"trace\" with \"t\" and \"loss\" arrays (is this `sweep --dry-run` output?)\n"],
  ["TableError (fit --where)", { "f.csv": "N,L\n1,2\n2,1\n" }, ["fit", "f.csv", "--x", "N", "--y", "L", "--where", "N"], 2, "skillsim: --where \"N\": expected KEY=VALUE, KEY!=VALUE, KEY<VALUE, KEY<=VALUE, KEY>VALUE or KEY>=VALUE\n"],
  ["TableError (fit unknown column)", { "f.csv": "N,L\n1,2\n2,1\n" }, ["fit", "f.csv", "--x", "M", "--y", "L"], 2, "skillsim: --x M: no column \"M\" in f.csv (columns: N, L); did you mean \"N\"?\n"],
  ["FitInputError (a value)", { "f.csv": "N,L\n-1,3\n2,2\n3,1\n" }, ["fit", "f.csv", "--x", "N", "--y", "L"], 2, "skillsim: f.csv:2: column \"N\" is -1: must be > 0 (its log is taken)\n"],
  ["FitInputError (too few points)", { "f.csv": "N,L\n1,3\n" }, ["fit", "f.csv", "--x", "N", "--y", "L"], 2, "skillsim: power-law fit needs at least 3 data points (one per parameter), got 1\n"],
  ["SweepError (--resume, another config)", { "g.yaml": G + "sweep:\n  lr: [1.0e-3]\n" }, ["sweep", "g.yaml", "-q", "--out", "s.jsonl", "--resume", "--set", "steps=30"], 2, "skillsim: s.jsonl:1: run 0 has config_hash 1c12d3a300f99320 but is now b97508a92589be92: the config changed since s.jsonl was written; write to a new --out file, or delete it to start over\n", [["sweep", "g.yaml", "-q", "--out", "s.jsonl"]]],
  ["CalibrateError", { "f.csv": "N,D,L\n1,2,3\n" }, ["calibrate", "f.csv"], 2, "skillsim: f.csv:1: no time column (t or step) in the header \"N,D,L\"; expected a `skillsim run --json` result, or a CSV with a header `t,s1,...,sn` (as `run --csv` writes: t,loss,s1..sn) or `step,skill,level`\n"],
  ["ResultsError (calibrate CSV)", { "f.csv": "t,s1\n0,0.1\n1\n" }, ["calibrate", "f.csv"], 2, "skillsim: f.csv:3: 1 fields, but the header has 2\n"],
  ["CalibrateError (sweep lines)", { "s.jsonl": "{\"id\":0,\"overrides\":{}}\n{\"id\":1,\"overrides\":{}}\n" }, ["calibrate", "s.jsonl"], 2, "skillsim: s.jsonl: is a sweep's JSON Lines, whose traces carry no skill levels; calibrate one run's `skillsim run --json` result (or several, e.g. one per seed)\n"],
  ["KinematicsInputError (--delta)", { "r.json": "{}" }, ["kinematics", "r.json", "--delta", "x"], 2, "skillsim: --delta x: \"x\" is not a positive number (give loss thresholds like 0.1,1e-2,1e-3)\n"],
  ["ResultsError (kinematics)", { "r.json": "{\"a\":1}" }, ["kinematics", "r.json"], 2, "skillsim: r.json: not a run result (expected the JSON of `skillsim run --json`, with model and trace)\n"],
  ["KinematicsInputError (trace)", { "r.json": JSON.stringify({ model: "resource", config: { steps: 1 }, skills: [], final: {}, trace: { t: [0], loss: [1], level: [[0]] } }) }, ["kinematics", "r.json"], 2, "skillsim: r.json: the trace has 1 recorded point; kinematics needs at least 2 (record more points)\n"],
  ["CompareInputError", { "a.json": "{\"id\":0,\"overrides\":{}}", "b.json": "{\"id\":1,\"overrides\":{}}" }, ["check", "a.json", "--baseline", "b.json"], 2, "skillsim: different sweeps: a.json lacks run id 1; a.json has run id 0 that b.json does not\n"],
  ["ResultsError (check)", { "a.json": "{\"a\":1}", "b.json": "{\"a\":1}" }, ["check", "a.json", "--baseline", "b.json"], 2, "skillsim: a.json: is JSON but not a skillsim result: expected a run (run --json: model, skills, trace), a sweep line (id, overrides) or a fit (fit --json: form, params)\n"],
  ["ExprError (study)", { "g.yaml": G + "sweep:\n  lr: [1.0e-3]\nstudy:\n  derive:\n    r: skills[1].learned +\n" }, ["study", "g.yaml", "--out", "o"], 2, "skillsim: config error: g.yaml:10:5: study.derive.r: the expression ends too early (character 20 of \"skills[1].learned +\")\n"],
  ["validate: SweepError", { "g.yaml": G + "sweep:\n  lr: []\n" }, ["validate", "g.yaml"], 2, "skillsim: config error: g.yaml:7:7: sweep.lr: needs at least 1 item\n"],
];

for (const [what, files, args, code, stderr, before = []] of CASES) {
  test(`error: ${what} -> exit ${code}, one line`, async () => {
    const dir = tempDir();
    for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
    for (const b of before) assert.equal((await cliIn(b, { cwd: dir })).code, 0);
    const r = await cliIn(args, { cwd: dir });
    assert.equal(r.stderr, stderr);
    assert.equal(r.code, code);
  });
}

test("error: a check that finds differences -> exit 1 (a run error, not bad input)", async () => {
  const dir = tempDir();
  writeFileSync(join(dir, "g.yaml"), G);
  assert.equal((await cliIn(["run", "g.yaml", "--json", "-q", "--out", "a.json"], { cwd: dir })).code, 0);
  const doc = JSON.parse(readFileSync(join(dir, "a.json"), "utf8"));
  doc.final.loss += 0.5;
  writeFileSync(join(dir, "b.json"), JSON.stringify(doc));
  const r = cli(["check", "a.json", "--baseline", "b.json"], { cwd: dir }); // the exit code of a real process
  assert.equal(r.stderr, "skillsim: check failed: 134 fields compared, 1 moved beyond tolerance\n");
  assert.equal(r.code, 1);
});
