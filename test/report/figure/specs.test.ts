/**
 * The figure specifications: golden files of each figure's Vega-Lite spec and data (a
 * reviewable JSON diff, test/report/golden/*.vl.json; SKILLSIM_UPDATE_GOLDEN=1 rewrites
 * them), every spec compiled by vega-lite and drawn by vega without a warning, the same
 * bytes twice, and the pure helpers (t quantiles, bands, loss axis floor, subtitles).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  describeConfig, fitSpec, kinematicsSpec, lossFloor, relplot, runSpec, specJson, summarise, sweepSpec, taskNames, tQuantile975,
  type VlSpec,
} from "../../../src/report/figure/index.js";
import { renderWarnings, specToSvg } from "../../../src/report/figure/render.js";
import { studySpec } from "../../../src/report/figure/study.js";
import { MSE_SKILL_LOSS } from "../../../src/models/spec.js";
import type { FigureSpec } from "../../../src/study/spec.js";
import type { StudyResult } from "../../../src/study/compute.js";
import { chinchillaData, chinchillaFit, powerData, powerFit, runFixture, sweepFixture } from "../fixtures.js";

// Compiled to dist/test/report/figure/; the golden files stay in the source tree.
const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), "../../../../test/report/golden");

function golden(name: string, spec: VlSpec): void {
  const file = join(GOLDEN, name);
  const text = specJson(spec);
  if (process.env.SKILLSIM_UPDATE_GOLDEN === "1") writeFileSync(file, text);
  assert.ok(existsSync(file), `${file} is missing (SKILLSIM_UPDATE_GOLDEN=1 writes it)`);
  assert.equal(text, readFileSync(file, "utf8"), `${name} differs from its golden file (SKILLSIM_UPDATE_GOLDEN=1 to accept)`);
}

async function drawsCleanly(spec: VlSpec): Promise<string> {
  renderWarnings.length = 0;
  const svg = await specToSvg(spec);
  assert.deepEqual(renderWarnings, [], "vega-lite and vega said nothing");
  assert.match(svg, /^<svg /);
  assert.equal(await specToSvg(spec), svg, "the same SVG bytes twice");
  return svg;
}

const kinematicsFixture = {
  model: "resource", progress: "progress" as const, points: 4, per_step: false, t_mid: [5, 15, 25],
  aggregate: { velocity: [0.2, 0.1, 0.05], decelerating_fraction: 1, accelerating_fraction: 0, mean_velocity: 0.1, peak_velocity: 0.2, peak_velocity_time: 5 },
  skills: [{ index: 1, velocity: [0.05, 0.02, 0.01] }, { index: 2, velocity: [0.01, 0.03, 0.02] }],
} as unknown as Parameters<typeof kinematicsSpec>[0];

test("golden specifications: run, sweep, power-law fit, Chinchilla fit, kinematics", async () => {
  const specs: [string, VlSpec][] = [
    ["run.vl.json", runSpec(runFixture)],
    ["sweep.vl.json", sweepSpec(sweepFixture)],
    ["fit-powerlaw.vl.json", fitSpec(powerFit, powerData, { xLabel: "params N", xSymbol: "N" })],
    ["fit-chinchilla.vl.json", fitSpec(chinchillaFit, chinchillaData)],
    ["kinematics.vl.json", kinematicsSpec(kinematicsFixture)],
  ];
  for (const [name, spec] of specs) {
    golden(name, spec);
    const svg = await drawsCleanly(spec);
    assert.ok(svg.includes((spec.title as { text: string }).text.replace(/&/g, "&amp;")), `${name}: the title is drawn`);
  }
});

/** A study's tables by hand: two configs x two N0 x two seeds; group means with their t intervals; curves of one run. */
const studyFixture: StudyResult = {
  runs: {
    columns: ["config", "id", "seed", "N0", "final_loss", "ratio", "error"],
    rows: [
      ["sgd", 0, 0, 0.01, 0.2, 9.1, null], ["sgd", 1, 1, 0.01, 0.22, 9.3, null], ["sgd", 2, 0, 0.1, 0.1, 8.2, null], ["sgd", 3, 1, 0.1, 0.12, 8.6, null],
      ["sign", 0, 0, 0.01, 0.3, 1.9, null], ["sign", 1, 1, 0.01, 0.33, 1.8, null], ["sign", 2, 0, 0.1, 0.15, 1.7, null], ["sign", 3, 1, 0.1, 0.16, 1.75, null],
    ],
  },
  groups: {
    columns: ["config", "N0", "runs", "ratio_n", "ratio_mean", "ratio_sd", "ratio_lo", "ratio_hi"],
    rows: [
      ["sgd", 0.01, 2, 2, 9.2, 0.1414, 7.929, 10.471], ["sgd", 0.1, 2, 2, 8.4, 0.2828, 5.859, 10.941],
      ["sign", 0.01, 2, 2, 1.85, 0.0707, 1.215, 2.485], ["sign", 0.1, 2, 2, 1.725, 0.0354, 1.407, 2.043],
    ],
  },
  fits: null,
  calibration: null,
  curves: {
    columns: ["config", "id", "seed", "N0", "step", "skill", "task", "level", "loss", "skill_loss", "aligned"],
    rows: [0, 10, 20].flatMap((step) => [1, 2].map((skill) => {
      const level = 1 - Math.pow(0.5, (step / 10) * (3 - skill));
      return ["sgd", 0, 0, 0.01, step, skill, `skill ${skill}`, level, 0.5, MSE_SKILL_LOSS.of(level, skill, {}), null];
    })),
  },
  notes: [],
};
const fig = (f: Partial<FigureSpec>): FigureSpec => ({ name: "f", data: "groups", mark: "line", x: "N0", y: "ratio", logX: false, logY: false, select: {}, where: "s.yaml:1:1", ...f });

test("golden specifications: study figures (groups with their t interval, bars, per-skill curves)", async () => {
  const specs: [string, VlSpec][] = [
    ["study-groups.vl.json", studySpec(studyFixture, fig({ name: "ratio", color: "config", logX: true }))],
    ["study-bars.vl.json", studySpec(studyFixture, fig({ name: "bars", data: "runs", mark: "bar", x: "config", y: "final_loss", select: { N0: [0.1] } }))],
    ["study-curves.vl.json", studySpec(studyFixture, fig({ name: "curves", data: "curves", x: "step", y: "skill_loss", color: "task", logY: true }))],
  ];
  for (const [name, spec] of specs) {
    golden(name, spec);
    await drawsCleanly(spec);
  }
});

test("run spec: skills in index order with their names, onset bars, loss axis within its useful range", () => {
  const spec = runSpec(runFixture);
  const panels = spec.vconcat as VlSpec[];
  assert.equal(panels.length, 3);
  const colour = ((panels[0].encoding as VlSpec).color as VlSpec).scale as { domain: string[] };
  assert.deepEqual(colour.domain, ["skill 1", "skill 2", "skill 3", "skill 4"]);
  const bars = (panels[2].data as { values: VlSpec[] }).values;
  assert.deepEqual(bars.map((b) => [b.task, b.onset, b.end, b.state]), [
    ["skill 1", 10, 20, "onset → learned"], ["skill 2", 30, 40, "onset → learned"], ["skill 3", 50, 70, "onset → learned"], ["skill 4", 80, 100, "not learned by the end"],
  ]);
  // A loss falling to 1e-116 (Fig 17's runs): the axis stops 12 decades under the largest value and says so.
  const deep = { ...runFixture, trace: { ...runFixture.trace, loss: runFixture.trace.loss.map((l, k) => (k === 10 ? 1e-116 : l)) } };
  const d = runSpec(deep);
  const scale = ((((d.vconcat as VlSpec[])[1].encoding as VlSpec).y as VlSpec).scale as { domain: number[] });
  assert.deepEqual(scale.domain, [1e-12, 1]);
  assert.ok((d.title as { subtitle: string[] }).subtitle.some((s) => /loss axis cut at 10⁻¹².*reaches 10⁻¹¹⁶/.test(s)));
});

test("run spec: modular addition's tasks are training and held-out accuracy; squares draws each task's loss; aligned dimensions when recorded", async () => {
  const modular = { ...runFixture, model: "network", config: { model: "network", task: { kind: "modular-addition" } }, skills: runFixture.skills.slice(0, 2), trace: { ...runFixture.trace, level: runFixture.trace.level.slice(0, 2) } };
  assert.deepEqual(taskNames(modular), ["training accuracy", "held-out accuracy"]);
  const m = runSpec(modular);
  assert.match((m.title as { text: string }).text, /^Network model: 2 tasks/);
  const squares = { ...runFixture, model: "network", summary: { task: "squares", initialTaskLoss: [2, 1, 0.5, 0.25] } };
  const s = runSpec(squares);
  const a = (s.vconcat as VlSpec[])[0];
  assert.equal(((a.encoding as VlSpec).y as VlSpec).title, "(a) loss of each task");
  const rows = (a.data as { values: VlSpec[] }).values;
  assert.equal(rows.find((r) => r.task === "skill 1" && r.t === 0)!.value, 2 * (1 - runFixture.trace.level[0][0]));
  const aligned = { ...runFixture, trace: { ...runFixture.trace, extra: { aligned: runFixture.trace.level.map((l) => l.map((v) => Math.round(10 * v))) } } };
  const g = runSpec(aligned);
  assert.equal((g.vconcat as VlSpec[]).length, 4);
  assert.equal(((((g.vconcat as VlSpec[])[3].encoding as VlSpec).y as VlSpec).title), "(d) aligned dimensions");
  await drawsCleanly(g);
  await drawsCleanly(s);
});

test("describeConfig: a rate hides params and lr (it overrides them)", () => {
  assert.deepEqual(describeConfig({ model: "resource", params: 1000, lr: 3e-4, seed: 1 }), ["params = 1000", "lr = 3×10⁻⁴", "seed = 1"]);
  assert.deepEqual(describeConfig({ model: "resource", params: 1000, lr: 3e-4, rate: 0.5, seed: 1 }), ["rate = 0.5", "seed = 1"]);
  assert.deepEqual(describeConfig({ model: "domino", params: 1000, lr: 3e-4, rate: 0.5, seed: 1 }), ["rate = 0.5", "seed = 1"]);
});

test("--xlim: the run spec keeps only the points inside and fixes the x domain", () => {
  const spec = runSpec(runFixture, { xlim: [20, 60] });
  const a = (spec.vconcat as VlSpec[])[0];
  const ts = (a.data as { values: VlSpec[] }).values.map((r) => r.t as number);
  assert.ok(ts.length > 0 && ts.every((t) => t >= 20 && t <= 60));
  assert.deepEqual((((a.encoding as VlSpec).x as VlSpec).scale as VlSpec).domain, [20, 60]);
});

test("t quantiles and bands: the 95% t interval of the mean, sd, min-max", () => {
  // SciPy 1.11 scipy.stats.t.ppf(0.975, df): the quantile unrounded (the one table --summary and study use).
  assert.ok(Math.abs(tQuantile975(1) - 12.706204736174705) < 1e-9);
  assert.ok(Math.abs(tQuantile975(10) - 2.2281388519649385) < 1e-9);
  assert.ok(Math.abs(tQuantile975(1000) - 1.9623390808264078) < 1e-9);
  const s = summarise([1, 2, 3], "ci95");
  assert.equal(s.mean, 2);
  assert.equal(s.sd, 1);
  assert.ok(Math.abs(s.hi - (2 + 4.302652729911275 / Math.sqrt(3))) < 1e-9);
  assert.deepEqual([summarise([1, 2, 3], "minmax").lo, summarise([1, 2, 3], "minmax").hi], [1, 3]);
  assert.deepEqual([summarise([1, 2, 3], "sd").lo, summarise([1, 2, 3], "sd").hi], [1, 3]);
  assert.deepEqual(summarise([5], "ci95"), { mean: 5, sd: 0, n: 1, lo: 5, hi: 5 });
});

test("lossFloor: the smallest value unless it lies more than 12 decades under the largest", () => {
  assert.deepEqual(lossFloor([1, 0.1, 0.01]), { lo: 0.01, hi: 1, cut: false });
  assert.deepEqual(lossFloor([2, 1e-116, 0]), { lo: 2e-12, hi: 2, cut: true });
  assert.equal(lossFloor([0, -1]), null);
});

test("relplot: facets, colours and bands from tidy rows, numbers in the data", async () => {
  const rows = [];
  for (const opt of ["adam", "sign"]) for (const p of [0.5, 0.7, 0.9]) for (const seed of [0, 1, 2]) rows.push({ optimizer: opt, p1: p, seed, family: seed % 2 ? "odd" : "even", ratio: 1 + p + seed / 10 + (opt === "sign" ? 1 : 0) });
  const spec = relplot(rows, { x: "p1", y: "ratio", colour: "optimizer", facet: "family" });
  // Panels in the order the rows first show them (seed 0 is "even"), not alphabetical.
  assert.deepEqual(spec.facet, { field: "family", title: "family", type: "nominal", sort: ["even", "odd"] });
  const means = (spec.data as { values: VlSpec[] }).values.filter((r) => r.layer === "mean");
  assert.equal(means.length, 2 * 3 * 2);
  const m = means.find((r) => r.optimizer === "adam" && r.p1 === 0.5 && r.family === "even")!;
  assert.equal(m.n, 2);
  assert.ok(Math.abs((m.mean as number) - 1.6) < 1e-12);
  await drawsCleanly(spec);
  assert.throws(() => relplot([{ x: 1, y: "no" }], { x: "x", y: "y" }), /no row with a drawable y/);
});
