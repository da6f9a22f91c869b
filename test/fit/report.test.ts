import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_LOSS, computeOptimal, fitPowerLaw, type ChinchillaParams, type FitResult } from "../../src/fit/index.js";
import { byJson, fitJson, fmtNum, renderByText, renderFitText } from "../../src/report/fit.js";
import { asciiScatter } from "../../src/report/ascii-scatter.js";
import type { FitOutcome } from "../../src/fit/outcome.js";

const X = [10, 20, 40, 80, 160, 320];
const Y = X.map((x) => 0.5 + 30 * Math.pow(x, -0.6));

function powerOutcome(): FitOutcome {
  const fit = fitPowerLaw(X, Y);
  return { fit, x: ["params"], y: "loss", xs: [Float64Array.from(X)], ys: Float64Array.from(Y), bootstrap: null, allocation: null };
}

function chinchillaOutcome(): FitOutcome {
  const params: ChinchillaParams = { E: 1.8, A: 480, B: 2100, alpha: 0.35, beta: 0.37 };
  const N = [1e8, 1e8, 1e9, 1e9, 1e10, 1e10];
  const D = [1e9, 1e10, 1e9, 1e10, 1e10, 1e11];
  const L = N.map((n, i) => params.E + params.A * n ** -params.alpha + params.B * D[i] ** -params.beta);
  const fit: FitResult<ChinchillaParams> = {
    form: "chinchilla", n: 6, params, loss: DEFAULT_LOSS, objective: 1e-30, rmse_log: 1e-16, starts: 4500, evaluations: 1, theta: new Float64Array(5),
    intervals: { E: [1.7, 1.9], A: [400, 560], B: [1800, 2400], alpha: [0.33, 0.37], beta: [0.35, 0.39] },
  };
  return {
    fit, x: ["N", "D"], y: "loss", xs: [Float64Array.from(N), Float64Array.from(D)], ys: Float64Array.from(L),
    bootstrap: { K: 100, seed: 0, level: 0.95, by: "row" },
    allocation: { ...computeOptimal(params, [1e21, 1e24]), flopsPerParamToken: 6 },
  };
}

test("fitJson: the documented shape, parameters in order, full-precision numbers", () => {
  const p = fitJson(powerOutcome());
  assert.deepEqual(Object.keys(p), [
    "form", "x", "y", "n", "params", "fixed", "loss", "objective", "rmse_log", "intervals", "bootstrap", "holdout", "predictions", "warnings", "allocation",
  ]);
  assert.deepEqual(p.loss, { name: "huber", delta: 0.001, description: "sum of Huber(0.001) of log residuals" });
  assert.deepEqual(p.warnings, []);
  assert.equal(p.holdout, null);
  assert.equal(p.predictions, null);
  assert.equal(p.fixed, null);
  assert.equal(p.form, "powerlaw");
  assert.deepEqual(Object.keys(p.params as object), ["E", "A", "alpha"]);
  assert.equal(p.intervals, null);
  assert.equal(p.allocation, null);
  const c = JSON.parse(JSON.stringify(fitJson(chinchillaOutcome())));
  assert.deepEqual(Object.keys(c.params), ["E", "A", "B", "alpha", "beta"]);
  assert.deepEqual(c.intervals.alpha, [0.33, 0.37]);
  assert.deepEqual(c.bootstrap, { K: 100, seed: 0, level: 0.95, by: "row" });
  assert.deepEqual(Object.keys(c.allocation), ["flops_per_param_token", "a", "b", "G", "rows"]);
  assert.deepEqual(Object.keys(c.allocation.rows[0]), ["C", "N_opt", "D_opt", "loss"]);
  assert.equal(c.allocation.a, 0.37 / 0.72); // full precision survives JSON
  const by = byJson("zipf", [{ value: 1.5, ...powerOutcome() }]) as { by: string; groups: Record<string, unknown>[] };
  assert.equal(by.by, "zipf");
  assert.deepEqual(Object.keys(by.groups[0]).slice(0, 2), ["value", "form"]);
  assert.equal(by.groups[0].value, 1.5);
});

test("fmtNum: significant digits, exponent form outside [1e-3, 1e6)", () => {
  assert.equal(fmtNum(1.8172182494873088), "1.81722");
  assert.equal(fmtNum(477.826053860494), "477.826");
  assert.equal(fmtNum(2791738373.4, 4), "2.792e9");
  assert.equal(fmtNum(0.0001234, 3), "1.23e-4");
  assert.equal(fmtNum(0), "0");
  assert.equal(fmtNum(12593.7, 4), "12590");
});

test("asciiScatter: log-log grid, points where they belong, axis labels and legend", () => {
  const s = asciiScatter(
    [{ label: "data", x: [1, 10, 100], y: [1, 10, 100], curve: [[1, 1], [100, 100]] }],
    { width: 41, height: 11, xLabel: "x", yLabel: "y", color: false },
  );
  const lines = s.split("\n");
  assert.equal(lines[0], "y (log scale)");
  const grid = lines.slice(1, 12);
  const colOf = (line: string) => line.indexOf("o") - line.indexOf(line.includes("┤") ? "┤" : "│") - 1;
  assert.equal(colOf(grid[0]), 40); // (100, 100): top right
  assert.equal(colOf(grid[5]), 20); // (10, 10): middle
  assert.equal(colOf(grid[10]), 0); // (1, 1): bottom left
  assert.match(grid[0], /^100 ┤/);
  assert.match(lines[12], /└┬/);
  assert.match(lines[13], /1 .*10 .*100/);
  assert.match(s, /x \(log scale\)/);
  assert.match(s, /o data {3}· fitted law/);
  assert.ok(lines.every((l) => l.length <= 4 + 2 + 41 + 4), "fits the width");
  assert.equal(asciiScatter([{ label: "none", x: [], y: [] }], { width: 40, height: 10, xLabel: "x", yLabel: "y", color: false }), "");
});

test("renderFitText: parameter table, intervals, objective, n, plot and allocation", () => {
  const t = renderFitText(chinchillaOutcome(), { file: "c.csv", rows: 8, where: ["loss<3"] }, { color: false, width: 100 });
  assert.match(t, /^Chinchilla fit of loss on N, D: loss = E \+ A\/N\^alpha \+ B\/D\^beta\n/);
  assert.match(t, /data: c\.csv, 6 of 8 rows \(--where loss<3\)/);
  assert.match(t, /parameter\s+value\s+95% interval/);
  assert.match(t, /\n\s+alpha\s+0\.350000\s+\[0\.3300, 0\.3700\]\n/);
  assert.match(t, /n 6/);
  assert.match(t, /intervals: 95% percentile bootstrap, 100 resamples/);
  assert.match(t, /loss vs N, data grouped by D/);
  assert.match(t, /compute-optimal allocation, C = 6 N D: N_opt = G \(C\/6\)\^a, D_opt = \(C\/6\)\^b \/ G with a = 0\.5139, b = 0\.4861, G = /);
  assert.doesNotMatch(t, /\x1b\[/, "no colour when not asked");
  const p = renderFitText(powerOutcome(), { file: "p.csv", rows: 6, where: [] }, { color: false, width: 100 });
  assert.match(p, /^power-law fit of loss on params: loss = E \+ A\/params\^alpha\n/);
  assert.match(p, /data: p\.csv, 6 rows\n/);
  assert.doesNotMatch(p, /interval/);
  assert.match(p, /\n\s+alpha\s+0\.600000\n/);
});

test("renderByText: one table row per group", () => {
  const a = { value: 1, ...powerOutcome() };
  const b = { value: 2, ...powerOutcome() };
  const t = renderByText("skills.frequencies.zipf", [a, b], { file: "s.jsonl", rows: 12, where: [] }, { color: false, width: 100 });
  const lines = t.split("\n");
  const head = lines.findIndex((l) => /skills\.frequencies\.zipf\s+n\s+E\s+A\s+alpha\s+rmse\(log\)\s+objective/.test(l));
  assert.ok(head > 0, t);
  assert.match(lines[head + 1], /^\s+1\s+6\s+0\.50000\s+30\.000\s+0\.60000/);
  assert.match(lines[head + 2], /^\s+2\s+6\s/);
  assert.match(t, /o skills\.frequencies\.zipf=1 {3}x skills\.frequencies\.zipf=2/);
});
