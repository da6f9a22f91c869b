/** Study derive paths into a run's summary: checked against the model's declared summary before any run, resolved per run. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseStudy } from "../../src/study/spec.js";
import { computeStudy, findRows, type StudyRun } from "../../src/study/compute.js";
import { ConfigError, loadConfig } from "../../src/config/load.js";
import { modelSpec, runModel } from "../../src/models/index.js";
import type { SweepRun } from "../../src/analysis/sweep-table.js";

const squares = (derive: string) => `model: network
task: {kind: squares, samples: 100}
skills: {frequencies: [0.9, 0.1]}
network: {hidden: [8], activation: silu}
loss: mse
steps: 10
sweep:
  seed: [0, 1, 2]
study:
  derive:
${derive}
`;

const parse = (text: string) => parseStudy(text, "s.yaml", () => { throw new Error("no file reads expected"); });

function refused(derive: string, re: RegExp) {
  assert.throws(() => parse(squares(derive)), (e: unknown) => e instanceof ConfigError && re.test(e.format()), derive);
}

test("summary paths are checked against the model's declared summary before any run", () => {
  // Declared fields pass, a list entry by index from 1.
  const s = parse(squares("    t1: summary.lossBelow.steps[1]\n    t2: summary.lossBelow.steps[2]\n    p: summary.parameters\n    th: summary.lossBelow.threshold"));
  assert.deepEqual(s.quantities.map((q) => q.name), ["final_loss", "t1", "t2", "p", "th"]);
  // Unknown field: named, with the key and the closest name.
  refused("    t: summary.lossBelow.step[1]", /study\.derive\.t: summary\.lossBelow\.step\[1\]: unknown field; the summary of .* has .*lossBelow\.steps\[k\].*did you mean "lossBelow\.steps"/);
  // Beyond the list, index 0, a list without an index, an index on a number.
  refused("    t: summary.lossBelow.steps[3]", /summary\.lossBelow\.steps has 2 entries .*numbered from 1/);
  refused("    t: summary.lossBelow.steps[0]", /numbered from 1/);
  refused("    t: summary.lossBelow.steps", /is a list of 2 numbers .*summary\.lossBelow\.steps\[k\], k from 1/);
  refused("    t: summary.parameters[1]", /one number .*not a list/);
  refused("    t: summary", /name a number of the run's summary/);
  refused("    t: summary.lossBelow[1].steps", /summary\.<field>\[k\]/);
  // A field another task kind has (held-out accuracy) is not in a squares run's summary.
  refused("    t: summary.heldOutAccuracy[1]", /unknown field/);
});

test("a model that declares no summary: the path is resolved per run only", () => {
  const s = parse(`model: resource
skills: {count: 2}
steps: 10
study:
  derive: {e: "summary.anything[2]"}
`);
  assert.equal(s.quantities[1].src, "summary.anything[2]");
});

test("summary paths resolve per run: list entries from 1, empty (missing run) when absent or null", () => {
  const s = parse(squares("    t_common: summary.lossBelow.steps[1]\n    t_rare: summary.lossBelow.steps[2]\n    ratio: t_rare / t_common"));
  const summaries: (Record<string, unknown> | null)[] = [
    { lossBelow: { threshold: 1e-3, steps: [100, 1500] } },
    { lossBelow: { threshold: 1e-3, steps: [120, null] } }, // the rare task never got below: empty
    null, // a line written without a summary: empty, never a made-up number
  ];
  const runs: StudyRun[] = summaries.map((summary, id) => {
    const run: SweepRun = { line: id + 1, id, overrides: s.sources[0].plan.overridesOf(id), finalLoss: 1, error: null, warnings: null, summary, ratios: new Map(), gaps: [], timelineOn: "progress", taskNames: null, skills: [] };
    return { label: "s", run, cfg: s.sources[0].plan.run(id).cfg };
  });
  const r = computeStudy(s, runs);
  const col = (n: string) => r.runs.columns.indexOf(n);
  assert.deepEqual(r.runs.rows.map((row) => [row[col("t_common")], row[col("t_rare")], row[col("ratio")]]), [[100, 1500, 15], [120, null, null], [null, null, null]]);
  const g = findRows(r.groups, {})[0];
  assert.equal(g[r.groups.columns.indexOf("ratio_n")], 1);
  assert.equal(g[r.groups.columns.indexOf("ratio_mean")], 15);
  assert.equal(g[r.groups.columns.indexOf("t_common_n")], 2);
});

/** A summary's numbers by dotted path: null for a number, n for a list of n numbers (or nulls); strings left out. */
function shapeOf(summary: Record<string, unknown>, prefix = "", into: Record<string, number | null> = {}): Record<string, number | null> {
  for (const [k, v] of Object.entries(summary)) {
    const key = prefix + k;
    if (typeof v === "number") into[key] = null;
    else if (Array.isArray(v) && v.every((x) => x === null || typeof x === "number")) into[key] = v.length;
    else if (v !== null && typeof v === "object" && !Array.isArray(v)) shapeOf(v as Record<string, unknown>, `${key}.`, into);
    else if (typeof v !== "string") into[key] = -1; // a shape summaryFields cannot declare: fails below
  }
  return into;
}

test("the network model declares exactly the numbers its runs' summaries carry, per task kind", () => {
  const kinds = [
    "task: {kind: sparse-parity, samples: 64}\nnetwork: {hidden: [4]}",
    "task: {kind: sparse-parity, samples: 64, train_fraction: 0.5}\nnetwork: {hidden: [4]}",
    "task: {kind: multitask-parity, samples: 64}\nnetwork: {hidden: [4]}",
    "task: {kind: modular-addition, modulus: 5}\nnetwork: {embedding: 4, hidden: [4]}",
    "task: {kind: squares, samples: 64}\nnetwork: {hidden: [4]}",
  ];
  const seen = new Set<string>();
  for (const k of kinds) {
    const cfg = loadConfig(`model: network\n${k}\nsteps: 2\n`, { file: "t.yaml" });
    const spec = modelSpec(cfg.model);
    const declared = spec.summaryFields!(cfg as never);
    assert.deepEqual(declared, shapeOf(runModel(cfg).extra), k);
    for (const f of Object.keys(declared)) seen.add(f);
  }
  // Every field declared for some kind was met (held-out accuracy, per-task samples, squares' times).
  for (const f of ["heldOutAccuracy", "trainSamplesPerTask", "lossBelow.steps", "initialTaskLoss"]) assert.ok(seen.has(f), f);
});
