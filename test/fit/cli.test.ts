import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir, ROOT } from "../helpers.js";
import { cliIn } from "../inprocess.js";
import { powerLawCsv, sweepJsonl, sweepLine } from "./fixtures.js";

const CHINCHILLA_CSV = join(ROOT, "data/chinchilla-fig4.csv");

function write(name: string, text: string): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

/** Relative closeness. */
function close(actual: number, expected: number, rel: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected), `${what}: ${actual} vs ${expected}`);
}

test("Chinchilla Figure 4 data: same optimum as fitChinchilla, through the CLI", async () => {
  const r = await cliIn(["fit", CHINCHILLA_CSV, "--form", "chinchilla", "--x", "N,D", "--y", "loss", "--where", "loss<3.4469", "--compute", "5.76e23", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  // (On a slow machine, progress lines may come too.)
  assert.equal(r.stderr.split("\n").filter((l) => !/^skillsim: progress: /.test(l)).join("\n"), "skillsim: note: --where kept 240 of 245 rows\n");
  const j = JSON.parse(r.stdout);
  assert.equal(j.form, "chinchilla");
  assert.equal(j.n, 240);
  assert.deepEqual(j.x, ["N", "D"]);
  close(j.objective, 0.0010182740178, 1e-9, "objective");
  close(j.params.E, 1.8172, 1e-4, "E");
  close(j.params.A, 477.8, 1e-3, "A");
  close(j.params.B, 2143.4, 1e-3, "B");
  close(j.params.alpha, 0.34731, 1e-4, "alpha");
  close(j.params.beta, 0.36717, 1e-4, "beta");
  assert.ok(j.rmse_log > 0 && j.rmse_log < 0.02);
  assert.equal(j.intervals, null);
  // Compute-optimal allocation: exponents a = beta/(alpha+beta), b = alpha/(alpha+beta); C = 6 N D.
  const s = j.params.alpha + j.params.beta;
  close(j.allocation.a, j.params.beta / s, 1e-12, "a");
  close(j.allocation.b, j.params.alpha / s, 1e-12, "b");
  const row = j.allocation.rows[0];
  close(6 * row.N_opt * row.D_opt, 5.76e23, 1e-9, "C = 6 N D");
});

test("powerlaw: recovers the parameters of a generated CSV, with E free and with --fix-E 0", async () => {
  const csv = write("pl.csv", powerLawCsv(0.5, 30, 0.6));
  const r = await cliIn(["fit", csv, "--x", "params", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.form, "powerlaw");
  assert.equal(j.n, 8);
  assert.deepEqual(Object.keys(j.params), ["E", "A", "alpha"]);
  close(j.params.E, 0.5, 1e-6, "E");
  close(j.params.A, 30, 1e-6, "A");
  close(j.params.alpha, 0.6, 1e-6, "alpha");
  assert.ok(j.rmse_log < 1e-8);

  const ols = write("ols.csv", powerLawCsv(0, 7, 0.35));
  const o = JSON.parse((await cliIn(["fit", ols, "--x", "params", "--fix-E", "0", "--json"])).stdout);
  assert.equal(o.params.E, 0);
  close(o.params.A, 7, 1e-12, "A");
  close(o.params.alpha, 0.35, 1e-12, "alpha");

  // The text report: table, objective, n, the plot.
  const t = await cliIn(["fit", csv, "--x", "params"]);
  assert.equal(t.code, 0, t.stderr);
  assert.equal(t.stderr, "");
  assert.match(t.stdout, /^power-law fit of loss on params: loss = E \+ A\/params\^alpha\n/);
  assert.match(t.stdout, /\n\s+alpha\s+0\.600000\n/);
  assert.match(t.stdout, /objective \S+ .*rmse\(log loss\) \S+ +n 8\n/);
  assert.match(t.stdout, /params \(log scale\)/);
  assert.match(t.stdout, /o data {3}· fitted law/);
});

test("--bootstrap: percentile intervals around the estimate, reproducible with --seed", async () => {
  const rows = ["x,loss"];
  // A power law with deterministic +-1% wiggles, so resamples differ.
  for (let k = 0; k < 12; k++) rows.push(`${10 * 1.5 ** k},${(0.4 + 20 * (10 * 1.5 ** k) ** -0.5) * (1 + 0.01 * Math.sin(3 * k))}`);
  const csv = write("noisy.csv", rows.join("\n") + "\n");
  const args = ["fit", csv, "--x", "x", "--bootstrap", "40", "--seed", "3", "--level", "0.9", "--json"];
  const a = await cliIn(args);
  assert.equal(a.code, 0, a.stderr);
  const j = JSON.parse(a.stdout);
  assert.deepEqual(j.bootstrap, { K: 40, seed: 3, level: 0.9, by: "row" });
  for (const k of ["E", "A", "alpha"]) {
    const [lo, hi] = j.intervals[k];
    assert.ok(lo <= hi, k);
    assert.ok(lo <= j.params[k] * 1.05 && hi >= j.params[k] * 0.95, `${k}: ${j.params[k]} in [${lo}, ${hi}]`);
  }
  assert.equal((await cliIn(args)).stdout, a.stdout, "same seed, same intervals");
  assert.notEqual((await cliIn([...args.slice(0, -1).map((s) => (s === "3" ? "4" : s)), "--json"])).stdout, a.stdout, "another seed, other intervals");
  const t = await cliIn(["fit", csv, "--x", "x", "--bootstrap", "20"]);
  assert.match(t.stdout, /parameter\s+value\s+95% interval/);
});

test("sweep JSON Lines: --by fits each group (one JSON entry and one table row per group)", async () => {
  const file = write("sweep.jsonl", sweepJsonl());
  const r = await cliIn(["fit", file, "--x", "params", "--final", "--by", "skills.frequencies.zipf", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  // Four sizes from 20 to 160: less than a decade, said on stderr and in each group's JSON.
  // identical warnings of several groups: one line naming them
  assert.match(r.stderr, /^skillsim: warning \(skills\.frequencies\.zipf=1, 2\): params spans less than a decade \(20 to 160, a factor 8\)/);
  assert.equal(r.stderr.split("\n").filter((l) => l.includes("spans less than a decade")).length, 1);
  assert.equal(JSON.parse(r.stdout).groups[1].warnings[0].code, "narrow-range");
  const j = JSON.parse(r.stdout);
  assert.equal(j.by, "skills.frequencies.zipf");
  assert.deepEqual(j.groups.map((g: { value: number }) => g.value), [1, 2]);
  for (const g of j.groups) {
    assert.equal(g.form, "powerlaw");
    assert.equal(g.n, 4, "--final: one point per run");
    // Final loss = (0.1 z + 30 (8000)^-0.4) + 20 z / N^0.5.
    close(g.params.E, 0.1 * g.value + 30 * Math.pow(8000, -0.4), 1e-6, "E");
    close(g.params.A, 20 * g.value, 1e-6, "A");
    close(g.params.alpha, 0.5, 1e-6, "alpha");
  }
  const t = await cliIn(["fit", file, "--x", "params", "--final", "--by", "skills.frequencies.zipf"]);
  assert.equal(t.code, 0, t.stderr);
  const lines = t.stdout.split("\n");
  const head = lines.findIndex((l) => /^\s+skills\.frequencies\.zipf\s+n\s+E\s+A\s+alpha/.test(l));
  assert.ok(head > 0, t.stdout);
  assert.match(lines[head + 1], /^\s+1\s+4\s/);
  assert.match(lines[head + 2], /^\s+2\s+4\s/);
  assert.equal(lines[head + 3], "");
});

test("sweep JSON Lines: every point is a row; step 0 dropped with a note; N,D Chinchilla fit by default", async () => {
  const file = write("sweep.jsonl", sweepJsonl());
  const r = await cliIn(["fit", file, "--where", "skills.frequencies.zipf=1", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /note: dropped 8 points at step 0 \(D = 0; logs are taken\)/);
  assert.match(r.stderr, /note: --where kept 12 of 24 rows/);
  const j = JSON.parse(r.stdout);
  assert.equal(j.form, "chinchilla");
  assert.equal(j.n, 12);
  close(j.params.E, 0.1, 1e-4, "E");
  close(j.params.A, 20, 1e-4, "A");
  close(j.params.B, 30, 1e-4, "B");
  close(j.params.alpha, 0.5, 1e-5, "alpha");
  close(j.params.beta, 0.4, 1e-5, "beta");
  // -q: no notes.
  const q = await cliIn(["fit", file, "--x", "step", "--where", "params=160", "--where", "skills.frequencies.zipf=2", "-q", "--json"]);
  assert.equal(q.code, 0, q.stderr);
  assert.equal(q.stderr, "");
  assert.equal(JSON.parse(q.stdout).n, 3);
});

test("--where filters rows (numbers compared numerically, repeatable)", async () => {
  const csv = write("pl.csv", powerLawCsv(0.5, 30, 0.6, 10)); // params 10 .. 5120, seed 0/1
  const n = async (...where: string[]) => {
    const r = await cliIn(["fit", csv, "--x", "params", "--json", "-q", ...where.flatMap((w) => ["--where", w])]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout).n;
  };
  assert.equal(await n(), 10);
  assert.equal(await n("params>=40"), 8);
  assert.equal(await n("params<1000"), 7);
  assert.equal(await n("params>20", "params<=1280"), 6);
  assert.equal(await n("seed=0"), 5);
  assert.equal(await n("seed!=0", "params>=1e2"), 3);
});

test("sweep lines without config: --batch gives D; without it, a clear error", async () => {
  const text = [20, 40, 80, 160, 320].map((p, i) => sweepLine(i, { params: p }, [0, 10, 100, 1000], [9, 1 + 1 / p, 0.5 + 1 / p, 0.3 + 1 / p], null)).join("\n") + "\n";
  const file = write("nocfg.jsonl", text);
  const bad = await cliIn(["fit", file, "--x", "N,D"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^skillsim: .*nocfg\.jsonl: no D = step x batch for a Chinchilla fit: run 0's line carries no "config", so no batch size .*--x step .*, or give --batch B if the runs had one\n$/);
  const ok = await cliIn(["fit", file, "--x", "D", "--batch", "4", "--where", "params=20", "--json", "-q"]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).n, 3);
  const n = await cliIn(["fit", file, "--x", "N", "--final", "--json", "-q"]);
  assert.equal(n.code, 0, n.stderr);
  assert.equal(JSON.parse(n.stdout).n, 5);
});

test("diverged runs are skipped with a note", async () => {
  const text = sweepJsonl() + JSON.stringify({ id: 8, overrides: { params: 320, "skills.frequencies.zipf": 1 }, error: "diverged at step 3", config_hash: "x" }) + "\n";
  const r = await cliIn(["fit", write("d.jsonl", text), "--x", "params", "--final", "--where", "skills.frequencies.zipf=1", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /note: skipped 1 diverged run \(id 8\)/);
  assert.equal(JSON.parse(r.stdout).n, 4);
});

test("--plot writes an SVG (with --by, one per group); --out writes the result", async () => {
  const dir = tempDir();
  const csv = join(dir, "pl.csv");
  writeFileSync(csv, powerLawCsv(0.5, 30, 0.6));
  const svg = join(dir, "fit.svg");
  const out = join(dir, "fit.json");
  const r = await cliIn(["fit", csv, "--x", "params", "--plot", svg, "--json", "--out", out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "");
  const doc = readFileSync(svg, "utf8");
  assert.match(doc, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(doc, /Power-law fit of loss vs params/);
  assert.equal(JSON.parse(readFileSync(out, "utf8")).form, "powerlaw");

  const sweep = join(dir, "s.jsonl");
  writeFileSync(sweep, sweepJsonl());
  const g = await cliIn(["fit", sweep, "--x", "params", "--final", "--by", "skills.frequencies.zipf", "--plot", join(dir, "by.svg")]);
  assert.equal(g.code, 0, g.stderr);
  assert.match(g.stderr, /wrote 2 figures: .*by-1\.svg, .*by-2\.svg/);
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith("by")).sort(), ["by-1.svg", "by-2.svg"]);
  assert.match(readFileSync(join(dir, "by-2.svg"), "utf8"), /skills\.frequencies\.zipf = 2/);
});

test("errors: one line on stderr, exit 2, no stack trace", async () => {
  const dir = tempDir();
  const csv = join(dir, "pl.csv");
  writeFileSync(csv, powerLawCsv(0.5, 30, 0.6));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const cases: [string[], RegExp][] = [
    [["fit", join(dir, "missing.csv")], /missing\.csv: cannot read data file: no such file/],
    [["fit", file("empty.csv", "")], /empty\.csv: empty file/],
    [["fit", file("blank.csv", "\n  \n")], /blank\.csv: empty file/],
    [["fit", file("head.csv", "x,loss\n")], /head\.csv: a header row but no data rows/],
    [["fit", csv, "--x", "parms"], /--x parms: no column "parms" in .*pl\.csv \(columns: params, loss, seed\); did you mean "params"\?/],
    [["fit", csv, "--x", "params", "--y", "los"], /--y los: no column "los" .*did you mean "loss"\?/],
    [["fit", csv, "--x", "params", "--by", "sed"], /--by sed: no column "sed" .*did you mean "seed"\?/],
    [["fit", file("text.csv", "x,loss\n1,2\n2,n/a\n3,1\n"), "--x", "x"], /text\.csv:3: column "loss": "n\/a" is not a number/],
    [["fit", file("zero.csv", "x,loss\n1,2\n2,1.5\n0,1\n4,0.5\n"), "--x", "x"], /zero\.csv:4: column "x" is 0: must be > 0 \(its log is taken\)/],
    [["fit", file("neg.csv", "x,loss\n1,2\n2,-1.5\n3,1\n4,0.5\n"), "--x", "x"], /neg\.csv:3: column "loss" is -1\.5: must be > 0/],
    [["fit", file("two.csv", "x,loss\n1,2\n2,1\n"), "--x", "x"], /power-law fit needs at least 3 data points \(one per parameter\), got 2/],
    [["fit", file("four.csv", "N,D,loss\n1,2,3\n2,3,2\n3,4,1.5\n4,5,1.2\n")], /Chinchilla fit needs at least 5 data points \(one per parameter\), got 4/],
    [["fit", csv, "--x", "params", "--where", "params>1e9"], /--where params>1e9 matches none of the 8 rows \(params goes from 10 to 1280\)/],
    [["fit", csv, "--x", "params", "--where", "params<<3"], /--where "params<<3": bad operator/],
    [["fit", csv, "--x", "params", "--where", "params"], /--where "params": expected KEY=VALUE/],
    [["fit", csv, "--x", "params", "--where", "params<big"], /"big" is not a number, and < compares numbers/],
    [["fit", csv, "--x", "params", "--where", "parms=1"], /--where parms=1: no column "parms"/],
    [["fit", csv, "--x", "params", "--compute", "1e21"], /--compute needs --form chinchilla/],
    [["fit", csv, "--x", "params,loss", "--y", "loss", "--compute", "1e21,lots"], /--compute lots: expected positive compute budgets/],
    [["fit", csv, "--x", "params", "--bootstrap", "1"], /--bootstrap 1: expected a whole number of resamples >= 2/],
    [["fit", csv, "--x", "params", "--bootstrap", "ten"], /--bootstrap ten: expected/],
    [["fit", csv, "--x", "params", "--level", "95"], /--level 95: expected a coverage between 0 and 1/],
    [["fit", csv, "--x", "params", "--seed", "-1"], /--seed -1: expected a whole number >= 0/],
    [["fit", csv, "--x", "params", "--fix-E", "x"], /--fix-E x: expected a number >= 0/],
    [["fit", csv, "--x", "params", "--flops-per-param-token", "0"], /--flops-per-param-token 0: expected a positive number/],
    [["fit", csv, "--x", "params", "--form", "linear"], /--form linear: expected powerlaw or chinchilla/],
    [["fit", csv, "--x", "params", "--form", "chinchilla"], /--form chinchilla takes two --x columns/],
    [["fit", csv, "--x", "params,loss", "--form", "powerlaw"], /--form powerlaw takes one --x column/],
    [["fit", csv, "--x", "a,b,c"], /--x a,b,c: expected one column \(powerlaw\) or two/],
    [["fit", csv], /give --x COL \(powerlaw\) or --x N,D \(chinchilla\); columns in .*pl\.csv: params, loss, seed/],
    [["fit", csv, "--x", "params", "--final"], /--final applies to sweep JSON Lines/],
    [["fit", csv, "--x", "params", "--plot", "fit.pdf"], /--plot fit\.pdf: the figure file must end in \.svg, \.png, \.vl\.json or \.html/],
    [["fit", file("bad.jsonl", '{"id": 0, "overrides": {}, "trace": {"t": [1], "loss": [1]}}\nnot json\n'), "--x", "step"], /bad\.jsonl:2: not a JSON line/],
  ];
  for (const [args, re] of cases) {
    const r = await cliIn(args);
    const what = args.slice(1).join(" ");
    assert.equal(r.code, 2, `${what}: exit ${r.code}, stderr ${r.stderr}`);
    assert.match(r.stderr, re, what);
    assert.match(r.stderr, /^skillsim: /, what);
    assert.equal(r.stderr.trim().split("\n").length, 1, `${what}: one line: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, what);
    assert.equal(r.stdout, "", what);
  }
});

test("--help has examples and exit codes", async () => {
  const r = await cliIn(["fit", "--help"]);
  assert.equal(r.code, 0);
  for (const s of ["--form", "--x", "--where", "--by", "--fix-E", "--bootstrap", "--compute", "--flops-per-param-token", "--plot", "Examples:", "Exit codes:"]) {
    assert.ok(r.stdout.includes(s), s);
  }
});

test("fit --json carries provenance: versions, the input's hash and the options", async () => {
  const dir = tempDir();
  const f = join(dir, "p.csv");
  writeFileSync(f, "x,loss\n1,3\n2,2.1\n4,1.6\n8,1.3\n16,1.15\n");
  const r = await cliIn(["fit", f, "--x", "x", "--fix-E", "0", "--json", "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  const p = JSON.parse(r.stdout).provenance;
  assert.equal(p.node, process.version);
  assert.equal(p.input, f);
  assert.match(p.input_sha256, /^[0-9a-f]{16}$/);
  assert.deepEqual(p.options.x, "x");
  assert.equal(p.options.fixE, "0");
});
