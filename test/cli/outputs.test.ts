/**
 * The one output layer: every command declares its inputs and outputs (declareIo), and every
 * writing option of every command refuses, before any work, an output that is an input (also
 * through a symlink or a hard link), two outputs that are one file, a missing directory and a
 * directory: exit 2, one line, nothing written, the input untouched.
 *
 * The commands and options come from the commander program itself (src/cli/main.ts): a new
 * command without a declaration or an invocation here, or a new option that takes a value and
 * is neither a declared input/output nor listed below as not naming a file, fails this test.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { linkSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { buildProgram } from "../../src/cli/main.js";
import { ioDeclaration } from "../../src/cli/guard.js";
import { ROOT, tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

/** Options that take a value which is not a file name, per command. */
const NOT_FILES: Record<string, string[]> = {
  run: ["--set", "--xlim", "--plot-size"],
  validate: ["--set"],
  sweep: ["--jobs", "--shard", "--set", "--plot-x", "--plot-series", "--plot-y", "--plot-facet", "--plot-band", "--xlim", "--plot-size"],
  merge: ["--set"],
  check: ["--rtol", "--atol", "--limit"],
  fit: [
    "--form", "--x", "--y", "--where", "--holdout", "--by", "--batch", "--fix-E", "--loss", "--delta", "--penalty",
    "--bootstrap", "--bootstrap-by", "--seed", "--level", "--predict", "--compute", "--flops-per-param-token", "--jobs",
    "--xlim", "--plot-size",
  ],
  table: ["--top", "--skills"],
  calibrate: ["--model", "--fit", "--set", "--compare", "--grid", "--bootstrap", "--seed", "--level", "--xlim", "--plot-size"],
  kinematics: ["--delta", "--smooth", "--xlim", "--plot-size"],
  init: [],
  study: ["--jobs", "--xlim", "--plot-size"],
  paper: ["--jobs", "--xlim", "--plot-size"],
};

const dir = tempDir();
const p = (name: string) => join(dir, name);
const SMALL = "model: resource\nskills: {count: 3}\nsteps: 60\n";
writeFileSync(p("r.yaml"), SMALL);
writeFileSync(p("s.yaml"), `${SMALL}sweep:\n  N0: [0.001, 0.1]\n`);
writeFileSync(p("d.csv"), "x,loss\n1,2\n2,1.5\n4,1.2\n8,1.1\n");
assert.equal((await cliIn(["run", p("r.yaml"), "--json", "-q", "--out", p("run.json")])).code, 0);
assert.equal((await cliIn(["sweep", p("s.yaml"), "-q", "--jobs", "1", "--out", p("sp.jsonl")])).code, 0);

/**
 * One valid command line per command; its first path is the input every output is tried
 * against. `extra`: the input options' files (each output is tried against them too).
 */
const INVOCATIONS: Record<string, { args: string[]; inputOptions?: Record<string, string> }> = {
  run: { args: [p("r.yaml")] },
  validate: { args: [p("r.yaml")] },
  sweep: { args: [p("s.yaml")] },
  merge: { args: [p("sp.jsonl")], inputOptions: { "--config": p("s.yaml") } },
  check: { args: [p("run.json")], inputOptions: { "--baseline": p("run.json"), "--tolerances": p("r.yaml") } },
  fit: { args: [p("d.csv"), "--x", "x"] },
  table: { args: [p("sp.jsonl")] },
  calibrate: { args: [p("run.json")] },
  kinematics: { args: [p("run.json")] },
  init: { args: ["resource"] },
  study: { args: [p("s.yaml")] },
  paper: { args: ["999"] },
};

async function commands(): Promise<Command[]> {
  return (await buildProgram(["node", "skillsim", "--help"])).commands as Command[];
}

test("every command declares its inputs and outputs, and every option that takes a value is classified", async () => {
  const cmds = await commands();
  assert.ok(cmds.length >= 10, `only ${cmds.length} commands`);
  for (const c of cmds) {
    const io = ioDeclaration(c);
    assert.ok(io, `${c.name()}: no declareIo(...) where it is registered`);
    assert.ok(INVOCATIONS[c.name()], `${c.name()}: add a command line to INVOCATIONS in this test`);
    const files = new Set([...(io.inputs ?? []), ...(io.outputs ?? []), ...(io.folders ?? [])]);
    const notFiles = NOT_FILES[c.name()] ?? [];
    for (const o of c.options) {
      if (!o.required && !o.optional) continue; // a switch, no value
      assert.ok(files.has(o.long!) || notFiles.includes(o.long!), `${c.name()} ${o.long}: takes a value; declare it as an input or output (declareIo) or list it in NOT_FILES`);
      assert.ok(!(files.has(o.long!) && notFiles.includes(o.long!)), `${c.name()} ${o.long}: both a file and not a file`);
    }
    for (const flag of notFiles) assert.ok(c.options.some((o) => o.long === flag), `${c.name()}: NOT_FILES lists ${flag}, which it does not have`);
    // init's argument is a model name: it writes nothing but stdout.
    if (c.name() === "init") assert.deepEqual(io.outputs ?? [], [], c.name());
  }
});

interface Case {
  name: string;
  args: string[];
  expect: RegExp;
}

function cases(cmds: Command[]): Case[] {
  const all: Case[] = [];
  let k = 0;
  for (const c of cmds) {
    const io = ioDeclaration(c)!;
    const inv = INVOCATIONS[c.name()];
    const base = [c.name(), ...inv.args, ...Object.entries(inv.inputOptions ?? {}).flat()];
    const input = inv.args[0];
    const outs = io.outputs ?? [];
    for (const flag of outs) {
      const fresh = () => p(`new-${k++}.out`);
      if (io.args !== null) {
        const sym = p(`sym-${k}`);
        const hard = p(`hard-${k++}`);
        symlinkSync(input, sym);
        linkSync(input, hard);
        all.push({ name: `${c.name()} ${flag} = the input`, args: [...base, flag, input], expect: /: is the .* file itself; writing it would destroy the input, so nothing was done$/ });
        all.push({ name: `${c.name()} ${flag} = a symlink to the input`, args: [...base, flag, sym], expect: /the same file under another name\); writing it would destroy the input/ });
        all.push({ name: `${c.name()} ${flag} = a hard link to the input`, args: [...base, flag, hard], expect: /the same file under another name\); writing it would destroy the input/ });
      }
      for (const [opt, file] of Object.entries(inv.inputOptions ?? {})) {
        all.push({ name: `${c.name()} ${flag} = its ${opt} file`, args: [...base, flag, file], expect: new RegExp(`is the ${opt} file .*writing it would destroy the input`) });
      }
      all.push({ name: `${c.name()} ${flag} in a missing directory`, args: [...base, flag, join(dir, "nodir", "x.svg")], expect: /: cannot write: the directory .*nodir does not exist$/ });
      all.push({ name: `${c.name()} ${flag} = a directory`, args: [...base, flag, p("adir")], expect: /: is a directory; give a file name$/ });
      for (const other of outs) {
        if (other === flag) continue;
        const same = fresh().replace(/\.out$/, ".svg");
        all.push({ name: `${c.name()} ${other} and ${flag} one file`, args: [...base, other, same, flag, same], expect: new RegExp(`^(${flag} .*: is the same file as ${other}|${other} .*: is the same file as ${flag}) `) });
      }
    }
  }
  return all;
}

/**
 * Runs each command line through the CLI's entry point, main() (argument parsing, the output
 * guard, the error reporter and its exit code), in ONE child process: a process per case
 * would take a minute on a loaded 2-core machine. The data-loss cases of issue 18 run through
 * bin/skillsim.js in their own processes below.
 */
function runAll(cases: string[][]): { code: number; stdout: string; stderr: string }[] {
  const main = pathToFileURL(join(ROOT, "dist", "src", "cli", "main.js")).href;
  const driver = `
    import { main } from ${JSON.stringify(main)};
    import { readFileSync } from "node:fs";
    const cases = JSON.parse(readFileSync(0, "utf8"));
    process.stdout.setMaxListeners(0);
    const out = [];
    const write = { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) };
    for (const args of cases) {
      const r = { stdout: "", stderr: "" };
      process.stdout.write = (s) => ((r.stdout += s), true);
      process.stderr.write = (s) => ((r.stderr += s), true);
      try {
        r.code = await main(["node", "skillsim", ...args]);
      } finally {
        process.stdout.write = write.stdout;
        process.stderr.write = write.stderr;
      }
      out.push(r);
    }
    process.stdout.write(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", driver], {
    cwd: ROOT, input: JSON.stringify(cases), encoding: "utf8", maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: "1", SKILLSIM_PROGRESS_INTERVAL: "1e9" },
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** Every file in the work directory (recursively) with its content. */
function snapshot(): Map<string, string> {
  const m = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const f = join(d, e.name);
      if (e.isDirectory()) {
        m.set(`${f}/`, "");
        walk(f);
      } else m.set(f, readFileSync(f, "latin1"));
    }
  };
  walk(dir);
  return m;
}

test("every writing option of every command refuses an input, a link to it, another output, a missing directory and a directory, before any work", async () => {
  mkdirSync(p("adir"));
  const all = cases(await commands());
  const before = snapshot();
  // The commands that write at all (the enumeration found them; this fails if it found none).
  const writers = new Set(all.map((c) => c.name.split(" ")[0]));
  for (const w of ["run", "sweep", "merge", "fit", "table", "calibrate", "kinematics"]) assert.ok(writers.has(w), w);
  assert.ok(all.length >= 60, `${all.length} cases`);
  const rs = runAll(all.map((c) => c.args));
  const results = all.map((c, i) => ({ c, r: rs[i] }));
  for (const { c, r } of results) {
    assert.equal(r.code, 2, `${c.name}: exit ${r.code}\n${r.stderr}`);
    assert.equal(r.stdout, "", `${c.name}: wrote to stdout`);
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, `${c.name}: ${r.stderr}`);
    assert.match(lines[0].replace(/^skillsim: /, ""), c.expect, c.name);
  }
  // Nothing written, nothing changed, no temporary file left: the directory is as it was.
  assert.deepEqual(snapshot(), before);
});

test("the data-loss bugs of issue 18, through bin/skillsim.js: refused before any work, the input untouched", async () => {
  const d = tempDir();
  const q = (name: string) => join(d, name);
  writeFileSync(q("sp.jsonl"), readFileSync(p("sp.jsonl")));
  writeFileSync(q("run.json"), readFileSync(p("run.json")));
  symlinkSync(q("run.json"), q("link.json"));
  const sp = readFileSync(q("sp.jsonl"), "utf8");
  const run = readFileSync(q("run.json"), "utf8");
  const lines = [
    [["table", q("sp.jsonl"), "--out", q("sp.jsonl")], /^skillsim: --out .*sp\.jsonl: is the sweep file itself; writing it would destroy the input, so nothing was done\n$/],
    [["kinematics", q("run.json"), "--out", q("run.json")], /^skillsim: --out .*run\.json: is the run result file itself/],
    [["kinematics", q("link.json"), "--out", q("run.json")], /^skillsim: --out .*run\.json: is the run result file .*link\.json \(the same file under another name\)/],
    [["kinematics", q("run.json"), "--plot", q("r.svg"), "--out", q("r.svg")], /^skillsim: --plot .*r\.svg: is the same file as --out .*r\.svg; give each output its own file\n$/],
    [["kinematics", q("run.json"), "--plot", q("nodir/k.svg")], /^skillsim: --plot .*nodir\/k\.svg: cannot write: the directory .*nodir does not exist\n$/],
    [["table", q("sp.jsonl"), "--out", q("nodir/t.txt")], /^skillsim: --out .*nodir\/t\.txt: cannot write: the directory .*nodir does not exist\n$/],
  ] as const;
  for (const [args, re] of lines) {
    const r = await cliIn([...args]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, re);
  }
  assert.equal(readFileSync(q("sp.jsonl"), "utf8"), sp);
  assert.equal(readFileSync(q("run.json"), "utf8"), run);
  assert.deepEqual(readdirSync(d).sort(), ["link.json", "run.json", "sp.jsonl"]);
});

test("a folder a command writes into (study --out, paper --out): not a file, and its parent exists", async () => {
  for (const args of [["study", p("s.yaml")], ["paper", "999"]]) {
    const file = await cliIn([...args, "--out", p("d.csv")]);
    assert.equal(file.code, 2, file.stderr);
    assert.match(file.stderr, /--out .*d\.csv: is a file, not a folder; give a folder name\n$/);
    const missing = await cliIn([...args, "--out", join(dir, "nodir", "sub")]);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /--out .*: cannot create: the directory .*nodir does not exist\n$/);
  }
  assert.equal(readFileSync(p("d.csv"), "utf8"), "x,loss\n1,2\n2,1.5\n4,1.2\n8,1.1\n");
});
