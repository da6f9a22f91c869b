/** configs/paper/fig19.study.yaml through `skillsim study`, shrunk (seed 0, 100 steps of a faster variant): the full size is `skillsim paper 19`. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const PAPER = join(ROOT, "configs", "paper");

/**
 * The study and its two configs in a temporary folder, shrunk so that both tasks get below 1e-3
 * within seconds: seed 0 only, 200 samples, shares 0.9 / 0.1, Adam 5e-3, 100 steps (the
 * pipeline is under test here, not the paper's numbers).
 */
function shrunk(): string {
  const dir = tempDir();
  for (const name of ["fig19-one-network.yaml", "fig19-modular.yaml"]) {
    const text = readFileSync(join(PAPER, name), "utf8");
    const edits: [RegExp, string][] = [
      [/^steps: 5000$/m, "steps: 100"],
      [/^  seed: \[0, 1, 2\]$/m, "  seed: [0]"],
      [/^lr: 5\.0e-4$/m, "lr: 5.0e-3"],
      [/samples: 1000\}/, "samples: 200}"],
      [/^skills: \{frequencies: \[0\.99, 0\.01\]\}$/m, "skills: {frequencies: [0.9, 0.1]}"],
    ];
    let small = text;
    for (const [re, to] of edits) {
      assert.match(small, re, `${name}: ${re}`);
      small = small.replace(re, to);
    }
    writeFileSync(join(dir, name), small);
  }
  writeFileSync(join(dir, "fig19.study.yaml"), readFileSync(join(PAPER, "fig19.study.yaml"), "utf8"));
  return dir;
}

const csv = (text: string) => {
  const [head, ...rows] = text.trim().split("\n").map((l) => l.split(","));
  return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
};

test("fig19 study (shrunk): t_common and t_rare are each run's summary.lossBelow.steps, ratio their quotient or empty; ratio points and per-task loss panels", async () => {
  const dir = shrunk();
  const out = join(dir, "out");
  const r = await cliIn(["study", join(dir, "fig19.study.yaml"), "--out", out, "--jobs", "1", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  const runs = csv(readFileSync(join(out, "runs.csv"), "utf8"));
  assert.deepEqual(runs.map((x) => x.config), ["one-network", "modular"]);
  let ratios = 0;
  for (const row of runs) {
    // The run's own summary, as the sweep wrote it.
    const line = JSON.parse(readFileSync(join(out, `runs-${row.config}.jsonl`), "utf8").trim().split("\n")[0]);
    const steps = line.summary.lossBelow.steps as (number | null)[];
    assert.equal(steps.length, 2);
    const cell = (v: number | null) => (v === null ? "" : String(v));
    assert.equal(row.t_common, cell(steps[0]));
    assert.equal(row.t_rare, cell(steps[1]));
    assert.equal(row.ratio, steps[0] !== null && steps[1] !== null ? String(steps[1] / steps[0]) : "");
    if (row.ratio !== "") ratios++;
  }
  // Both tasks get below 1e-3 within 100 steps in this variant: a ratio per run (empty times,
  // and so empty ratios, are test/study/summary.test.ts's).
  assert.equal(ratios, 2, JSON.stringify(runs));
  const groups = csv(readFileSync(join(out, "groups.csv"), "utf8"));
  assert.deepEqual(groups.map((g) => g.config), ["one-network", "modular"]);
  // Figures: ratio per seed as points by config; each task's loss on a log axis, a panel per config.
  const ratio = JSON.parse(readFileSync(join(out, "ratio.vl.json"), "utf8"));
  assert.match(JSON.stringify(ratio), /"point"/);
  const loss = JSON.parse(readFileSync(join(out, "task-loss.vl.json"), "utf8"));
  assert.equal(loss.facet.field, "config");
  assert.equal(loss.spec.layer[0].encoding.y.scale.type, "log");
  const configs = new Set(loss.data.values.filter((v: { layer: string }) => v.layer === "mean").map((v: { config: string }) => v.config));
  assert.deepEqual([...configs].sort(), ["modular", "one-network"]);
});

test("fig19 study: a misspelt summary field is refused before any run, naming the key", async () => {
  const dir = shrunk();
  const file = join(dir, "fig19.study.yaml");
  writeFileSync(file, readFileSync(file, "utf8").replace('t_rare: "summary.lossBelow.steps[2]"', 't_rare: "summary.lossBelow.step[2]"'));
  const r = await cliIn(["study", file, "--out", join(dir, "out"), "--jobs", "1", "-q"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /fig19\.study\.yaml:\d+:\d+: study\.derive\.t_rare: summary\.lossBelow\.step\[2\]: unknown field; .*did you mean "lossBelow\.steps"/);
});
