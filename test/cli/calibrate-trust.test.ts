/**
 * `skillsim calibrate` never answers silently wrong (issue 21): inputs that are not seeds of
 * one setting are refused, s0 is each skill's recorded level at t = 0, skills with nothing to
 * compare are left out, unidentifiable data say so, and a calibration that would run for hours
 * is refused before any work. All through the real CLI.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const dir = tempDir();

async function observe(name: string, yaml: string): Promise<string> {
  const cfg = join(dir, `${name}.yaml`);
  writeFileSync(cfg, yaml);
  const out = join(dir, `${name}.json`);
  const r = await cliIn(["run", cfg, "--json", "--out", out, "-q"]);
  assert.equal(r.code, 0, r.stderr);
  return out;
}

const RESOURCE = "model: resource\nskills: {count: 4, frequencies: {zipf: 1.5}}\nlr: 5.0e-4\nparams: 800\nsteps: 400\n";

test("several inputs must differ only in the seed: another N0 is refused, naming the key", async () => {
  const a = await observe("rk", RESOURCE + "N0: 0.37\n");
  const b = await observe("rk2", RESOURCE + "N0: 1.0e-7\n");
  const c = await observe("rk-seed", RESOURCE + "N0: 0.37\nseed: 7\n");
  const r = await cliIn(["calibrate", a, b]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /^skillsim: .*rk2\.json differs from .*rk\.json in N0 \(1e-7 in .*rk2\.json, 0\.37 in .*rk\.json\); several inputs must be runs of one setting that differ only in the seed\n$/);
  // the seed alone may differ
  const ok = await cliIn(["calibrate", a, c, "--json", "-q"]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).observed.runs, 2);
  // several CSVs carry no config to compare: calibrate says it takes them as seeds unchecked
  const csv = (name: string, rows: string) => { const f = join(dir, name); writeFileSync(f, "t,s1,s2\n" + rows); return f; };
  const x = csv("x.csv", "0,0,0\n50,0.5,0.2\n100,0.9,0.5\n"), y = csv("y.csv", "0,0,0\n50,0.4,0.1\n100,0.8,0.4\n");
  const two = await cliIn(["calibrate", x, y, "--set", "skills.frequencies=[0.7,0.3]", "--json", "-q"]);
  assert.equal(two.code, 0, two.stderr);
  assert.ok(JSON.parse(two.stdout).notes.includes("2 CSV files are taken as runs of one setting (seeds), unchecked: a CSV carries no config to compare"));
  const one = await cliIn(["calibrate", x, "--set", "skills.frequencies=[0.7,0.3]", "--json", "-q"]);
  assert.ok(!JSON.parse(one.stdout).notes.some((n: string) => n.includes("unchecked")));
});

test("s0 is each skill's recorded level at t = 0: a Geometry init is measured from where it starts", async () => {
  const g = await observe("ginit", "model: geometry\nskills: {count: 4, frequencies: {zipf: 2}}\nparams: 4\ninit: [0.6, 0.6, 0.6, 0.6]\noptimizer: signgd\nlr: 1.0e-3\nsteps: 400\n");
  const doc = JSON.parse(readFileSync(g, "utf8"));
  const s0 = doc.trace.level.map((row: number[]) => row[0]);
  assert.ok(s0.some((x: number) => Math.abs(x) > 0.1), `init moves the start: ${s0}`);
  const r = await cliIn(["calibrate", g, "--json", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  const shown = `[${s0.map((x: number) => Number(x.toPrecision(4))).join(", ")}]`;
  assert.ok(j.compare.includes(`s0 = ${shown}, the recorded level at t = 0`), j.compare);
  // the fitted curves start from progress 0, as the observed ones now do
  const fit = await cliIn(["calibrate", g, "--compare", "progress", "--json", "-q"]);
  assert.ok(JSON.parse(fit.stdout).rmse < 0.5);
});

test("a skill that starts at level 1 and tasks with no training rows are left out, with a note; run warns about the tasks", async () => {
  const yaml = "model: network\ntask: {kind: multitask-parity, bits: 12, k: 3, samples: 40}\nskills: {count: 8, frequencies: {zipf: 2}}\nnetwork: {hidden: [16], activation: relu}\nloss: ce\nbatch: full\noptimizer: adam\nlr: 1.0e-3\nsteps: 60\n";
  const cfg = join(dir, "mt.yaml");
  writeFileSync(cfg, yaml);
  const text = await cliIn(["run", cfg]);
  assert.equal(text.code, 0, text.stderr);
  const m = /warning: tasks ([\d, ]+) have no training rows \(of 40;/.exec(text.stdout);
  assert.ok(m, text.stdout);
  const empty = m[1].split(", ").map(Number);
  const out = await observe("mt", yaml);
  const doc = JSON.parse(readFileSync(out, "utf8"));
  assert.deepEqual(doc.summary.trainSamplesPerTask.flatMap((c: number, i: number) => (c === 0 ? [i + 1] : [])), empty);
  assert.ok(doc.warnings.some((w: string) => w.includes("no training rows")));
  // a crafted skill that starts learned
  const started = join(dir, "started.json");
  const keep = doc.trace.level.findIndex((_: unknown, i: number) => !empty.includes(i + 1));
  doc.trace.level[keep] = doc.trace.level[keep].map(() => 1);
  writeFileSync(started, JSON.stringify(doc));
  const r = await cliIn(["calibrate", started, "--json", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  const startLearned = doc.trace.level.flatMap((row: number[], i: number) => (row[0] >= 1 && !empty.includes(i + 1) ? [i + 1] : []));
  assert.ok(startLearned.includes(keep + 1));
  assert.equal(j.n_points, (8 - empty.length - startLearned.length) * doc.trace.t.length);
  const note = j.notes.find((n: string) => n.includes("left out of the fit"));
  assert.ok(note, j.notes.join("\n"));
  for (const k of empty) assert.ok(note.includes(`skill ${k} has no training rows`), note);
  for (const k of startLearned) assert.ok(note.includes(`skill ${k} starts at level 1 (nothing to learn)`), note);
  const skipped = j.skills.filter((s: { points: number }) => s.points === 0).map((s: { index: number }) => s.index);
  assert.deepEqual(skipped.sort((a: number, b: number) => a - b), [...empty, ...startLearned].sort((a, b) => a - b));
});

test("unidentifiable data: a 'not identified' note with the reason; identified data: none", async () => {
  const two = join(dir, "two.csv");
  writeFileSync(two, "t,s1,s2\n0,0,0\n1000000,1,1\n");
  const r = await cliIn(["calibrate", two, "--set", "skills.frequencies=[0.6,0.4]", "--set", "rate=0.01", "--set", "integrator=rk45", "--json", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.match(j.search.not_identified, /^a factor of 2 in N0 moves the fitted curves by [\d.e-]+ \(rms\) at most, below 0\.0001, over 2 observed times$/);
  assert.ok(j.notes.some((n: string) => n.startsWith("not identified: a factor of 2 in N0")));
  // on stderr when the report goes to a file
  const e = await cliIn(["calibrate", two, "--set", "skills.frequencies=[0.6,0.4]", "--set", "rate=0.01", "--set", "integrator=rk45", "--out", join(dir, "two.txt")]);
  assert.match(e.stderr, /note: not identified: a factor of 2 in N0/);
  // a Geometry run with N0 and rate free: only rate/N0 matters at a very large N0
  const g = await observe("gm", "model: geometry\nskills: {count: 6, frequencies: {zipf: 2}}\nparams: 400\noptimizer: signgd\nlr: 3.0e-4\nsteps: 600\n");
  const both = JSON.parse((await cliIn(["calibrate", g, "--fit", "N0,rate", "--json", "-q"])).stdout);
  assert.match(both.search.not_identified, /^a factor of 2 in N0 moves the fitted curves by/);
  // a Resource run calibrated back: identified
  const res = await observe("rid", RESOURCE + "N0: 0.05\n");
  const ok = JSON.parse((await cliIn(["calibrate", res, "--fit", "N0,rate", "--json", "-q"])).stdout);
  assert.equal(ok.search.not_identified, null);
  assert.ok(!ok.notes.some((n: string) => n.startsWith("not identified")));
});

test("bounded time: a map calibration over a 1e9-step horizon is refused before any work", async () => {
  const two = join(dir, "late.csv");
  writeFileSync(two, "t,s1,s2\n0,0,0\n1000000000,1,1\n");
  const t0 = Date.now();
  const r = await cliIn(["calibrate", two, "--set", "skills.frequencies=[0.6,0.4]", "--set", "rate=0.01"]);
  assert.equal(r.code, 2);
  assert.ok(Date.now() - t0 < 60000);
  assert.match(r.stderr, /^skillsim: the observations run to t = 1e\+9, and the map runs every update for each of about 421 trials \(8\.42e\+11 skill-steps, more than the 2e\+10 a calibration may take\); use the ODE \(--set integrator=rk45/);
});

test("a device is named as what it is, in one plain sentence", async () => {
  const r = await cliIn(["calibrate", "/dev/null"]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, "skillsim: /dev/null: is a device or socket, not a regular file or a pipe; expected the observed curves\n");
});

test("a sparse-parity run's frequencies are called mask shares, not a distribution it samples", async () => {
  const sp = await observe("sp", "model: network\ntask: {kind: sparse-parity, bits: 10, samples: 200, subtasks: [[1, 2], [3, 4]]}\nskills: {frequencies: [1, 0.5]}\nnetwork: {hidden: [8], activation: relu}\nloss: ce\nbatch: full\noptimizer: adam\nlr: 1.0e-3\nsteps: 40\n");
  const j = JSON.parse((await cliIn(["calibrate", sp, "--json", "-q"])).stdout);
  const note = j.notes.find((n: string) => n.startsWith("frequencies:"));
  assert.ok(note?.includes("mask shares"), j.notes.join("\n"));
  assert.ok(!note.includes("the distribution it samples"));
});

test("progress counts the work: a bootstrap's refits move the bar (not 93% after the grid, then 100%)", async () => {
  const res = await observe("prog", RESOURCE + "N0: 0.05\n");
  const K = 20;
  const r = await cliIn(["calibrate", res, "--fit", "N0,rate", "--bootstrap", String(K), "--json"], { env: { SKILLSIM_PROGRESS_INTERVAL: "0" } });
  assert.equal(r.code, 0, r.stderr);
  const lines = [...r.stderr.matchAll(/progress: calibrate (\d+)% \((\d+)\/(\d+) trials/g)].map((m) => ({ pct: Number(m[1]), done: Number(m[2]), total: Number(m[3]) }));
  assert.ok(lines.length >= 3, r.stderr);
  const grid = 21 * 21;
  // the total is the budget's count: grid points, about 400 for the refinement, about 150 per refit
  assert.equal(lines[0].total, grid + 400 + 150 * K);
  assert.equal(lines.at(-1)!.pct, 100);
  // the bar reports progress while the refits run, not only at the end
  assert.ok(lines.some((l) => l.done > grid + 400 && l.done < lines[0].total), r.stderr);
});
