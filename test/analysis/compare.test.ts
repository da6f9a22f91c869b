import { test } from "node:test";
import assert from "node:assert/strict";
import {
  CompareInputError,
  DEFAULT_ATOL,
  DEFAULT_RTOL,
  compareResults,
  parseResult,
  parseTolerances,
  patternMatches,
  type CompareOptions,
  type ToleranceRule,
} from "../../src/analysis/compare.js";
import { comparisonJson, renderComparison } from "../../src/report/compare.js";
import { runModel } from "../../src/models/index.js";
import { buildResult } from "../../src/report/result.js";
import { ResultsError, jsonSyntaxError } from "../../src/results/index.js";
import { cfgFrom } from "../helpers.js";

const defaults = (rules: ToleranceRule[] = []): CompareOptions => ({ rtol: DEFAULT_RTOL, atol: DEFAULT_ATOL, rules });

/** A real run result (small), as `run --json` would print it. */
function runJson(extra = ""): any {
  const cfg = cfgFrom(`model: resource\nskills: {count: 4, frequencies: {zipf: 2}}\nsteps: 400\nrecord: {points: 20}\n${extra}`);
  return JSON.parse(JSON.stringify(buildResult(cfg, runModel(cfg))));
}

const parse = (v: unknown, name = "x.json") => parseResult(typeof v === "string" ? v : JSON.stringify(v), name);
const compare = (now: unknown, base: unknown, opts = defaults()) => compareResults(parse(now, "now.json"), parse(base, "base.json"), opts);

/** An input error: compare's own (not JSON, not a result) or the results readers' (a run or sweep line of the wrong shape). */
function inputError(f: () => unknown, re: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof CompareInputError || e instanceof ResultsError, `expected CompareInputError or ResultsError, got ${String(e)}`);
    assert.match(e.message, re);
    assert.ok(!e.message.includes("\n"), "one line");
    return true;
  });
}

const sweepLine = (id: number, loss: number, hash = "h0", overrides: object = { N0: id }) =>
  JSON.stringify({ id, overrides, final: { loss }, skills: [{ index: 1, frequency: 1, onset: 3, half: 9, learned: 20, final: 1 }], trace: { t: [0, 1], loss: [1, loss] }, config_hash: hash });

const fit = (alpha: number, form = "chinchilla") => ({ form, n: 12, params: { E: 1.7, A: 400, B: 410, alpha, beta: 0.28 }, objective: 0.01, rmse_log: 0.02, intervals: { alpha: [0.3, 0.4] }, allocation: null });

test("kinds are told apart by content: run, sweep (JSON Lines or one line), fit", () => {
  assert.equal(parse(runJson()).kind, "run");
  assert.equal(parse(fit(0.34)).kind, "fit");
  const s = parse(`${sweepLine(0, 0.1)}\n${sweepLine(1, 0.2)}\n`);
  assert.equal(s.kind, "sweep");
  assert.deepEqual([...s.records.keys()], ["0", "1"]);
  assert.equal(parse(sweepLine(7, 0.1)).kind, "sweep");
});

test("unreadable results are input errors naming the file (and line:col where JSON gives one)", () => {
  inputError(() => parse("  \n"), /^x\.json: is empty/);
  inputError(() => parse('{"model": "resource",\n  "skills" [1]}'), /^x\.json:2:12: not valid JSON: unexpected "\[" where ':' should follow a property name$/);
  inputError(() => parse('{"model": "resource",\n  "skills": [1,}'), /^x\.json:2:16: not valid JSON: unexpected "}" where a value should be$/);
  inputError(() => parse('{"model": "resource"'), /^x\.json:1:21: not valid JSON: the input ends too early$/);
  inputError(() => parse("[1, 2]"), /not a skillsim result \(expected an object, got a list\)/);
  inputError(() => parse({ hello: 1 }), /not a skillsim result/);
  inputError(() => parse(`${sweepLine(0, 0.1)}\n{"id": 1, "overr`), /^x\.json:2:17: not valid JSON: the input ends inside a string; a sweep result has one JSON object per line$/);
  // A sweep line of the wrong shape: the sweep-line reader's words (src/results/sweep-lines.ts).
  inputError(() => parse(`${sweepLine(0, 0.1)}\n{"a": 1}\n`), /^x\.json:2: no run "id" \(a whole number >= 0\)/);
  inputError(() => parse(`${sweepLine(0, 0.1)}\n{"id": 1}\n`), /^x\.json:2: run 1 has no "overrides" object/);
  inputError(() => parse({ id: 1, overrides: [] }), /^x\.json: run 1 has no "overrides" object/);
  // A run of the wrong shape: the run JSON reader's words (src/results/run-json.ts); a NaN (null) is compared, not refused.
  const broken = runJson();
  broken.trace.t.push(999);
  inputError(() => parse(broken), /^x\.json: trace\.t and trace\.loss must be number lists of the same length$/);
  const nan = runJson();
  nan.trace.loss[3] = null;
  assert.equal(parse(nan).kind, "run");
  inputError(() => parse(`${sweepLine(0, 0.1)}\n${sweepLine(0, 0.2)}\n`), /run id 0 appears twice/);
  // The same line twice (overlapping shards) is fine.
  assert.equal(parse(`${sweepLine(0, 0.1)}\n${sweepLine(0, 0.1)}\n`).records.size, 1);
});

test("identical runs: every field compared, none moved; provenance never compared", () => {
  const a = runJson();
  const b = structuredClone(a);
  b.provenance.node = "v99.0.0";
  const c = compare(b, a);
  assert.equal(c.changes.length, 0);
  // skills: 4 x 6 fields; trace: t, loss and 4 levels of 20 points; final: 2.
  assert.ok(c.compared >= 4 * 6 + 20 * 6 + 2, String(c.compared));
  assert.deepEqual(c.notes, []);
  assert.match(renderComparison(c), /^\d+ fields compared, 0 moved beyond tolerance\n$/);
});

test("floats pass within atol + rtol |baseline| and fail beyond; integers must be equal", () => {
  const a = runJson();
  const b = structuredClone(a);
  b.skills[0].frequency *= 1 + 1e-12; // within rtol 1e-9
  b.trace.level[1][5] += 1e-6; // skill 2, trace point 5: beyond
  b.skills[2].onset += 1; // integer step count
  const c = compare(b, a);
  assert.deepEqual(c.changes.map((ch) => ch.field), ["skills.3.onset", "trace.level.2.5"]);
  const onset = c.changes[0];
  assert.equal(onset.tolerance, "exact (integers)");
  assert.equal(onset.abs, 1);
  assert.ok(Math.abs(onset.rel! - 1 / a.skills[2].onset) < 1e-15);
  // A looser global rtol does not loosen integers ...
  assert.equal(compare(b, a, { rtol: 0.5, atol: 0, rules: [] }).changes.map((ch) => ch.field).join(), "skills.3.onset");
  // ... a tolerance rule naming the field does.
  assert.equal(compare(b, a, defaults([{ pattern: "skills.*.onset", atol: 1 }, { pattern: "trace", rtol: 1e-3 }])).changes.length, 0);
});

test("null vs a number, a missing field and a list of another length are always changes", () => {
  const a = runJson();
  const b = structuredClone(a);
  b.skills[3].learned = null;
  delete b.final.time;
  // One recorded point more (a run JSON's trace lists stay as long as trace.t, or the reader refuses it).
  b.trace.t.push(999);
  b.trace.loss.push(0);
  for (const row of b.trace.level) row.push(1);
  b.summary.extra_number = 1;
  const c = compare(b, a, defaults([{ pattern: "**", rtol: 1, atol: 1 }]));
  const by = Object.fromEntries(c.changes.map((ch) => [ch.field, ch]));
  const lengths = ["trace.level.1.length", "trace.level.2.length", "trace.level.3.length", "trace.level.4.length", "trace.loss.length", "trace.t.length"];
  assert.deepEqual(Object.keys(by).sort(), ["final.time", "skills.4.learned", "summary.extra_number", ...lengths]);
  assert.equal(by["skills.4.learned"].now, null);
  assert.equal(by["final.time"].now, undefined);
  assert.equal(by["trace.t.length"].baseline, a.trace.t.length);
  const j = comparisonJson(c, defaults()) as { changes: Record<string, unknown>[] };
  const missing = j.changes.find((ch) => ch.field === "final.time")!;
  assert.equal(missing.missing, "now");
  assert.ok(!("now" in missing));
});

test("tolerance rules: later wins, ignore skips a section, unmatched patterns are reported", () => {
  const a = runJson();
  const b = structuredClone(a);
  b.final.loss = a.final.loss * 1.01 + 1e-3;
  b.summary.eta_eff *= 2;
  const rules: ToleranceRule[] = [
    { pattern: "final", rtol: 1 },
    { pattern: "final.loss", rtol: 1e-6 },
    { pattern: "summary", ignore: true },
    { pattern: "skils.*.onset", atol: 2 },
  ];
  const c = compare(b, a, defaults(rules));
  assert.deepEqual(c.changes.map((ch) => ch.field), ["final.loss"]);
  assert.equal(c.changes[0].tolerance, `rtol 1e-6, atol ${DEFAULT_ATOL}`);
  assert.deepEqual(c.unusedPatterns, ["skils.*.onset"]);
});

test("patterns: * is one segment (or part of one); a pattern covers the section it names", () => {
  assert.ok(patternMatches("skills.*.onset", ["skills", "3", "onset"]));
  assert.ok(!patternMatches("skills.*.onset", ["skills", "3", "half"]));
  assert.ok(patternMatches("trace.*", ["trace", "level", "2", "17"]));
  assert.ok(patternMatches("trace", ["trace", "t", "0"]));
  assert.ok(patternMatches("params.a*", ["params", "alpha"]));
  assert.ok(!patternMatches("params.a*", ["params", "beta"]));
  assert.ok(!patternMatches("final.loss.x", ["final", "loss"]));
});

test("different configs are an input error listing the keys; the same config_hash skips the diff", () => {
  const a = runJson();
  const b = runJson("N0: 0.01\nlr: 1.0e-3\n");
  inputError(() => compare(b, a), /^different configs \(2 keys\): lr: 0\.0003 vs 0\.001, N0: 0\.003 vs 0\.01; /);
  const c = structuredClone(a);
  c.config.title = "edited by hand"; // same hash: trusted, not diffed
  assert.equal(compare(c, a).changes.length, 0);
});

test("a different skillsim version is a note, not a change", () => {
  const a = runJson();
  const b = structuredClone(a);
  b.provenance.skillsim = "9.9.9";
  const c = compare(b, a);
  assert.equal(c.changes.length, 0);
  assert.match(c.notes.join(), /base\.json was made by skillsim .*, now\.json by 9\.9\.9/);
});

test("mismatched kinds are an input error naming both", () => {
  inputError(() => compare(fit(0.34), runJson()), /^mismatched kinds: now\.json is a fit result .* but base\.json is a run result/);
});

test("sweeps: compared per run id; missing/extra ids and different config_hash are input errors", () => {
  const base = [0, 1, 2].map((i) => sweepLine(i, 0.1 * (i + 1))).join("\n") + "\n";
  const moved = [sweepLine(0, 0.1), sweepLine(1, 0.25), sweepLine(2, 0.3)].reverse().join("\n"); // order does not matter
  const c = compare(moved, base);
  assert.deepEqual(c.changes.map((ch) => [ch.id, ch.field]), [["1", "final.loss"], ["1", "trace.loss.1"]]);
  assert.match(renderComparison(c), /^run\s+field\s+baseline\s+now\s+change\s+tolerance\n1\s+final\.loss\s+0\.2\s+0\.25\s+\+2\.50e-1/);
  inputError(() => compare([sweepLine(0, 0.1), sweepLine(3, 0.1)].join("\n"), base), /^different sweeps: now\.json lacks run ids 1, 2; now\.json has run id 3 that base\.json does not/);
  inputError(
    () => compare([sweepLine(0, 0.1), sweepLine(1, 0.2, "hX", { N0: 5 }), sweepLine(2, 0.3)].join("\n"), base),
    /^different configs: run 1 \(config_hash h0 vs hX; overrides differ: N0: 1 vs 5\)/,
  );
});

test("fits: parameters compared; a different form is an input error", () => {
  const c = compare(fit(0.35), fit(0.34));
  assert.deepEqual(c.changes.map((ch) => ch.field), ["params.alpha"]);
  assert.equal(compare(fit(0.34), fit(0.34)).changes.length, 0);
  inputError(() => compare(fit(0.34, "powerlaw"), fit(0.34)), /^different fits: base\.json fits the form "chinchilla" but now\.json fits "powerlaw"/);
  // A fit of the wrong shape: the fit JSON reader's words (src/results/fit-json.ts).
  inputError(() => parse(fit(0.34, "kaplan")), /^x\.json: unknown fit form "kaplan"; `skillsim fit` writes "chinchilla" or "powerlaw"$/);
});

test("the table is limited to --limit rows and says how many more", () => {
  const a = runJson();
  const b = structuredClone(a);
  for (const l of b.trace.level) for (let k = 1; k < l.length; k++) l[k] += 0.5;
  const c = compare(b, a);
  const text = renderComparison(c, 5);
  assert.equal(text.trim().split("\n").length, 1 + 5 + 1 + 1);
  assert.match(text, new RegExp(`\\.\\.\\. and ${c.changes.length - 5} more`));
  assert.equal(renderComparison(c, 0).trim().split("\n").length, 1 + c.changes.length + 1);
});

test("tolerance files: the documented format parses; mistakes name file:line:col", () => {
  const rules = parseTolerances('"skills.*.onset": {atol: 2}\nfinal.loss: {rtol: 1.0e-3}\ntrace.*: {rtol: 1.0e-6}\nsummary: {ignore: true}\n', "tol.yaml");
  assert.deepEqual(rules, [
    { pattern: "skills.*.onset", atol: 2 },
    { pattern: "final.loss", rtol: 1e-3 },
    { pattern: "trace.*", rtol: 1e-6 },
    { pattern: "summary", ignore: true },
  ]);
  assert.deepEqual(parseTolerances("# nothing yet\n", "tol.yaml"), []);
  const bad: [string, RegExp][] = [
    ["final.loss: {rtl: 1e-3}\n", /^tol\.yaml:1:14: final\.loss\.rtl: unknown key; did you mean "rtol"\?$/],
    ["a: {atol: 1}\nfinal.loss: {rtol: -1}\n", /^tol\.yaml:2:20: final\.loss\.rtol: must be a finite number >= 0, got -1$/],
    ["final.loss: {rtol: .nan}\n", /^tol\.yaml:1:20: final\.loss\.rtol: must be a finite number >= 0/],
    ["final.loss: {atol: two}\n", /^tol\.yaml:1:20: final\.loss\.atol: must be a finite number >= 0, got "two"$/],
    ["final.loss: {ignore: yes}\n", /^tol\.yaml:1:22: final\.loss\.ignore: must be true or false$/],
    ["final.loss: 1e-3\n", /^tol\.yaml:1:13: final\.loss: expected a mapping like/],
    ["final.loss: {}\n", /^tol\.yaml:1:13: final\.loss: give rtol, atol or ignore$/],
    ["final..loss: {rtol: 1}\n", /^tol\.yaml:1:1: "final\.\.loss" is not a field pattern/],
    ["- final.loss\n", /^tol\.yaml:1:1: a tolerance file is a mapping of field patterns/],
    ["final.loss: {rtol: 1\n", /^tol\.yaml:2:1: malformed YAML: /],
    ["a: {rtol: 1}\na: {rtol: 2}\n", /^tol\.yaml:2:1: malformed YAML: Map keys must be unique/],
  ];
  for (const [text, re] of bad) inputError(() => parseTolerances(text, "tol.yaml"), re);
});

test("jsonSyntaxError agrees with JSON.parse and points at the first bad character", () => {
  const good = ['{"a": [1, -2.5e3, true, null, "x\\"\\u00e9"]}', "[]", "{}", " 0 ", '"s"', "[[[[]]]]"];
  for (const t of good) {
    JSON.parse(t);
    assert.equal(jsonSyntaxError(t), null, t);
  }
  const bad: [string, number][] = [["", 0], ["{", 1], ["[1 2]", 3], ['{"a" 1}', 5], ["[01]", 2], ['"a\nb"', 2], ["[1,]", 3], ["{} x", 3], ["tru", 0], ['"\\x"', 1], ["[".repeat(100000), 100000]];
  for (const [t, at] of bad) {
    assert.throws(() => JSON.parse(t));
    assert.equal(jsonSyntaxError(t)?.at, at, JSON.stringify(t.slice(0, 20)));
  }
});

test("a hand-made file nested too deeply is an input error, not a crash", () => {
  // Deep where the run reader does not look (it refuses a deep trace.t as not numbers first).
  const deep = `{"model": "resource", "skills": [], "config": {}, "trace": {"t": [], "loss": [], "level": []}, "summary": ${"[".repeat(50000)}${"]".repeat(50000)}}`;
  inputError(() => compare(deep, deep), /nested too deeply to be a skillsim result$/);
  const deepTrace = `{"model": "resource", "skills": [], "config": {}, "trace": {"t": ${"[".repeat(50000)}${"]".repeat(50000)}}}`;
  inputError(() => compare(deepTrace, deepTrace), /^now\.json: trace\.t and trace\.loss must be number lists/);
});
