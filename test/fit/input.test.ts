import { test } from "node:test";
import assert from "node:assert/strict";
import { detectFormat, parseTable } from "../../src/fit/input.js";
import { applyWhere, groupBy, parseWhere } from "../../src/fit/select.js";
import { TableError, numericColumn, selectRows, whereOf } from "../../src/fit/table.js";
import { InputError } from "../../src/errors.js";
import { ResultsError, csvCell } from "../../src/results/index.js";
import { suggest } from "../../src/config/load.js";
import { sweepLine } from "./fixtures.js";

test("format detection: first non-blank character { means JSON Lines", () => {
  assert.equal(detectFormat("  \n\uFEFF {\"id\":0}"), "jsonl");
  assert.equal(detectFormat("N,D,loss\n1,2,3\n"), "csv");
  assert.equal(detectFormat(" \n\t\n"), "empty");
  assert.throws(() => parseTable("\n\n", "e.csv"), (e: Error) => e instanceof TableError && /e\.csv: empty file/.test(e.message));
});

test("CSV: quoting, CRLF, BOM, blank lines, numbers, text and empty cells", () => {
  const text = "\uFEFFname,\"x\",loss\r\n\"a, b\",1e3,2.5\r\n\r\n\"say \"\"hi\"\"\",  -4 ,\r\nc,inf,nan\n";
  const { table } = parseTable(text, "t.csv");
  assert.deepEqual(table.columns, ["name", "x", "loss"]);
  assert.equal(table.length, 3);
  assert.deepEqual(table.cells.get("name"), ["a, b", 'say "hi"', "c"]);
  assert.deepEqual(table.cells.get("x"), [1000, -4, Infinity]);
  assert.equal(table.cells.get("loss")![0], 2.5);
  assert.equal(table.cells.get("loss")![1], null);
  assert.ok(Number.isNaN(table.cells.get("loss")![2] as number));
  assert.deepEqual([0, 1, 2].map((i) => whereOf(table, i)), ["t.csv:2", "t.csv:4", "t.csv:5"]);
  assert.equal(csvCell("0x10"), "0x10"); // not a decimal number
  assert.equal(csvCell(" .5 "), 0.5);
});

test("CSV: structural errors name file:line", () => {
  const err = (text: string, re: RegExp) => assert.throws(() => parseTable(text, "f.csv"), (e: Error) => e instanceof TableError && re.test(e.message), re.source);
  err("a,b\n1,2\n3\n", /^f\.csv:3: 1 cells, but the header has 2 columns/);
  err("a,a\n1,2\n", /^f\.csv:1: column "a" appears twice/);
  err("a,,c\n1,2,3\n", /^f\.csv:1: header cell 2 is empty/);
  err("a,b\n", /^f\.csv: a header row but no data rows/);
  // Quoting is the CSV reader's (src/results/csv.ts), which words it for every CSV.
  const quoting = (text: string, re: RegExp) => assert.throws(() => parseTable(text, "f.csv"), (e: Error) => e instanceof ResultsError && re.test(e.message), re.source);
  quoting('a,b\n"1,2\n', /^f\.csv:2: a quoted cell is never closed/);
  quoting('a,b\n"1"x,2\n', /^f\.csv:2: unexpected text after a quoted cell/);
});

test("numericColumn: text and empty cells are errors naming file:line and column", () => {
  const { table } = parseTable("x,loss\n1,2\n2,abc\n3,\n", "d.csv");
  assert.deepEqual(Array.from(numericColumn(table, "x")), [1, 2, 3]);
  assert.throws(() => numericColumn(table, "loss", "--y loss"), /^TableError: d\.csv:3: column "loss": "abc" is not a number \(--y loss\)$/);
  const rest = selectRows(table, [0, 2]);
  assert.throws(() => numericColumn(rest, "loss"), /d\.csv:4: column "loss" has no value/);
});

test("--where: every operator, numeric comparison, syntax errors", () => {
  assert.deepEqual(parseWhere("loss<3.4469"), { key: "loss", op: "<", value: "3.4469", num: 3.4469, canon: null, text: "loss<3.4469" });
  assert.equal(parseWhere(" a >= 2 ").op, ">=");
  assert.equal(parseWhere("a==2").op, "=");
  assert.equal(parseWhere("skills.frequencies.zipf=1.5").key, "skills.frequencies.zipf");
  assert.equal(parseWhere("opt=adam").num, null);
  for (const bad of ["loss", "loss<", "<3", "loss<<3", "loss=>3", "loss<abc", ""]) {
    assert.throws(() => parseWhere(bad), (e: Error) => e instanceof TableError && /--where/.test(e.message), bad);
  }
  const { table } = parseTable("k,v,opt\n1e-4,1,adam\n0.001,2,sgd\n0.01,3,adam\n0.1,4,sgd\n", "w.csv");
  const rows = (exprs: string[]) => Array.from(numericColumn(applyWhere(table, exprs.map((e) => parseWhere(e))), "v"));
  assert.deepEqual(rows(["k=0.0001"]), [1]); // 1e-4 and 0.0001 are the same number
  assert.deepEqual(rows(["k!=1e-4"]), [2, 3, 4]);
  assert.deepEqual(rows(["k<0.01"]), [1, 2]);
  assert.deepEqual(rows(["k<=0.01"]), [1, 2, 3]);
  assert.deepEqual(rows(["v>2"]), [3, 4]);
  assert.deepEqual(rows(["v>=2", "opt=adam"]), [3]);
  assert.deepEqual(rows(["opt!=adam"]), [2, 4]);
  assert.throws(() => applyWhere(table, [parseWhere("v>2"), parseWhere("v<2")]), /^TableError: --where v<2 matches none of the 2 rows left by --where v>2 \(v goes from 3 to 4\)$/);
  assert.throws(() => applyWhere(table, [parseWhere("opt<2")]), /w\.csv:2: column "opt": "adam" is not a number \(--where opt<2\)/);
  assert.throws(() => applyWhere(table, [parseWhere("vv=1")], suggest), /^TableError: --where vv=1: no column "vv" in w\.csv \(columns: k, v, opt\); did you mean "v"\?$/);
});

test("--by: groups by distinct value, numbers ascending", () => {
  const { table } = parseTable("z,x\n2,1\n1,2\n1.5,3\n2,4\n1,5\n", "g.csv");
  const groups = groupBy(table, "z");
  assert.deepEqual(groups.map((g) => g.value), [1, 1.5, 2]);
  assert.deepEqual(groups.map((g) => Array.from(numericColumn(g.table, "x"))), [[2, 5], [3], [1, 4]]);
  assert.deepEqual([0, 1].map((i) => whereOf(groups[0].table, i)), ["g.csv:3", "g.csv:6"]);
});

test("sweep JSON Lines: a row per recorded point, N, D = step x batch, overrides by dotted key", () => {
  const text = [
    sweepLine(0, { params: 20, "skills.frequencies.zipf": 1, seed: 0 }, [0, 10, 100], [5, 3, 2]),
    sweepLine(1, { params: 40, "skills.frequencies.zipf": 1, seed: 0 }, [0, 10, 100], [5, 2.5, 1.5]),
    JSON.stringify({ id: 2, overrides: { params: 80, "skills.frequencies.zipf": 1, seed: 0 }, error: "diverged at step 7", config_hash: "x" }),
    "",
  ].join("\n");
  const { table, droppedStepZero, diverged } = parseTable(text, "s.jsonl");
  assert.equal(droppedStepZero, 2);
  assert.deepEqual(diverged, [2]);
  assert.deepEqual(table.columns, ["N", "D", "step", "loss", "id", "params", "skills.frequencies.zipf", "seed"]);
  assert.deepEqual(table.cells.get("N"), [20, 20, 40, 40]);
  assert.deepEqual(table.cells.get("D"), [80, 800, 80, 800]);
  assert.deepEqual(table.cells.get("step"), [10, 100, 10, 100]);
  assert.deepEqual(table.cells.get("loss"), [3, 2, 2.5, 1.5]);
  assert.deepEqual(table.cells.get("id"), [0, 0, 1, 1]);
  assert.deepEqual(table.cells.get("skills.frequencies.zipf"), [1, 1, 1, 1]);
  assert.equal(whereOf(table, 1), "s.jsonl:1 (run 0, step 100)");

  const fin = parseTable(text, "s.jsonl", { final: true });
  assert.equal(fin.droppedStepZero, 0);
  assert.deepEqual(fin.table.cells.get("loss"), [2, 1.5]);
  assert.deepEqual(fin.table.cells.get("step"), [100, 100]);
});

test("sweep JSON Lines without config: N from overrides.params, D needs --batch", () => {
  const text = [
    sweepLine(0, { params: 20 }, [0, 10], [5, 3], null),
    sweepLine(1, { params: 40 }, [0, 10], [5, 2], null),
  ].join("\n") + "\n";
  const { table } = parseTable(text, "n.jsonl");
  assert.deepEqual(table.cells.get("N"), [20, 40]);
  assert.deepEqual(table.cells.get("D"), [null, null]);
  assert.throws(() => numericColumn(table, "D"), /^TableError: n\.jsonl:1 \(run 0, step 10\): column "D" has no value; D = step x batch, and run 0's line carries no "config", so no batch size; give the batch size with --batch B$/);
  // The hint follows the row through filters.
  assert.throws(() => numericColumn(selectRows(table, [1]), "D"), /n\.jsonl:2 \(run 1, step 10\).*run 1's line/);
  assert.deepEqual(parseTable(text, "n.jsonl", { batch: 16 }).table.cells.get("D"), [160, 160]);
  // A line's own batch wins; a different --batch is an error.
  const withCfg = sweepLine(0, { params: 20 }, [0, 10], [5, 3], { params: 20, batch: 8 }) + "\n";
  assert.throws(() => parseTable(withCfg, "c.jsonl", { batch: 16 }), /c\.jsonl:1: run 0 has batch 8 but --batch is 16/);
  const full = sweepLine(0, { params: 20 }, [0, 10], [5, 3], { params: 20, batch: "full" }) + "\n";
  assert.throws(() => numericColumn(parseTable(full, "f.jsonl").table, "D"), /run 0 has batch "full" in its config; give the batch size with --batch B/);
});

test("sweep JSON Lines: bad lines are errors naming file:line", () => {
  const good = sweepLine(0, { params: 20 }, [0, 10], [5, 3]);
  const err = (text: string, re: RegExp) => assert.throws(() => parseTable(text, "b.jsonl"), (e: Error) => e instanceof InputError && re.test(e.message), re.source);
  err(`${good}\n{"id": 1, "overr\n`, /^b\.jsonl:2: not a JSON line/);
  err(`${good}\n[1, 2]\n`, /^b\.jsonl:2: not a sweep result/);
  err(`{"overrides": {}}\n`, /^b\.jsonl:1: no run "id"/);
  err(`{"id": 3, "overrides": {"params": 1}, "config_hash": "x"}\n`, /^b\.jsonl:1: run 3 has no "trace"/);
  err(`{"id": 3, "overrides": {}, "trace": {"t": [1, 2], "loss": [1]}}\n`, /^b\.jsonl:1: run 3: trace\.t has 2 values but trace\.loss has 1/);
  err(`{"id": 0, "overrides": {}, "error": "x", "config_hash": "x"}\n`, /^b\.jsonl: every run diverged/);
  assert.throws(() => parseTable(`${good}\n`, "b.jsonl", { batch: 0 }), /--batch must be a positive number/);
});

test("run JSON: read through the results reader; a NaN loss (null) is a null cell, a broken trace the reader's one message", () => {
  const run = { model: "resource", config: { model: "resource", steps: 2 }, trace: { t: [1, 2, 3], loss: [1, null, 0.25], level: [[0, 0.5, 0.75]] } };
  const { table } = parseTable(JSON.stringify(run), "r.json");
  assert.deepEqual([...numericColumn(table, "step")], [1, 2, 3]);
  assert.deepEqual(table.cells.get("loss"), [1, null, 0.25]);
  assert.throws(() => numericColumn(table, "loss"), /r\.json \(step 2\): column "loss" has no value; trace\.loss has null here/);
  const bad = { ...run, trace: { ...run.trace, level: [[0, 0.5]] } };
  assert.throws(() => parseTable(JSON.stringify(bad), "r.json"), (e: Error) => e instanceof ResultsError && /^r\.json: trace\.level must hold one number list per skill/.test(e.message));
  const noConfig = { model: "resource", trace: run.trace };
  assert.throws(() => parseTable(JSON.stringify(noConfig), "r.json"), (e: Error) => e instanceof ResultsError && /^r\.json: the run result has no config$/.test(e.message));
});
