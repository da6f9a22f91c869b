/**
 * `skillsim calibrate` through the real CLI: recovery of known parameters (closed forms: the
 * Domino's t0 exactly, the Resource map's N0 and rate), the inputs it reads (run JSON, wide and
 * long CSV), independence of the grid, the outputs (JSON shape, runnable config, figure,
 * bootstrap), and bad input (exit 2, one line).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const dir = tempDir();

/** Run a config given as YAML text with `skillsim run --json` (or --csv); returns the output file. */
async function observe(name: string, yaml: string, format: "json" | "csv" = "json"): Promise<string> {
  const cfg = join(dir, `${name}.yaml`);
  writeFileSync(cfg, yaml);
  const out = join(dir, `${name}.${format}`);
  const r = await cliIn(["run", cfg, `--${format}`, "--out", out, "-q"]);
  assert.equal(r.code, 0, r.stderr);
  return out;
}

async function calibrate(args: string[]): Promise<any> {
  const r = await cliIn(["calibrate", ...args, "--json", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function rel(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

// A Resource run with N0 and rate away from the defaults; default record (200 log-spaced points).
const RESOURCE = await observe("resource", "model: resource\nskills: {count: 8, frequencies: {zipf: 1.5}}\nlr: 5.0e-4\nparams: 800\nN0: 0.05\nsteps: 1500\n");
const TRUE_RATE = 2 * 5e-4 * Math.sqrt(800);

test("recovery: a Resource run's N0 and rate are calibrated back (N0 within 2%, rate within 1%)", async () => {
  const j = await calibrate([RESOURCE, "--fit", "N0,rate"]);
  assert.equal(j.model, "resource");
  assert.ok(rel(j.params.N0, 0.05) < 0.02, `N0 ${j.params.N0}`);
  assert.ok(rel(j.params.rate, TRUE_RATE) < 0.01, `rate ${j.params.rate}`);
  // The forward model is the same map on the same time grid, so in fact far closer:
  assert.ok(rel(j.params.N0, 0.05) < 1e-6 && rel(j.params.rate, TRUE_RATE) < 1e-6, JSON.stringify(j.params));
  assert.ok(j.rmse < 1e-8, `rmse ${j.rmse}`);
  assert.equal(j.n_points, 8 * j.observed.times);
});

test("default: N0 fitted, rate fixed at 2 lr sqrt(params) from the observed config (read from standard input)", () => {
  const r = cli(["calibrate", "-", "--json", "-q"], { input: readFileSync(RESOURCE, "utf8") });
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(j.observed.files, ["<stdin>"]);
  assert.deepEqual(Object.keys(j.params), ["N0"]);
  assert.ok(rel(j.fixed.rate, TRUE_RATE) < 1e-12);
  assert.ok(rel(j.params.N0, 0.05) < 1e-6, `N0 ${j.params.N0}`);
  assert.match(j.compare, /^progress/);
  assert.match(j.time_alignment, /after t updates/);
  for (const k of ["model", "params", "fixed", "rmse", "n_points", "intervals", "config"]) assert.ok(k in j, k);
  assert.equal(j.intervals, null);
});

test("the ODE: a rk45 run calibrated with --set integrator=rk45", async () => {
  const obs = await observe("ode", "model: resource\nskills: {count: 5, frequencies: {zipf: 2}}\nintegrator: rk45\nrate: 0.02\nN0: 0.3\nsteps: 800\nrecord: {points: 60}\n");
  const j = await calibrate([obs, "--set", "integrator=rk45", "--fit", "N0,rate"]);
  assert.ok(rel(j.params.N0, 0.3) < 1e-4, `N0 ${j.params.N0}`);
  assert.ok(rel(j.params.rate, 0.02) < 1e-4, `rate ${j.params.rate}`);
  assert.equal(j.config.integrator, "rk45");
  assert.match(j.time_alignment, /ODE/);
});

test("ce: progress (s - 1/2)/(1/2) on both sides recovers N0 of a Resource ce run", async () => {
  const obs = await observe("ce", "model: resource\nskills: {count: 5, frequencies: {zipf: 2}}\nloss: ce\nrate: 0.03\nN0: 0.2\nsteps: 600\n");
  const j = await calibrate([obs, "--set", "loss=ce"]);
  assert.ok(rel(j.params.N0, 0.2) < 1e-6, `N0 ${j.params.N0}`);
  assert.match(j.compare, /s0 = 0\.5/);
});

test("Domino: t0 of a serial run calibrated back exactly; tau of a parallel one", async () => {
  const serial = await observe("domino", "model: domino\nskills: {count: 6, frequencies: {zipf: 2}}\nlr: 4.0e-4\nparams: 700\nsteps: 500\n");
  const t0 = 1 / (2 * 4e-4 * Math.sqrt(700));
  const j = await calibrate([serial, "--model", "domino"]);
  assert.ok(rel(j.params.t0, t0) < 1e-10, `t0 ${j.params.t0} vs ${t0}`);
  assert.ok(j.rmse < 1e-12);
  const par = await observe("parallel", "model: domino\nvariant: parallel\ntau: 37\nskills: {count: 6, frequencies: {zipf: 1}}\nsteps: 500\n");
  const k = await calibrate([par, "--model", "domino", "--set", "variant=parallel"]);
  assert.ok(rel(k.params.tau, 37) < 1e-10, `tau ${k.params.tau}`);
});

// A Geometry run: the Resource model does not fit it exactly, so the optimum is a real minimum.
const GEOMETRY = await observe("geometry", "model: geometry\nskills: {count: 6, frequencies: {zipf: 2}}\nparams: 200\nbatch: 64\noptimizer: signgd\nlr: 1.0e-3\nnoise: 0.02\nsteps: 400\nrecord: every\n");

test("the answer does not depend on the grid's resolution (9 vs 41 points) beyond 1e-6", async () => {
  for (const fit of ["N0", "N0,rate"]) {
    const a = await calibrate([GEOMETRY, "--fit", fit, "--grid", "9"]);
    const b = await calibrate([GEOMETRY, "--fit", fit, "--grid", "41"]);
    for (const k of Object.keys(a.params)) assert.ok(rel(a.params[k], b.params[k]) < 1e-6, `${fit}: ${k} ${a.params[k]} vs ${b.params[k]}`);
    assert.ok(a.rmse > 1e-3, "a Geometry run is not a Resource run");
    assert.ok(Math.abs(a.rmse - b.rmse) < 1e-9 * a.rmse);
  }
});

test("CSV input: run --csv (wide) and a long step,skill,level file give the JSON's fit", async () => {
  const wide = await observe("resource-csv", readFileSync(join(dir, "resource.yaml"), "utf8"), "csv");
  assert.match(readFileSync(wide, "utf8").split("\n")[0], /^t,loss,s1,/);
  const sets = ["--set", "skills.frequencies={zipf: 1.5}", "--set", `rate=${TRUE_RATE}`];
  const a = await calibrate([wide, ...sets]);
  const lines = readFileSync(wide, "utf8").trim().split("\n");
  const long = ["step,skill,level"];
  for (const line of lines.slice(1)) {
    const c = line.split(",");
    for (let i = 2; i < c.length; i++) long.push(`${c[0]},${i - 1},${c[i]}`);
  }
  const longPath = join(dir, "long.csv");
  writeFileSync(longPath, long.join("\n") + "\n");
  const b = await calibrate([longPath, ...sets]);
  const ref = await calibrate([RESOURCE]);
  assert.ok(rel(a.params.N0, ref.params.N0) < 1e-9 && rel(b.params.N0, ref.params.N0) < 1e-9, `${a.params.N0} ${b.params.N0} ${ref.params.N0}`);
  assert.match(a.compare, /as given/);
  // Without the rate, the rate is fitted too.
  const c = await calibrate([wide, "--set", "skills.frequencies={zipf: 1.5}"]);
  assert.deepEqual(Object.keys(c.params).sort(), ["N0", "rate"]);
});

test("outputs: --config-out runs with skillsim run; --plot draws observed and fitted curves; text names what was compared", async () => {
  const cfgOut = join(dir, "fitted.yaml");
  const svg = join(dir, "cal.svg");
  const r = await cliIn(["calibrate", GEOMETRY, "--config-out", cfgOut, "--plot", svg]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /compared: progress/);
  assert.match(r.stdout, /N0 +[\d.]+ +fitted/);
  assert.match(r.stdout, /rmse [\d.e-]+ over 2406 points; worst skill \d/);
  assert.match(r.stdout, /^model: resource$/m);
  assert.equal((await cliIn(["calibrate", GEOMETRY, "-q"])).stdout, r.stdout, "same input, byte-identical report");
  const run = await cliIn(["run", cfgOut, "--json", "-q"]);
  assert.equal(run.code, 0, run.stderr);
  const j = JSON.parse(run.stdout);
  const cal = await calibrate([GEOMETRY]);
  assert.equal(j.config.N0, cal.params.N0);
  const fig = readFileSync(svg, "utf8");
  assert.match(fig, /^<svg/);
  assert.ok((fig.match(/stroke-dasharray="4,3"/g) ?? []).length >= 6, "one dashed observed curve per skill");
  assert.match(fig, /fitted resource model/);
});

test("bootstrap: over skills for one run, over seeds for several; seeded and reproducible", async () => {
  const a = await calibrate([GEOMETRY, "--bootstrap", "20", "--seed", "3"]);
  const b = await calibrate([GEOMETRY, "--bootstrap", "20", "--seed", "3"]);
  assert.deepEqual(a.intervals, b.intervals);
  assert.equal(a.bootstrap.unit, "skills");
  const [lo, hi] = a.intervals.N0;
  assert.ok(lo <= hi && lo > 0, JSON.stringify(a.intervals));
  const g2 = await observe("geometry-seed1", readFileSync(join(dir, "geometry.yaml"), "utf8") + "seed: 1\n");
  const c = await calibrate([GEOMETRY, g2, "--bootstrap", "10"]);
  assert.equal(c.bootstrap.unit, "seeds");
  assert.equal(c.observed.runs, 2);
  assert.equal(c.n_points, 2 * 6 * 401);
});

test("bad input: exit 2 and one clear line", async () => {
  const nanCsv = join(dir, "nan.csv");
  writeFileSync(nanCsv, "t,s1,s2\n0,0,0\n1,0.1,NaN\n2,0.2,0.1\n");
  const junk = join(dir, "junk.csv");
  writeFileSync(junk, "a;b;c\n1;2;3\n");
  const ragged = join(dir, "ragged.csv");
  writeFileSync(ragged, "t,s1,s2\n0,0,0\n1,0.1\n");
  const late = join(dir, "late.csv");
  writeFileSync(late, "t,s1,s2\n10,0.1,0\n20,0.2,0.1\n");
  const nullJson = join(dir, "null.json");
  const doc = JSON.parse(readFileSync(RESOURCE, "utf8"));
  doc.trace.level[2][5] = null;
  writeFileSync(nullJson, JSON.stringify(doc));
  const cases: [string[], RegExp][] = [
    [[nanCsv, "--set", "skills.frequencies=[0.5, 0.5]"], /nan\.csv:3: level of skill 2 \(column s2\) is NaN/],
    [[nullJson], /trace\.level\[2\]\[5\] \(skill 3 at t = \d+\) is null/],
    [[junk], /junk\.csv:1: no time column/],
    [[ragged, "--set", "skills.frequencies=[0.5, 0.5]"], /ragged\.csv:3: 2 fields, but the header has 3/],
    [[late, "--set", "skills.frequencies=[0.5, 0.5]", "--set", "steps=5"], /no observed point lies within the model's horizon \(steps = 5/],
    [[RESOURCE, "--set", "skills.frequencies=[0.5, 0.3, 0.2]"], /has 8 skills but the toy config has 3/],
    [[late], /a CSV has no skill frequencies; give them with --set skills\.frequencies=/],
    [[RESOURCE, "--fit", "t0"], /--fit t0: the resource model has no parameter "t0"/],
    [[RESOURCE, "--model", "domino", "--fit", "N0"], /--fit N0: the domino model \(serial\) has no parameter "N0"/],
    [[RESOURCE, "--set", "noise=0.1"], /--set noise=0\.1: noise: unknown key/],
    [[RESOURCE, "--set", "N0=0.1", "--fit", "N0"], /either fitted or fixed/],
    [[RESOURCE, "--model", "geometry"], /--model geometry: expected resource or domino/],
    [[join(dir, "missing.json")], /cannot read observed curves/],
    [[RESOURCE, "--out", RESOURCE], /--out .*resource\.json: is the input file itself; writing it would destroy the input/],
  ];
  for (const [args, re] of cases) {
    const r = await cliIn(["calibrate", ...args]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.stdout, "");
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], re);
    assert.match(lines[0], /^skillsim: /);
  }
});
