/** The results layer: one reader per format skillsim owns, each error worded once. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  FIT_PARAMS, ResultsError, baseConfig, canonicalJson, checkFitJson, checkRunJson, csvCell, csvNumber, csvRecords, firstDifference, readFitJson, readResultDocument, readRunJson, readSweepLine, runJsonDocument, startsWithSweepLine, sweepLines,
} from "../../src/results/index.js";
import { tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

test("one CSV number reader: decimal numbers only; 0x10, 0b11, 0o7, 1_000 and Infinity are not numbers", () => {
  for (const [s, v] of [["1", 1], [" -2.5e3 ", -2500], [".5", 0.5], ["+3.", 3]] as const) assert.equal(csvNumber(s), v);
  for (const s of ["0x10", "0b11", "0o7", "1_000", "Infinity", "", "1e", "--1", "1,5"]) assert.equal(csvNumber(s), null, s);
  assert.equal(csvCell("0x10"), "0x10");
  assert.equal(csvCell("-inf"), -Infinity);
  assert.equal(csvCell(" "), null);
});

test("csvRecords: papaparse with quotes, comments and blank lines; each record with its line", () => {
  const recs = csvRecords('\uFEFFt,s1\n# a comment\n\n0,"0.5"\n1,"a\nb"\n2,1\n', "c.csv");
  assert.deepEqual(recs, [
    { line: 1, cells: ["t", "s1"] },
    { line: 4, cells: ["0", "0.5"] },
    { line: 5, cells: ["1", "a\nb"] },
    { line: 7, cells: ["2", "1"] },
  ]);
  assert.throws(() => csvRecords('t,s1\n0,"open\n', "c.csv"), (e: Error) => e instanceof ResultsError && /^c\.csv:2: a quoted cell is never closed$/.test(e.message));
});

test("canonical JSON sorts keys at every level; firstDifference names the first differing dotted key", () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } }), '{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
  assert.equal(canonicalJson(undefined), "null");
  assert.equal(firstDifference({ a: 1, b: { c: 2 } }, { b: { c: 2 }, a: 1 }), null);
  assert.deepEqual(firstDifference({ a: 1, b: { c: 2, d: 0 } }, { a: 1, b: { c: 3 } }), { path: "b.c", a: "2", b: "3" });
  assert.deepEqual(firstDifference({ a: 1 }, { a: 1, e: [1] }), { path: "e", a: "absent", b: "[1]" });
  assert.deepEqual(baseConfig({ seed: 3, N0: 1, skills: { count: 3, frequencies: { zipf: 2 } }, steps: 9 }, ["skills.frequencies.zipf"]), { N0: 1, skills: { frequencies: {} }, steps: 9 });
});

test("sweep lines: one wording per error, with file:line", () => {
  const bad: [string, boolean, boolean, RegExp][] = [
    ["{nope", true, false, /^s:3: not a JSON line; sweep outputs have one JSON object per line$/],
    ['{"id": 1, "over', false, false, /^s:3: incomplete last line, left by an interrupted sweep; `skillsim sweep --resume` drops it$/],
    ["[1]", true, false, /^s:3: not a sweep result \(expected a JSON object per line\)$/],
    ['{"id": -1}', true, false, /^s:3: no run "id" \(a whole number >= 0\)/],
    ['{"id": 1, "overrides": {}}', true, true, /^s:3: run 1 has no "config_hash"/],
    ['{"id": 1, "config_hash": "x"}', true, false, /^s:3: run 1 has no "overrides" object/],
  ];
  for (const [text, terminated, needHash, re] of bad) {
    assert.throws(() => readSweepLine(text, "s:3", terminated, needHash), (e: Error) => e instanceof ResultsError && re.test(e.message), text);
  }
  const ok = sweepLines('{"id":1,"overrides":{"a":[1,2]}}\n\n{"id":0,"overrides":{}}\n', "s");
  assert.deepEqual(ok.map((l) => [l.line, l.value.id]), [[1, 1], [3, 0]]);
  assert.throws(() => sweepLines('{"id":1,"overrides":{}}\n{"id":2', "s"), { message: /^s:2: incomplete last line/ });
});

test("run JSON: the shape every reader relies on, or one line naming the file", () => {
  const good = { model: "resource", config: {}, trace: { t: [0, 1], loss: [1, 0.5], level: [[0, 0.5]] } };
  assert.equal(readRunJson(JSON.stringify(good), "r.json").model, "resource");
  const bad: [unknown, RegExp][] = [
    ["{", /^r\.json: not a JSON document/],
    [{ model: "resource" }, /^r\.json: not a run result/],
    [{ ...good, trace: { ...good.trace, loss: [1] } }, /^r\.json: trace\.t and trace\.loss must be number lists of the same length$/],
    [{ ...good, trace: { ...good.trace, level: [[0]] } }, /^r\.json: trace\.level must hold one number list per skill/],
    [{ ...good, config: null }, /^r\.json: the run result has no config$/],
  ];
  for (const [v, re] of bad) assert.throws(() => readRunJson(typeof v === "string" ? v : JSON.stringify(v), "r.json"), (e: Error) => e instanceof ResultsError && re.test(e.message));
});

test("run JSON: { nulls } lets a NaN (null) through in trace.loss and trace.level only; sniffing tells a run from a sweep line", () => {
  const good = { model: "resource", config: {}, trace: { t: [0, 1], loss: [1, 0.5], level: [[0, 0.5]] } };
  const nan = JSON.stringify({ ...good, trace: { t: [0, 1], loss: [1, null], level: [[0, null]] } });
  assert.throws(() => readRunJson(nan, "r.json"), { message: /^r\.json: trace\.t and trace\.loss must be number lists/ });
  assert.deepEqual(readRunJson(nan, "r.json", { nulls: true }).trace.level, [[0, null]]);
  const nullTime = JSON.stringify({ ...good, trace: { ...good.trace, t: [0, null] } });
  assert.throws(() => readRunJson(nullTime, "r.json", { nulls: true }), { message: /^r\.json: trace\.t and trace\.loss must be number lists/ });
  const shortRow = JSON.stringify({ ...good, trace: { ...good.trace, level: [[null]] } });
  assert.throws(() => readRunJson(shortRow, "r.json", { nulls: true }), { message: /^r\.json: trace\.level must hold one number list per skill/ });
  assert.throws(() => checkRunJson([good], "r.json"), { message: /^r\.json: not a run result/ });
  assert.equal(runJsonDocument(JSON.stringify(good))?.model, "resource");
  for (const text of ["{", "[1]", JSON.stringify({ ...good, id: 0 }), JSON.stringify({ ...good, overrides: {} }), JSON.stringify({ model: "resource" })])
    assert.equal(runJsonDocument(text), null, text);
  assert.equal(startsWithSweepLine('\n{"id":0,"overrides":{}}\n{"id":1'), true);
  assert.equal(startsWithSweepLine(JSON.stringify(good)), false);
  assert.equal(startsWithSweepLine('{"id":-1,"overrides":{}}\n'), false);
  assert.equal(startsWithSweepLine(""), false);
});

test("fit JSON: the form, n and the form's parameters, or one line naming the file; { nulls } lets a NaN parameter through", () => {
  const good = { form: "powerlaw", x: ["N"], y: "loss", n: 5, params: { E: 1, A: 2, alpha: 0.3 }, objective: 0.1, rmse_log: 0.01 };
  assert.equal(readFitJson(JSON.stringify(good), "f.json").params.alpha, 0.3);
  const bad: [unknown, RegExp][] = [
    ["{", /^f\.json: not a JSON document .*; give the output of `skillsim fit --json`$/],
    [[good], /^f\.json: not a fit result \(expected the JSON of `skillsim fit --json`, with form and params\)$/],
    [{ ...good, params: [1] }, /^f\.json: not a fit result/],
    [{ ...good, form: "kaplan" }, /^f\.json: unknown fit form "kaplan"; `skillsim fit` writes "chinchilla" or "powerlaw"$/],
    [{ ...good, form: "toString" }, /^f\.json: unknown fit form "toString"/],
    [{ ...good, form: "chinchilla" }, /^f\.json: params\.B must be a number \(a chinchilla fit has params E, A, B, alpha, beta\)$/],
    [{ ...good, params: { E: 1, A: "2", alpha: 0.3 } }, /^f\.json: params\.A must be a number/],
    [{ ...good, n: 2.5 }, /^f\.json: n must be a whole number >= 0/],
    [{ ...good, n: undefined }, /^f\.json: n must be a whole number >= 0/],
  ];
  for (const [v, re] of bad) assert.throws(() => readFitJson(typeof v === "string" ? v : JSON.stringify(v), "f.json"), (e: Error) => e instanceof ResultsError && re.test(e.message), re.source);
  const nan = { ...good, params: { E: null, A: 2, alpha: 0.3 } };
  assert.throws(() => checkFitJson(nan, "f.json"), { message: /^f\.json: params\.E must be a number/ });
  assert.equal(checkFitJson(nan, "f.json", { nulls: true }).params.E, null);
  // The writer's parameter order is the reader's list.
  assert.deepEqual(FIT_PARAMS.chinchilla, ["E", "A", "B", "alpha", "beta"]);
});

test("readResultDocument tells a run, a fit and a sweep (one line or many) apart, each checked by its own reader", () => {
  const run = { model: "resource", skills: [], config: {}, trace: { t: [0, 1], loss: [1, null], level: [[0, 0.5]] } };
  const fit = { form: "powerlaw", n: 5, params: { E: 1, A: 2, alpha: null } };
  const line = (id: number) => JSON.stringify({ id, overrides: {} });
  assert.equal(readResultDocument(JSON.stringify(run), "r.json").kind, "run");
  assert.equal(readResultDocument(JSON.stringify(fit), "f.json").kind, "fit");
  const one = readResultDocument(line(3), "s.jsonl");
  assert.ok(one.kind === "sweep" && one.lines.length === 1 && one.lines[0].value.id === 3);
  const many = readResultDocument(`${line(0)}\n\n${line(1)}\n`, "s.jsonl");
  assert.deepEqual(many.kind === "sweep" && many.lines.map((l) => [l.line, l.value.id]), [[1, 0], [3, 1]]);
  const refused: [string, RegExp][] = [
    [" \n", /^x: is empty, expected a skillsim result/],
    ["[1]", /^x: is JSON but not a skillsim result \(expected an object, got a list\)$/],
    ['{"a": 1}', /^x: is JSON but not a skillsim result: expected a run/],
    [JSON.stringify({ ...fit, form: "kaplan" }), /^x: unknown fit form "kaplan"/],
    [JSON.stringify({ ...run, trace: { t: [0], loss: [] } }), /^x: trace\.t and trace\.loss must be number lists/],
    [`${line(0)}\n{"id": 1,, "overrides": {}}\n`, /^x:2:10: not valid JSON: unexpected "," where a "quoted" property name should be; a sweep result has one JSON object per line$/],
    [`${line(0)}\n{"id": 1}\n`, /^x:2: run 1 has no "overrides" object/],
  ];
  for (const [text, re] of refused) assert.throws(() => readResultDocument(text, "x"), (e: Error) => e instanceof ResultsError && re.test(e.message), re.source);
});

test("through the CLI: 0x10 and 0b11 are refused in a config's vectors file and in calibrate's CSV, as in fit's", async () => {
  const dir = tempDir();
  writeFileSync(join(dir, "c.yaml"), "model: geometry\nparams: 2\nskills:\n  frequencies: [0.9, 0.1]\n  vectors: {file: v.csv}\nsteps: 10\n");
  writeFileSync(join(dir, "v.csv"), "1, 0\n0, 0x10\n");
  const r = await cliIn(["run", join(dir, "c.yaml"), "-q"]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /v\.csv:2: entry 2 "0x10" is not a finite number/);
  writeFileSync(join(dir, "curves.csv"), "t,s1\n0,0\n10,0b11\n");
  const c = await cliIn(["calibrate", join(dir, "curves.csv"), "-q"]);
  assert.equal(c.code, 2, c.stderr);
  assert.match(c.stderr, /curves\.csv:3: .*column s1\) is "0b11", not a finite number/);
  writeFileSync(join(dir, "d.csv"), "x,loss\n1,2\n0x10,1\n4,0.5\n");
  const f = await cliIn(["fit", join(dir, "d.csv"), "--x", "x"]);
  assert.equal(f.code, 2, f.stderr);
  assert.match(f.stderr, /d\.csv:3: .*0x10/);
});
