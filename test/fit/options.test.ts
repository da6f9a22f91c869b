/**
 * The fit options of issue 13 and the fit items of issue 9, through the real CLI, on the real
 * Chinchilla data (data/chinchilla-fig4.csv) and on small sweeps.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, tempDir } from "../helpers.js";
import { huber } from "../../src/fit/chinchilla.js";
import { powerLawCsv, sweepJsonl, sweepLine } from "./fixtures.js";

const CHINCHILLA = "data/chinchilla-fig4.csv";

function write(name: string, text: string): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

function json(args: string[]): Record<string, any> {
  const r = cli([...args, "--json"]);
  assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** x = 10 .. 10 * 1.5^(n-1), L = (E + A x^-alpha) e^(w_k) with deterministic wiggles w_k. */
function noisyCsv(n = 14, E = 0.4, A = 20, alpha = 0.5, amp = 0.02): string {
  const rows = ["x,loss"];
  for (let k = 0; k < n; k++) {
    const x = 10 * 1.5 ** k;
    rows.push(`${x},${(E + A * x ** -alpha) * Math.exp(amp * Math.sin(2.3 * k + 1))}`);
  }
  return rows.join("\n") + "\n";
}

test("Chinchilla data: --loss mse with --holdout, --bootstrap and --predict in one run", () => {
  const args = ["fit", CHINCHILLA, "--where", "loss<3.4469", "--loss", "mse", "--holdout", "N>5e9", "--bootstrap", "4", "--predict", "7e10,1.4e12;1e9,2e10", "-q"];
  const j = json(args);
  assert.deepEqual(j.loss, { name: "mse", description: "sum of squared log residuals" });
  // Held out: the 17 runs with N > 5e9; the fit sees the other 223.
  assert.equal(j.holdout.n, 17);
  assert.equal(j.n, 223);
  assert.equal(j.holdout.rows.length, 17);
  const p = j.params;
  const law = (N: number, D: number) => p.E + p.A * N ** -p.alpha + p.B * D ** -p.beta;
  let ss = 0, worst = 0;
  for (const r of j.holdout.rows) {
    assert.ok(r.x.N > 5e9);
    assert.equal(r.predicted, law(r.x.N, r.x.D));
    assert.equal(r.rel_error, (r.predicted - r.y) / r.y);
    ss += Math.log(r.predicted / r.y) ** 2;
    worst = Math.max(worst, Math.abs(r.rel_error));
  }
  assert.ok(Math.abs(j.holdout.rmse_log - Math.sqrt(ss / 17)) < 1e-12);
  assert.equal(j.holdout.max_abs_rel_error, worst);
  assert.match(j.holdout.rows[0].at, /^data\/chinchilla-fig4\.csv:\d+$/);
  // Predictions: the law at each point; prediction intervals contain the confidence intervals.
  assert.equal(j.predictions.length, 2);
  for (const pr of j.predictions) {
    assert.equal(pr.predicted, law(pr.x.N, pr.x.D));
    assert.ok(pr.prediction[0] < pr.confidence[0] && pr.confidence[1] < pr.prediction[1], JSON.stringify(pr));
  }
  assert.deepEqual(j.bootstrap, { K: 4, seed: 0, level: 0.95, by: "row" });
  assert.ok(Array.isArray(j.warnings));
});

test("the result does not depend on --jobs (Chinchilla starts and bootstrap refits on threads)", () => {
  const file = write("s.jsonl", noisySweep());
  const args = ["fit", file, "--where", "skills.frequencies=[0.9, 0.1]", "--bootstrap", "6", "--json", "-q"];
  const one = cli([...args, "--jobs", "1"]);
  assert.equal(one.code, 0, one.stderr);
  assert.equal(cli([...args, "--jobs", "2"]).stdout, one.stdout);
  assert.equal(cli([...args, "--jobs", "3"]).stdout, one.stdout);
});

test("text report: the objective named, held-out rows and both kinds of interval labelled", () => {
  const csv = write("noisy.csv", noisyCsv(14, 0.4, 20, 0.5, 0.05));
  const t = cli(["fit", csv, "--x", "x", "--loss", "mse", "--holdout", "x>500", "--bootstrap", "10", "--predict", "1000;1e4", "-q"]);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /objective \S+ \(sum of squared log residuals\)/);
  assert.match(t.stdout, /held out \(--holdout x>500\): 4 rows, not used in the fit/);
  assert.match(t.stdout, /95% confidence \(mean law\)\s+95% prediction \(a new run\)/);
  assert.match(t.stdout, /confidence: where the fitted law itself lies/);
});

test("--fix-E 0 minimises the same summed Huber as every other form (not least squares); --loss mse --fix-E 0 is least squares", () => {
  const csv = write("noisy.csv", noisyCsv(14, 0.4, 20, 0.5, 0.05));
  const h = json(["fit", csv, "--x", "x", "--fix-E", "0", "-q"]);
  assert.equal(h.loss.name, "huber");
  assert.deepEqual(h.fixed, { E: 0 });
  assert.equal(h.params.E, 0);
  // Ordinary least squares in log-log, computed here.
  const rows = csvRows(noisyCsv(14, 0.4, 20, 0.5, 0.05));
  const lx = rows.map(([x]) => Math.log(x)), ly = rows.map(([, y]) => Math.log(y));
  const mx = mean(lx), my = mean(ly);
  const slope = lx.reduce((s, v, i) => s + (v - mx) * (ly[i] - my), 0) / lx.reduce((s, v) => s + (v - mx) ** 2, 0);
  const olsA = Math.exp(my - slope * mx), olsAlpha = -slope;
  const m = json(["fit", csv, "--x", "x", "--fix-E", "0", "--loss", "mse", "-q"]);
  assert.ok(Math.abs(m.params.alpha - olsAlpha) < 1e-7, `${m.params.alpha} vs ${olsAlpha}`);
  assert.ok(Math.abs(m.params.A / olsA - 1) < 1e-6);
  // The Huber fit is a different estimator: its summed Huber is lower than at the OLS line.
  const huberAt = (A: number, alpha: number) => rows.reduce((s, [x, y]) => s + huber(Math.log(A * x ** -alpha) - Math.log(y)), 0);
  assert.ok(huberAt(h.params.A, h.params.alpha) < huberAt(olsA, olsAlpha) - 1e-9);
  assert.ok(Math.abs(h.objective - huberAt(h.params.A, h.params.alpha)) < 1e-12);
});

function csvRows(text: string): [number, number][] {
  return text.trim().split("\n").slice(1).map((l) => l.split(",").map(Number) as [number, number]);
}

function mean(v: number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}

test("--loss asymmetric fits below the data: over-predictions weigh --penalty times more", () => {
  const csv = write("noisy.csv", noisyCsv(14, 0.4, 20, 0.5, 0.05));
  const sym = json(["fit", csv, "--x", "x", "--loss", "mse", "-q"]);
  const asym = json(["fit", csv, "--x", "x", "--loss", "asymmetric", "--penalty", "50", "-q"]);
  assert.deepEqual(asym.loss, { name: "asymmetric", penalty: 50, description: "sum of squared log residuals, over-predictions weighted 50x" });
  const rows = csvRows(noisyCsv(14, 0.4, 20, 0.5, 0.05));
  const above = (p: { E: number; A: number; alpha: number }) => rows.filter(([x, y]) => p.E + p.A * x ** -p.alpha > y).length;
  assert.ok(above(asym.params) < above(sym.params), `${above(asym.params)} vs ${above(sym.params)} rows over-predicted`);
  const t = cli(["fit", csv, "--x", "x", "--loss", "asymmetric", "--penalty", "50"]);
  assert.match(t.stdout, /over-predictions weighted 50x/);
});

test("small sweep: --bootstrap-by run is the default for sweeps; --holdout and --predict for a power law; --where on a list value", () => {
  const file = write("sweep.jsonl", noisySweep());
  const base = ["fit", file, "--x", "params", "--final", "--where", "skills.frequencies=[0.9, 0.1]", "-q"];
  const byRun = json([...base, "--bootstrap", "20", "--predict", "1000;2000"]);
  assert.equal(byRun.bootstrap.by, "run");
  assert.equal(byRun.n, 6, "the list value matched as a value: 6 of the 12 runs");
  const byRow = json([...base, "--bootstrap", "20", "--bootstrap-by", "row", "--predict", "1000;2000"]);
  assert.equal(byRow.bootstrap.by, "row");
  assert.deepEqual(byRun.params, byRow.params);
  assert.equal(byRun.predictions[1].x.params, 2000);
  // All points of every run (not --final): resampling whole runs, not single points.
  const all = ["fit", file, "--x", "step", "--where", "params=40", "-q", "--bootstrap", "20"];
  const r1 = json(all), r2 = json([...all, "--bootstrap-by", "row"]);
  assert.notDeepEqual(r1.intervals, r2.intervals);
  const ho = json([...base, "--holdout", "params>=320"]);
  assert.equal(ho.holdout.n, 2);
  assert.equal(ho.n, 4);
  assert.deepEqual(ho.holdout.rows.map((r: { x: { params: number } }) => r.x.params), [320, 640]);
  assert.match(ho.holdout.rows[0].at, /sweep\.jsonl:\d+ \(run \d+, step 1000\)/);
});

/** params x frequencies lists, 3 seeds' worth of wiggle, recorded at steps 0, 10, 100, 1000. */
function noisySweep(): string {
  const lines: string[] = [];
  let id = 0;
  for (const p of [20, 40, 80, 160, 320, 640]) {
    for (const f of [[0.9, 0.1], [0.5, 0.5]]) {
      const t = [0, 10, 100, 1000];
      const w = Math.sin(3.1 * id + 0.5);
      const loss = t.map((s, k) => (s === 0 ? 9 : (0.1 + 20 / Math.sqrt(p) + 30 * Math.pow(s * 8, -0.4)) * Math.exp(0.02 * w + 0.01 * Math.sin(k * id))));
      lines.push(sweepLine(id++, { params: p, "skills.frequencies": f }, t, loss, { params: p, batch: 8, steps: 1000 }));
    }
  }
  return lines.join("\n") + "\n";
}

test("a Resource or Domino sweep (no batch): no default --x N,D; the message says what to pass", () => {
  const lines = [20, 40, 80].map((p, i) => sweepLine(i, { params: p }, [0, 10, 100], [1, 0.5 + 1 / p, 0.2 + 1 / p], { model: "resource", params: p }));
  const file = write("res.jsonl", lines.join("\n") + "\n");
  const r = cli(["fit", file]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^skillsim: .*res\.jsonl: no D = step x batch for a Chinchilla fit: run 0 is a resource run, which has no batch size .* --x step \(loss vs time\) or --x N --final \(final loss vs params\)/);
  assert.equal(r.stderr.trim().split("\n").length, 1);
  const ok = cli(["fit", file, "--x", "N", "--final", "--json", "-q"]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).n, 3);
});

test("a single `run --json` is read as rows (its trace); the default fit is loss vs step", () => {
  const dir = tempDir();
  const out = join(dir, "run.json");
  const run = cli(["run", "--json", "--out", out, "-q"]);
  assert.equal(run.code, 0, run.stderr);
  const r = cli(["fit", out, "--json", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.form, "powerlaw");
  assert.deepEqual(j.x, ["step"]);
  assert.ok(j.n > 100, `${j.n} recorded points`);
  const fin = cli(["fit", out, "--x", "N,D"]);
  assert.equal(fin.code, 2);
  assert.match(fin.stderr, /^skillsim: .*run\.json: no D = step x batch for a Chinchilla fit: the run is a resource run, which has no batch size/);
});

test("duplicate run ids in sweep input: a note names them; both lines are used", () => {
  const text = sweepJsonl();
  const first = text.split("\n")[0];
  const file = write("dup.jsonl", text + first + "\n");
  const r = cli(["fit", file, "--x", "params", "--final", "--where", "skills.frequencies.zipf=1", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /note: .*dup\.jsonl: run id 0 is on lines 1, 9 /);
  assert.equal(JSON.parse(r.stdout).n, 5);
});

test("CSV: semicolon and tab separators are detected (with a note), # comment lines skipped", () => {
  const comma = powerLawCsv(0.5, 30, 0.6);
  const ref = json(["fit", write("c.csv", comma), "--x", "params", "-q"]);
  for (const [name, sep] of [["semicolon", ";"], ["tab", "\t"]]) {
    const text = "# a comment line\n" + comma.replace(/,/g, sep).replace("\n", "\n# another\n");
    const file = write(`s-${name}.csv`, text);
    const r = cli(["fit", file, "--x", "params", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`note: .*read as a ${name}-separated file`));
    assert.deepEqual(JSON.parse(r.stdout).params, ref.params);
  }
  // Line numbers still count the comment lines.
  const bad = cli(["fit", write("b.csv", "# c\nx;loss\n# c\n1;2\n2;oops\n"), "--x", "x"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /b\.csv:5: column "loss": "oops" is not a number/);
});

test("large input: 150,000 rows, text report and JSON, no stack overflow", () => {
  const rows = ["x,loss"];
  for (let i = 1; i <= 150000; i++) rows.push(`${i},${(0.5 + 3 * i ** -0.3) * Math.exp(0.01 * Math.sin(i))}`);
  const file = write("big.csv", rows.join("\n") + "\n");
  const t = cli(["fit", file, "--x", "x", "-q"]);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /n 150000/);
  assert.match(t.stdout, /x \(log scale\)/);
  const j = json(["fit", file, "--x", "x", "-q"]);
  assert.ok(Math.abs(j.params.alpha - 0.3) < 0.01, String(j.params.alpha));
});

test("warnings: on stderr and in the JSON, each with a code; -q keeps them out of stderr only", () => {
  const cases: [string, string[], string][] = [
    ["constant.csv", ["x,loss", "1,2", "2,2", "4,2", "8,2", "16,2"], "constant-y"],
    ["narrow.csv", ["x,loss", "10,3", "12,2.8", "15,2.6", "18,2.5", "20,2.45"], "narrow-range"],
  ];
  for (const [name, lines, code] of cases) {
    const file = write(name, lines.join("\n") + "\n");
    const r = cli(["fit", file, "--x", "x", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(JSON.parse(r.stdout).warnings.some((w: { code: string }) => w.code === code), `${name}: ${r.stdout}`);
    assert.match(r.stderr, /skillsim: warning: /);
    assert.equal(cli(["fit", file, "--x", "x", "--json", "-q"]).stderr, "");
  }
  const pl = write("pl.csv", powerLawCsv(0.5, 30, 0.6));
  const above = json(["fit", pl, "--x", "params", "--fix-E", "1", "-q"]);
  assert.ok(above.warnings.some((w: { code: string }) => w.code === "fixed-E-above-data"));
  const zero = json(["fit", write("z.csv", powerLawCsv(0, 30, 0.6, 12)), "--x", "params", "-q"]);
  assert.ok(zero.warnings.some((w: { code: string }) => w.code === "E-near-zero"), JSON.stringify(zero.warnings));
  const wide = json(["fit", write("w.csv", noisyCsv(8, 0.4, 20, 0.5, 0.08)), "--x", "x", "--bootstrap", "30", "-q"]);
  assert.ok(wide.warnings.some((w: { code: string }) => w.code === "wide-interval"), JSON.stringify(wide.warnings));
});

test("bad input for the new options: exit 2 and one line", () => {
  const pl = write("pl.csv", powerLawCsv(0.5, 30, 0.6));
  const sweep = write("s.jsonl", sweepJsonl());
  const cases: [string[], RegExp][] = [
    [["fit", pl, "--x", "params", "--loss", "l1"], /--loss l1: expected huber, mse, asymmetric/],
    [["fit", pl, "--x", "params", "--loss", "mse", "--delta", "0.1"], /--delta applies to --loss huber/],
    [["fit", pl, "--x", "params", "--penalty", "3"], /--penalty applies to --loss asymmetric/],
    [["fit", pl, "--x", "params", "--loss", "asymmetric", "--penalty", "0.5"], /--penalty 0\.5: expected a number >= 1/],
    [["fit", pl, "--x", "params", "--delta", "-1"], /--delta -1: expected a positive number/],
    [["fit", pl, "--x", "params", "--holdout", "params>=40"], /--holdout params>=40 holds out 6 of 8 rows and leaves 2 to fit; the powerlaw law needs at least 3/],
    [["fit", pl, "--x", "params", "--holdout", "params>1e9"], /--holdout params>1e9 matches none of the 8 rows/],
    [["fit", pl, "--x", "params", "--holdout", "parms>1"], /--holdout parms>1: no column "parms"/],
    [["fit", pl, "--x", "params", "--holdout", "params<<1"], /--holdout "params<<1": bad operator/],
    [["fit", pl, "--x", "params", "--predict", "1e3,1e4"], /--predict 1e3,1e4: "1e3,1e4" has 2 values, but the powerlaw law takes 1 \(params\)/],
    [["fit", CHINCHILLA, "--predict", "1e9"], /--predict 1e9: "1e9" has 1 value, but the chinchilla law takes 2 \(N,D\)/],
    [["fit", pl, "--x", "params", "--predict", "-5"], /--predict -5: expected positive numbers/],
    [["fit", pl, "--x", "params", "--bootstrap", "10", "--bootstrap-by", "run"], /--bootstrap-by run needs sweep JSON Lines/],
    [["fit", sweep, "--x", "params", "--bootstrap", "10", "--bootstrap-by", "cluster"], /--bootstrap-by cluster: expected run or row/],
    [["fit", pl, "--x", "params", "--jobs", "0"], /--jobs 0: expected a whole number of threads >= 1/],
  ];
  for (const [args, re] of cases) {
    const r = cli(args);
    const what = args.slice(1).join(" ");
    assert.equal(r.code, 2, `${what}: exit ${r.code}, stderr ${r.stderr}`);
    assert.match(r.stderr, re, what);
    assert.equal(r.stderr.trim().split("\n").length, 1, `${what}: one line: ${r.stderr}`);
    assert.equal(r.stdout, "", what);
  }
});
