/**
 * Reading observed curves and planning a calibration (src/calibrate/), in process:
 * what is compared (progress from the run's own s0), CSV forms, and the plan's checks.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { CalibrateError, calibrate, parseObserved, plan } from "../../src/calibrate/index.js";
import { runModel } from "../../src/models/index.js";
import { buildResult } from "../../src/report/result.js";
import { ResultsError } from "../../src/results/index.js";
import { cfgFrom } from "../helpers.js";

function runJson(yaml: string): string {
  const cfg = cfgFrom(yaml);
  return JSON.stringify(buildResult(cfg, runModel(cfg)));
}

test("a Geometry ce run is compared as progress from s0 = 1/2; its rate is 2 lr sqrt(params)", () => {
  const text = runJson("model: geometry\nskills: {count: 3}\nparams: 50\nloss: ce\nlr: 0.01\nsteps: 20\nrecord: every\n");
  const o = parseObserved(text, "ce.json");
  const doc = JSON.parse(text);
  assert.equal(o.compare.mode, "progress");
  assert.match(o.compare.text, /s0 = 0\.5/);
  for (let k = 0; k < 21; k++) assert.equal(o.v[1][k], (doc.trace.level[1][k] - 0.5) / 0.5);
  assert.equal(o.rate, 2 * 0.01 * Math.sqrt(50));
  assert.deepEqual(o.frequencies, { zipf: 2 });
});

test("progress even when the run's timeline reads levels (timeline.on: level); --compare level compares levels", () => {
  const text = runJson("model: resource\nskills: {count: 2}\nloss: ce\nsteps: 10\nrecord: every\ntimeline: {on: level, onset: 0.6, half: 0.7, learned: 0.9}\n");
  const o = parseObserved(text, "lvl.json");
  assert.equal(o.compare.mode, "progress");
  assert.equal(o.v[0][0], 0);
  const l = parseObserved(text, "lvl.json", "level");
  assert.equal(l.compare.mode, "level");
  assert.equal(l.v[0][0], 0.5);
});

test("an explicit frequency list of a Geometry run is normalised for the toy model; a Resource run's is kept", () => {
  const g = parseObserved(runJson("model: geometry\nskills: {frequencies: [3, 1]}\nparams: 20\nsteps: 5\n"), "g.json");
  assert.deepEqual(g.frequencies, [0.75, 0.25]);
  assert.ok(g.frequencyNote);
  const r = parseObserved(runJson("model: resource\nskills: {frequencies: [3, 1]}\nsteps: 5\n"), "r.json");
  assert.deepEqual(r.frequencies, [3, 1]);
});

test("CSV: wide with a step column, comments, quotes and CRLF; long with its own steps per skill", () => {
  const wide = parseObserved('# my log\r\n"step","s1","s2","lr"\r\n0,0,0,1\r\n10,0.5,0.1,1\r\n', "w.csv");
  assert.equal(wide.n, 2);
  assert.deepEqual(wide.t[1], [0, 10]);
  assert.deepEqual(wide.v[0], [0, 0.5]);
  assert.match(wide.notes.join(), /ignored column lr/);
  const long = parseObserved("step,skill,level\n5,2,0.1\n0,1,0\n7,1,0.3\n", "l.csv");
  assert.equal(long.n, 2);
  assert.deepEqual(long.t, [[0, 7], [5]]);
  assert.deepEqual(long.v, [[0, 0.3], [0.1]]);
  assert.throws(() => parseObserved("step,skill,level\n5,1,0.1\n5,1,0.2\n", "d.csv"), /d\.csv:3: skill 1 at step 5 appears twice/);
  assert.throws(() => parseObserved("step,skill,level\n5,2,0.1\n", "m.csv"), /skill 1 has no rows/);
  assert.throws(() => parseObserved("t,s1,s3\n0,0,0\n", "gap.csv"), /s2 is missing/);
  assert.throws(() => parseObserved("t,s1\n0,0\n0,0.1\n", "dec.csv"), /dec\.csv:3: time 0 does not increase/);
  assert.throws(() => parseObserved("t,s1\n-1,0\n", "neg.csv"), /neg\.csv:2: time -1 is negative/);
  assert.throws(() => parseObserved("t,s1\n0,abc\n", "txt.csv"), /txt\.csv:2: level of skill 1 \(column s1\) is "abc", not a finite number/);
  assert.throws(() => parseObserved("", "empty.csv"), CalibrateError);
  assert.throws(() => parseObserved('{"id": 0, "overrides": {}}\n{"id": 1, "overrides": {}}\n', "sweep.jsonl"), /sweep's JSON Lines/);
});

test("a run JSON is read by the results reader: its shape errors in its words, a one-line sweep told apart, a NaN level named", () => {
  const text = runJson("model: resource\nskills: {count: 2}\nsteps: 10\nrecord: every\n");
  const doc = JSON.parse(text);
  assert.throws(() => parseObserved('{"id": 0, "overrides": {}}\n', "one.jsonl"), (e: Error) => e instanceof CalibrateError && /^one\.jsonl: is a sweep's JSON Lines/.test(e.message));
  const short = structuredClone(doc);
  short.trace.level[1].pop();
  assert.throws(() => parseObserved(JSON.stringify(short), "short.json"), (e: Error) => e instanceof ResultsError && /^short\.json: trace\.level must hold one number list per skill/.test(e.message));
  assert.throws(() => parseObserved('{"model": "resource",', "cut.json"), (e: Error) => e instanceof ResultsError && /^cut\.json: not a JSON document/.test(e.message));
  const nan = structuredClone(doc);
  nan.trace.level[0][4] = null;
  assert.throws(() => parseObserved(JSON.stringify(nan), "nan.json"), (e: Error) => e instanceof CalibrateError && /^nan\.json: trace\.level\[0\]\[4\] \(skill 1 at t = 4\) is null \(NaN\)/.test(e.message));
});

test("plan: several runs must share skills and frequencies; the rate is fitted when unknown", () => {
  const a = parseObserved(runJson("model: resource\nskills: {count: 3}\nsteps: 50\n"), "a.json");
  const b = parseObserved(runJson("model: resource\nskills: {count: 4}\nsteps: 50\n"), "b.json");
  assert.throws(() => plan([a, b], { model: "resource" }), /b\.json has 4 skills but a\.json has 3/);
  const csv = parseObserved("t,s1,s2\n0,0,0\n10,0.3,0.05\n20,0.6,0.1\n", "c.csv");
  const p = plan([csv], { model: "resource", sets: ["skills.frequencies=[0.7, 0.3]"] });
  assert.deepEqual(p.params.map((q) => q.name), ["N0", "rate"]);
  assert.throws(() => plan([csv], { model: "resource", fit: ["N0"], sets: ["skills.frequencies=[0.7, 0.3]"] }), /the rate is unknown/);
  const fixed = plan([csv], { model: "resource", sets: ["skills.frequencies=[0.7, 0.3]", "rate=0.05"] });
  assert.deepEqual(fixed.params.map((q) => q.name), ["N0"]);
});

test("nothing left to fit: the fixed model is evaluated (rmse of the given parameters)", () => {
  const obs = parseObserved(runJson("model: resource\nskills: {count: 3}\nN0: 0.1\nrate: 0.02\nsteps: 100\n"), "r.json");
  const p = plan([obs], { model: "resource", sets: ["N0=0.1"] });
  assert.equal(p.params.length, 0);
  const r = calibrate(p, { model: "resource" });
  assert.deepEqual(r.params, {});
  assert.equal(r.rmse, 0);
  const q = plan([obs], { model: "resource", sets: ["N0=0.2"] });
  assert.ok(calibrate(q, { model: "resource" }).rmse > 1e-4);
});

test("configs/calibrate/*.yaml: valid configs whose every sweep value validates", async () => {
  const { readdirSync, readFileSync } = await import("node:fs");
  const { join } = await import("node:path");
  const { planSweep } = await import("../../src/sweep/grid.js");
  const { ROOT } = await import("../helpers.js");
  const dir = join(ROOT, "configs", "calibrate");
  const files = readdirSync(dir).filter((f) => f.endsWith(".yaml"));
  assert.ok(files.length >= 3);
  for (const f of files) {
    const text = readFileSync(join(dir, f), "utf8");
    const sp = planSweep(text, { file: f });
    sp.validate(Array.from({ length: sp.total }, (_, i) => i));
    assert.ok(sp.keys.some((k) => k.key === "seed"), `${f} sweeps seeds`);
  }
});
