/** Study aggregation and checks against hand-computed numbers. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseStudy } from "../../src/study/spec.js";
import { computeStudy, findRows, toCsv, type StudyRun } from "../../src/study/compute.js";
import { verdictText, verdicts, within } from "../../src/study/paper.js";
import { studySpec, GROUP_INTERVAL } from "../../src/report/figure/study.js";
import { fieldRef } from "../../src/report/figure/relplot.js";
import type { SweepRun } from "../../src/analysis/sweep-table.js";

const CONFIG = `model: resource
skills: {count: 3, frequencies: {zipf: 1}}
steps: 100
sweep:
  N0: [0.01, 0.1]
  seed: [0, 1, 2]
study:
  derive:
    ratio: skills[2].learned / skills[1].learned
    late: ratio * 2
  figures:
    - {name: r, data: groups, x: N0, y: ratio, log: [x]}
`;

function study(text = CONFIG) {
  return parseStudy(text, "s.yaml", () => { throw new Error("no file reads expected"); });
}

/** Runs with hand-set learned times: group N0 = 0.01 has ratios 1, 2, 4; N0 = 0.1 has 3, (never), 5. */
function runsOf(s: ReturnType<typeof study>): StudyRun[] {
  const learned2 = [10, 20, 40, 30, null, 50];
  return Array.from({ length: 6 }, (_, id) => {
    const cfg = s.sources[0].plan.run(id).cfg;
    const run: SweepRun = {
      line: id + 1, id, overrides: s.sources[0].plan.overridesOf(id), finalLoss: 0.5 + id, error: null, warnings: null, summary: null, ratios: new Map(), gaps: [], timelineOn: "progress", taskNames: null,
      skills: [1, 2, 3].map((index) => ({ index, frequency: 1 / index, onset: null, half: null, learned: index === 1 ? 10 : index === 2 ? learned2[id] : null, final: 1, withheld: null })),
    };
    return { label: "s", run, cfg };
  });
}

test("groups: n, mean, sample sd and the 95% t interval of the mean", () => {
  const s = study();
  assert.deepEqual(s.group, ["N0"]);
  const r = computeStudy(s, runsOf(s));
  const col = (name: string) => r.groups.columns.indexOf(name);
  const g1 = findRows(r.groups, { N0: 0.01 })[0];
  // ratios 1, 2, 4: mean 7/3, sd sqrt(7/3) (hand-computed: squared deviations 16/9, 1/9, 25/9 over 2).
  assert.equal(g1[col("ratio_n")], 3);
  assert.ok(Math.abs((g1[col("ratio_mean")] as number) - 7 / 3) < 1e-15);
  assert.ok(Math.abs((g1[col("ratio_sd")] as number) - Math.sqrt(7 / 3)) < 1e-15);
  // Half width t(0.975, 2) sd / sqrt(3); scipy.stats.t.ppf(0.975, 2) = 4.302652729911275 (SciPy
  // 1.11). skillsim's table holds t to 3 decimals (4.303), so the bounds agree to 1e-4 relative.
  const half = (4.302652729911275 * Math.sqrt(7 / 3)) / Math.sqrt(3);
  assert.ok(Math.abs((g1[col("ratio_lo")] as number) - (7 / 3 - half)) / half < 1e-4);
  assert.ok(Math.abs((g1[col("ratio_hi")] as number) - (7 / 3 + half)) / half < 1e-4);
  // A quantity defined from another: late = 2 ratio.
  assert.ok(Math.abs((g1[col("late_mean")] as number) - 14 / 3) < 1e-14);
  // Group 2: one run never learned skill 2, so n = 2 (ratios 3 and 5): mean 4, sd sqrt(2),
  // half width t(0.975, 1) sqrt(2) / sqrt(2) = 12.706204736174705 (SciPy).
  const g2 = findRows(r.groups, { N0: 0.1 })[0];
  assert.equal(g2[col("runs")], 3);
  assert.equal(g2[col("ratio_n")], 2);
  assert.equal(g2[col("ratio_mean")], 4);
  assert.ok(Math.abs((g2[col("ratio_hi")] as number) - (4 + 12.706204736174705)) / 12.7 < 1e-4);
  // final_loss is always there: 3.5, 4.5, 5.5 -> mean 4.5, sd 1.
  assert.equal(g2[col("final_loss_mean")], 4.5);
  assert.equal(g2[col("final_loss_sd")], 1);
  // The per-run table: seed once, the missing ratio empty in CSV.
  assert.deepEqual(r.runs.columns, ["config", "id", "seed", "N0", "final_loss", "ratio", "late", "error"]);
  assert.match(toCsv(r.runs).split("\n")[5], /^s,4,1,0\.1,4\.5,,,$/);
});

test("figures go through relplot: group means with the group table's own 95% t interval, runs as dots", () => {
  const s = study();
  const r = computeStudy(s, runsOf(s));
  const spec = studySpec(r, s.figures[0]) as any;
  assert.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v6.json");
  const means = spec.data.values.filter((v: any) => v.layer === "mean");
  const runs = spec.data.values.filter((v: any) => v.layer === "run");
  assert.equal(means.length, 2);
  // The interval is the group table's (compute.ts), not recomputed: ratios 1, 2, 4 -> 7/3 ± t(0.975, 2) sd/sqrt(3).
  const g1 = findRows(r.groups, { N0: 0.01 })[0];
  const col = (name: string) => r.groups.columns.indexOf(name);
  assert.equal(means[0].mean, g1[col("ratio_mean")]);
  assert.equal(means[0].lo, g1[col("ratio_lo")]);
  assert.equal(means[0].hi, g1[col("ratio_hi")]);
  assert.equal(means[0].n, 3);
  // Five runs have a ratio (one never learned skill 2): each a dot.
  assert.equal(runs.length, 5);
  const layers = spec.layer;
  assert.equal(layers[0].mark.type, "area");
  assert.equal(layers[0].encoding.x.scale.type, "log");
  assert.equal(layers[0].encoding.y2.field, "hi");
  assert.ok(spec.title.subtitle.some((l: string) => l.includes(GROUP_INTERVAL)), "the subtitle states the interval");
  assert.equal(fieldRef("skills.frequencies.zipf"), "skills\\.frequencies\\.zipf");
});

test("study figures: runs data draws the mean over seeds with its t interval; point and bar marks draw error bars", () => {
  const s = study(CONFIG.replace("{name: r, data: groups, x: N0, y: ratio, log: [x]}", "{name: r, data: runs, x: N0, y: ratio, mark: point}\n    - {name: b, data: groups, x: N0, y: final_loss, mark: bar}"));
  const r = computeStudy(s, runsOf(s));
  const spec = studySpec(r, s.figures[0]) as any;
  const m = spec.data.values.find((v: any) => v.layer === "mean" && v.N0 === 0.01);
  // ratios 1, 2, 4: mean 7/3; half width t(0.975, 2) sd / sqrt(3), t = 4.302652729911275 (SciPy).
  const half = (4.302652729911275 * Math.sqrt(7 / 3)) / Math.sqrt(3);
  assert.ok(Math.abs(m.mean - 7 / 3) < 1e-14);
  assert.ok(Math.abs(m.hi - (7 / 3 + half)) < 1e-9);
  assert.deepEqual(spec.layer.map((l: any) => l.mark.type), ["point", "rule", "point"]);
  const bar = studySpec(r, s.figures[1]) as any;
  assert.deepEqual(bar.layer.map((l: any) => l.mark.type), ["bar", "rule", "point"]);
  assert.ok(bar.title.subtitle.some((l: string) => /bars: mean over the group's seeds; error bars: 95% t interval/.test(l)));
});

test("bad studies: one message naming file:line:col and the key", () => {
  const cases: [string, RegExp][] = [
    [CONFIG.replace("skills[2].learned / skills[1].learned", "skills[2].lerned / skills[1].learned"), /^s\.yaml:9:5: study\.derive\.ratio: skills\[2\]\.lerned: unknown field; a skill has .*did you mean "learned"/],
    [CONFIG.replace("skills[2].learned / skills[1].learned", "skills[4].learned"), /s\.yaml:9:5: study\.derive\.ratio: skills\[4\]\.learned: unknown field: the runs have 3 skills/],
    [CONFIG.replace("skills[2].learned / skills[1].learned", "parms * 2"), /study\.derive\.ratio: parms: unknown field.*did you mean "params"/],
    [CONFIG.replace("skills[2].learned / skills[1].learned", "(1 + "), /s\.yaml:9:5: study\.derive\.ratio: the expression ends too early/],
    [CONFIG.replace("ratio * 2", "later * 2"), /study\.derive\.late: later: unknown field/],
    [CONFIG.replace("y: ratio", "y: ratoi"), /s\.yaml:12:38: study\.figures\.0\.y: "ratoi" is not a column of the groups table.*did you mean "ratio"/],
    [CONFIG.replace("  derive:", "  derived:"), /s\.yaml:8:3: study\.derived: unknown key.*did you mean "derive"/],
  ];
  for (const [text, re] of cases) {
    assert.throws(() => study(text), (e: any) => e.name === "ConfigError" && re.test(e.format()), re.source);
  }
});

test("paper checks: tolerance and verdicts", () => {
  assert.ok(within(1.9, 1.893, { rel: 0.05 }));
  assert.ok(!within(2.1, 1.893, { rel: 0.05 }));
  assert.ok(within(573, 573, { abs: 0 }));
  assert.ok(!within(574, 573, { abs: 0 }));
  const text = `study:\n  configs: [c.yaml]\n  derive: {ratio: "skills[2].learned / skills[1].learned"}\npaper:\n  figure: "x"\n  checks:\n    - {quantity: r, row: {N0: 0.01}, column: ratio, value: 2.3, source: "hand", provenance: text, tolerance: {rel: 0.05}}\n    - {quantity: r, row: {N0: 0.1}, column: ratio, value: 3, source: "hand", provenance: text, tolerance: {abs: 0.5}}\n`;
  // The same number declared reduced (the reduction changes it): not comparable, whatever its value;
  // a row that names no single row of the table: not comparable, saying which check.
  const more = `    - {quantity: r, row: {N0: 0.1}, column: ratio, value: 3, source: "hand", provenance: text, tolerance: {abs: 0.5}, reduced: "10 steps, not 100 | the full size gives 3.1"}
    - {quantity: r, row: {N0: 0.5}, column: ratio, value: 3, source: "hand", provenance: text, tolerance: {abs: 0.5}}
    - {quantity: r, row: {}, column: ratio, value: 3, source: "hand", provenance: text, tolerance: {abs: 0.5}}\n`;
  const s = parseStudy(text + more, "dir/p.yaml", (p) => {
    assert.equal(p, "dir/c.yaml");
    return CONFIG.replace(/study:[\s\S]*$/, "");
  });
  const v = verdicts(s, computeStudy(s, runsOf(s).map((r) => ({ ...r, label: "c" }))));
  assert.deepEqual(v.map((x) => [x.value, x.n, x.verdict]), [[7 / 3, 3, "ok"], [4, 2, "differs"], [4, 2, "not comparable"], [null, 0, "not comparable"], [null, 0, "not comparable"]]);
  assert.deepEqual(v.map((x) => verdictText(x, "text")), [
    "ok", "DIFFERS", "not comparable: reduced: 10 steps, not 100 | the full size gives 3.1",
    "not comparable: 0 rows of the groups table match {\"N0\":0.5}: the check names no single row (dir/p.yaml:10:7)",
    "not comparable: 2 rows of the groups table match {}: the check names no single row (dir/p.yaml:11:7)",
  ]);
  // One function words the cell; Markdown bolds a difference and escapes a "|".
  assert.deepEqual(v.slice(1, 3).map((x) => verdictText(x, "markdown")), ["**differs**", "not comparable: reduced: 10 steps, not 100 \\| the full size gives 3.1"]);
  assert.equal(verdictText({ verdict: "differs", why: "no value (no run reached it)" }, "text"), "DIFFERS (no value (no run reached it))");
  assert.equal(verdictText({ verdict: "drawn", why: null }, "markdown"), "drawn, no reference");
  // reduced: a sentence; a misspelt key is refused.
  const bad = (extra: string) => () => parseStudy(text + `    - {quantity: r, row: {N0: 0.1}, column: ratio, value: 3, source: "hand", provenance: text, tolerance: {abs: 0.5}, ${extra}}\n`, "dir/p.yaml", () => CONFIG.replace(/study:[\s\S]*$/, ""));
  assert.throws(bad(`reduced: ""`), (e: any) => /paper\.checks\.2\.reduced: reduced: a sentence saying why/.test(e.format()));
  assert.throws(bad(`reduce: "x"`), (e: any) => /paper\.checks\.2\.reduce: unknown key; a check has .*reduced.*did you mean "reduced"/.test(e.format()));
});

test("paper.drawn: figures no check covers are listed beside the checks as drawn, no reference; a name that is no figure is refused", () => {
  const base = `study:\n  configs: [c.yaml]\n  derive: {ratio: "skills[2].learned / skills[1].learned"}\n  figures:\n    - {name: r, data: groups, x: N0, y: ratio}\n    - {name: f, data: groups, x: N0, y: final_loss, title: "loss"}\npaper:\n  figure: "x"\n  checks:\n    - {quantity: r, row: {N0: 0.01}, column: ratio, value: 2.3, source: "hand", provenance: text, tolerance: {rel: 0.05}}\n`;
  const read = () => CONFIG.replace(/study:[\s\S]*$/, "");
  const s = parseStudy(base + "  drawn: [f]\n", "dir/p.yaml", read);
  assert.deepEqual(s.paper!.drawn, ["f"]);
  const result = computeStudy(s, runsOf(s).map((r) => ({ ...r, label: "c" })));
  const v = verdicts(s, result, ["r", "f"]);
  assert.deepEqual(v.map((x) => [x.quantity, x.verdict, x.reference]), [["r", "ok", 2.3], ["figure f: loss", "drawn", null]]);
  // A figure that was not drawn (nothing to draw) gets no row; without drawn: only the checks.
  assert.equal(verdicts(s, result, ["r"]).length, 1);
  assert.equal(verdicts(parseStudy(base, "dir/p.yaml", read), result, ["r", "f"]).length, 1);
  const line = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as { format(): string }).format();
    }
    return "no error";
  };
  assert.match(line(() => parseStudy(base + "  drawn: [g]\n", "dir/p.yaml", read)), /^dir\/p\.yaml:11:11: paper\.drawn\.0: "g" is not a figure of this study \(r, f\)/);
  assert.match(line(() => parseStudy(base + "  drawm: [f]\n", "dir/p.yaml", read)), /^dir\/p\.yaml:11:3: paper\.drawm: unknown key; paper has figure, title, slow, checks, drawn; did you mean "drawn"\?/);
});

test("fit_lines: the fitted power law drawn over the points, one line per fit group over its x range; x, y and groups must be the fit's", () => {
  const text = CONFIG.replace("  figures:\n    - {name: r, data: groups, x: N0, y: ratio, log: [x]}\n",
    "  fit: {x: N0, y: final.loss, bootstrap: 0}\n  figures:\n    - {name: l, data: groups, mark: point, fit_lines: true, x: N0, y: final_loss, log: [x, y]}\n");
  const s = study(text);
  assert.equal(s.figures[0].fitLines, true);
  const result = computeStudy(s, runsOf(s));
  const [A, alpha, E] = ["A", "alpha", "E"].map((c) => result.fits!.rows[0][result.fits!.columns.indexOf(c)] as number);
  const spec = studySpec(result, s.figures[0]) as any;
  const lines = spec.data.values.filter((v: { layer: string }) => v.layer === "fit");
  assert.equal(lines.length, 41);
  assert.equal(lines[0].N0, 0.01);
  assert.ok(Math.abs(lines[40].N0 - 0.1) < 1e-15);
  for (const l of lines) assert.ok(Math.abs(l.fit - (E + A * l.N0 ** -alpha)) <= 1e-12 * l.fit);
  assert.ok(spec.layer.some((l: { transform?: { filter: string }[]; mark: { type: string } }) => l.transform?.[0].filter === "datum.layer === 'fit'" && l.mark.type === "line"));
  assert.ok(spec.title.subtitle.some((t: string) => /^lines: the fitted power law final_loss = E \+ A N0\^-alpha/.test(t)));
  // Without fit_lines: no line rows (the figure as before).
  const plain = study(text.replace("fit_lines: true, ", ""));
  assert.equal((studySpec(computeStudy(plain, runsOf(plain)), plain.figures[0]) as any).data.values.filter((v: { layer: string }) => v.layer === "fit").length, 0);
  assert.throws(() => study(text.replace("y: final_loss, log", "y: ratio, log")), /fit_lines: the figure's x and y must be the fit's \(x: N0, y: the quantity final\.loss\), got x: N0, y: ratio/);
  assert.throws(() => study(text.replace("log: [x, y]}", "log: [x, y], color: runs}")), /fit_lines: the figure's color and column must be the fit's by \(none\), got runs/);
  assert.throws(() => study(text.replace("  fit: {x: N0, y: final.loss, bootstrap: 0}\n", "")), /fit_lines needs the study's fit: block/);
});

/** Runs of a study's first source with hand-set final losses (one per run, in id order), labelled `label`. */
function lossRuns(s: ReturnType<typeof study>, losses: number[], label = "s", source = 0): StudyRun[] {
  return losses.map((finalLoss, id) => {
    const cfg = s.sources[source].plan.run(id).cfg;
    const run: SweepRun = {
      line: id + 1, id, overrides: s.sources[source].plan.overridesOf(id), finalLoss, error: null, warnings: null, summary: null, ratios: new Map(), gaps: [], timelineOn: "progress", taskNames: null,
      skills: [1, 2].map((index) => ({ index, frequency: 1 / index, onset: null, half: null, learned: null, final: 1, withheld: null })),
    };
    return { label, run, cfg };
  });
}

const LAW = `model: resource
skills: {count: 2, frequencies: {zipf: 1}}
steps: 10
sweep:
  N0: [0.01, 0.1, 1]
study:
  fit: {x: N0, y: final.loss, fix_E: 0, bootstrap: 0, range: [0.005, 0.2]}
  figures:
    - {name: l, data: groups, mark: point, fit_lines: true, x: N0, y: final_loss, log: [x, y]}
`;

test("fit.range: only the runs with x in [lo, hi] are fitted (no note for the others), and the fitted line is drawn over that window only", () => {
  const s = study(LAW);
  assert.deepEqual(s.fit!.range, [0.005, 0.2]);
  // 2 N0^-0.5 at N0 = 0.01 and 0.1; N0 = 1 far off the law (outside the window).
  const r = computeStudy(s, lossRuns(s, [2 * 0.01 ** -0.5, 2 * 0.1 ** -0.5, 100]));
  const at = (c: string) => r.fits!.rows[0][r.fits!.columns.indexOf(c)] as number;
  assert.equal(at("n"), 2);
  assert.ok(Math.abs(at("alpha") - 0.5) < 1e-6, String(at("alpha")));
  assert.ok(Math.abs(at("A") - 2) < 1e-5, String(at("A")));
  assert.deepEqual(r.notes, []);
  const lines = (studySpec(r, s.figures[0]) as any).data.values.filter((v: { layer: string }) => v.layer === "fit");
  assert.equal(lines[0].N0, 0.01);
  assert.ok(Math.abs(lines.at(-1).N0 - 0.1) < 1e-15, "the line stops at the window's last point, not at N0 = 1");
  // Without the window the off-law point is fitted too.
  const all = study(LAW.replace(", range: [0.005, 0.2]", ""));
  const ra = computeStudy(all, lossRuns(all, [2 * 0.01 ** -0.5, 2 * 0.1 ** -0.5, 100]));
  assert.equal(ra.fits!.rows[0][ra.fits!.columns.indexOf("n")], 3);
  assert.throws(() => study(LAW.replace("[0.005, 0.2]", "[0.2, 0.005]")), (e: any) => /s\.yaml:7:55: study\.fit\.range: range: \[lo, hi\], two numbers with lo < hi/.test(e.format()));
});

test("fit.range with few distinct x and a bootstrap: an unfittable resample leaves the interval empty with a note, the fit stands", () => {
  // Two points in the window: half the resamples draw one x twice, which no power law fits.
  const s = study(LAW.replace("bootstrap: 0", "bootstrap: 20"));
  const r = computeStudy(s, lossRuns(s, [2 * 0.01 ** -0.5, 2 * 0.1 ** -0.5, 100]));
  const at = (c: string) => r.fits!.rows[0][r.fits!.columns.indexOf(c)];
  assert.ok(Math.abs((at("alpha") as number) - 0.5) < 1e-6, String(at("alpha")));
  assert.equal(at("alpha_lo"), null);
  assert.equal(at("alpha_hi"), null);
  assert.equal(r.notes.length, 1);
  assert.match(r.notes[0], /^fit .*no bootstrap interval for alpha, a resample could not be fitted \(power-law fit: all x values are equal/);
});

const PAIRS = `study:
  configs: {a: c.yaml, b: c.yaml}
  compare: {key: config, num: a, den: b, of: [final_loss]}
  figures:
    - {name: s, data: compare, x: N0, y: final_loss_ratio, log: [x]}
paper:
  figure: "x"
  checks:
    - {quantity: speedup, table: compare, row: {N0: 0.01}, column: final_loss_ratio, value: 2, source: "hand", provenance: figure, tolerance: {rel: 0.01}}
`;
const PAIRED = `model: resource
skills: {count: 2, frequencies: {zipf: 1}}
steps: 10
sweep:
  N0: [0.01, 0.1]
  seed: [0, 1, 2]
`;

test("compare: each num run over its den partner (same other keys and seed), aggregated over the pairs; a check reads it", () => {
  const s = parseStudy(PAIRS, "dir/p.yaml", () => PAIRED);
  assert.deepEqual(s.compare && { key: s.compare.key, num: s.compare.num, den: s.compare.den, of: s.compare.of }, { key: "config", num: "a", den: "b", of: ["final_loss"] });
  // Ids 0-2: N0 0.01, seeds 0-2; ids 3-5: N0 0.1. a / b = 1, 2, 3 at N0 0.01 and 4, 4, 4 at 0.1.
  const runs = [...lossRuns(s, [1, 2, 3, 4, 8, 12], "a", 0), ...lossRuns(s, [1, 1, 1, 1, 2, 3], "b", 1)];
  const r = computeStudy(s, runs);
  assert.deepEqual(r.compare!.columns, ["N0", "pairs", "final_loss_ratio_n", "final_loss_ratio_mean", "final_loss_ratio_sd", "final_loss_ratio_lo", "final_loss_ratio_hi"]);
  assert.deepEqual(r.compare!.rows.map((row) => row.slice(0, 5)), [[0.01, 3, 3, 2, 1], [0.1, 3, 3, 4, 0]]);
  const v = verdicts(s, r);
  assert.deepEqual(v.map((x) => [x.value, x.sd, x.n, x.verdict, x.provenance]), [[2, 1, 3, "ok", "figure"]]);
  const spec = studySpec(r, s.figures[0]) as any;
  assert.ok(spec.data.values.some((d: { mean?: number }) => d.mean === 4));
  assert.equal(spec.data.values.filter((d: { layer: string }) => d.layer === "reference").length, 0, "no checks given: no reference points");
  // Given the study's checks, the paper's value is drawn where its row puts it, and the subtitle says so.
  const withRefs = studySpec(r, s.figures[0], { checks: s.paper!.checks }) as any;
  assert.deepEqual(withRefs.data.values.filter((d: { layer: string }) => d.layer === "reference"), [{ layer: "reference", N0: 0.01, ref: 2, source: "figure: hand" }]);
  assert.ok(withRefs.layer.some((l: { mark: { shape?: string } }) => l.mark.shape === "diamond"));
  assert.ok(withRefs.title.subtitle.some((t: string) => /^open diamonds: the paper's values \(read from: figure;/.test(t)));
  // A num run without a partner is left out with a note.
  const r2 = computeStudy(s, runs.filter((x) => !(x.label === "b" && x.run.id === 5)));
  assert.deepEqual(r2.compare!.rows.map((row) => row.slice(0, 3)), [[0.01, 3, 3], [0.1, 2, 2]]);
  assert.match(r2.notes.join("\n"), /compare: 1 config = a run without a config = b run of the same keys and seed left out/);
  // A side no run has (a value the key never takes): an empty table, with a note naming it.
  const s3 = parseStudy(PAIRS.replace("key: config, num: a, den: b", "key: N0, num: 0.5, den: 0.01").replace("row: {N0: 0.01}", "row: {config: a}").replace("x: N0,", "x: config,"), "dir/p.yaml", () => PAIRED);
  const r3 = computeStudy(s3, runs);
  assert.deepEqual(r3.compare!.rows, []);
  assert.match(r3.notes.join("\n"), /compare: no run has N0 = 0\.5; the compare table is empty/);
  const line = (text: string) => {
    try {
      parseStudy(text, "dir/p.yaml", () => PAIRED);
    } catch (e) {
      return (e as { format(): string }).format();
    }
    return "no error";
  };
  assert.match(line(PAIRS.replace("den: b", "den: c")), /^dir\/p\.yaml:3:34: study\.compare\.den: den: "c" is not a config of this study \(a, b\)/);
  assert.match(line(PAIRS.replace("den: b", "den: a")), /^dir\/p\.yaml:3:34: study\.compare\.den: num and den are both "a": every ratio would be 1; name two different values of config/);
  assert.match(line(PAIRS.replace("of: [final_loss]", "of: [final_los]")), /study\.compare\.of\.0: "final_los" is not a quantity of this study \(final_loss\); did you mean "final_loss"\?/);
  assert.match(line(PAIRS.replace("table: compare, ", "")), /paper\.checks\.0\.column: column "final_loss_ratio" is not one of final_loss/);
  // provenance: required, one of four
  assert.match(line(PAIRS.replace("provenance: figure, ", "")), /^dir\/p\.yaml:9:\d+: paper\.checks\.0\.provenance: provenance: where the value was read, one of text, figure, notebook, code/);
  assert.match(line(PAIRS.replace("provenance: figure", "provenance: figur")), /paper\.checks\.0\.provenance: .*did you mean "figure"\?/);
});
