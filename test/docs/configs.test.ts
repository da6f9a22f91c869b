/**
 * docs/configs.md's measured numbers that a short run reproduces are what the runs give (issue
 * 21: the docs' numbers are produced by tests): the two-skill Domino table (15 Geometry runs of
 * 3000 steps), the minimal example's learned times, and the sample counts the network tables
 * quote (drawn before the first step, so one step shows them), and the Fig 2 (bottom) parity
 * table's learned times (8 network runs of 1000 steps, about 4.5 s of CPU each), the composite
 * table's (3 runs of 2000 steps) and multitask zipf's (1 run of 1500 steps, about 15 s). The
 * grokking (Fig 13) and squares (Fig 19) tables have files of their own: fig13-grokking.test.ts
 * and fig19-squares.test.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const PAGE = readFileSync(join(ROOT, "docs", "configs.md"), "utf8");
const FLAT = PAGE.replace(/\s+/g, " ");

interface Run { skills: { onset: number | null; learned: number | null }[]; summary: { trainSamplesPerTask?: number[] }; config: { task?: { draw?: string } } }

async function run(config: string, ...sets: string[]): Promise<Run> {
  const r = await cliIn(["run", join(ROOT, "configs", config), ...sets.flatMap((s) => ["--set", s]), "--json", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test("docs/configs.md: the two-skill table's learned_2 / learned_1 ranges over seeds 0-4 are the runs'", async () => {
  for (const opt of ["sgd", "signgd", "adam"]) {
    const row = PAGE.split("\n").find((l) => l.startsWith(`| ${opt} | `));
    assert.ok(row, `the ${opt} row`);
    const ratios: number[] = [];
    for (const seed of [0, 1, 2, 3, 4]) {
      // the page's setting: p = [0.95, 0.05], the config's own frequencies
      const j = await run(`geometry-two-skill-${opt}.yaml`, `seed=${seed}`, "skills.frequencies=[0.95, 0.05]");
      ratios.push(j.skills[1].learned! / j.skills[0].learned!);
    }
    const range = `${Math.min(...ratios).toFixed(2)} - ${Math.max(...ratios).toFixed(2)}`;
    assert.equal(row.split("|")[3].trim(), range, `docs/configs.md two-skill ${opt}`);
  }
});

test("docs/configs.md: the minimal example's learned times, their ratio, and skill 2's onset", async () => {
  const j = await run("geometry-minimal.yaml");
  const learned = j.skills.map((s) => s.learned!);
  const text = `learned at ${learned.join(", ")} steps, so the last skill takes ${(learned[9] / learned[0]).toFixed(1)} times as long as the first`;
  assert.ok(FLAT.includes(text), text);
  const onset = `skill 2 starts at ${j.skills[1].onset}, skill 1 is learned at ${learned[0]}`;
  assert.ok(FLAT.includes(onset), onset);
});

test("docs/configs.md: the network tables' sample counts (Fig 19's rare task per seed, multitask zipf's last two tasks)", async () => {
  const rows = PAGE.split("\n").filter((l) => /^\| (one MLP|2 modules) \| \d \| /.test(l));
  assert.equal(rows.length, 10);
  const rare: number[] = [];
  for (const row of rows) {
    const [net, seed, samples] = row.split("|").slice(1, 4).map((c) => c.trim());
    const j = await run(net === "one MLP" ? "network-squares.yaml" : "network-squares-modular.yaml", "steps=1", `seed=${seed}`);
    assert.equal(j.config.task?.draw, undefined, "the random draw");
    assert.equal(String(j.summary.trainSamplesPerTask![1]), samples, `${net} seed ${seed}: rare-task samples`);
    rare.push(j.summary.trainSamplesPerTask![1]);
  }
  // the range the pages quote (configs.md, network.md, paper.md) is these runs' (seeds 0-4)
  const range = `${Math.min(...rare)}-${Math.max(...rare)}`;
  const flat = (page: string) => readFileSync(join(ROOT, "docs", page), "utf8").replace(/\s+/g, " ");
  assert.ok(FLAT.includes(`The rare task has only ${range} of the 1000 samples`), range);
  assert.ok(flat("network.md").includes(`leaves the counts to chance (${range} rare samples of 1000 over seeds 0-4)`), range);
  assert.ok(flat("paper.md").includes(`the rare task has only ${range} samples`), range);
  const m = await run("network-multitask-zipf.yaml", "steps=1");
  const counts = m.summary.trainSamplesPerTask!.map((c) => c.toLocaleString("en-US"));
  assert.ok(FLAT.includes(`(the last two, with ${counts[3]} and ${counts[4]} samples, about together)`), counts.join(", "));
});

test("docs/configs.md: the Fig 2 (bottom) parity table's learned times and ratios, and the prose's ranges", async () => {
  const rows = PAGE.split("\n").filter((l) => /^\| (0\.05|1) \| \d \| \d+ \| \d+ \| [\d.]+ \|$/.test(l));
  assert.equal(rows.length, 8);
  const ratios: Record<string, number[]> = { "0.05": [], "1": [] };
  for (const row of rows) {
    const [p2, seed, ...shown] = row.split("|").slice(1, -1).map((c) => c.trim());
    // scripts/network-physics.mjs's reading: every step recorded, learned = the first step a task's accuracy passes 0.9
    const j = (await run(p2 === "1" ? "network-parity-fig2-equal.yaml" : "network-parity-fig2.yaml", `seed=${seed}`, "record=every")) as Run & { trace: { t: number[]; level: number[][] } };
    const learned = j.trace.level.map((series) => j.trace.t[series.findIndex((s) => s > 0.9)]);
    const ratio = learned[1] / learned[0];
    assert.deepEqual(shown, [String(learned[0]), String(learned[1]), ratio.toFixed(2)], `p2 ${p2}, seed ${seed}`);
    ratios[p2].push(ratio);
  }
  const span = (xs: number[]) => `${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}`;
  const rare = ratios["0.05"];
  const said = `The rare task is learned ${span(rare)} times later than the common one (mean ${(rare.reduce((a, b) => a + b, 0) / rare.length).toFixed(2)})`;
  assert.ok(FLAT.includes(said), said);
  assert.ok(FLAT.includes(`about the same time (ratios ${span(ratios["1"])})`), span(ratios["1"]));
});

test("docs/configs.md: the Fig 2 (top, case 2) composite table's learned times and held-out accuracies", async () => {
  const head = PAGE.split("\n").findIndex((l) => l.startsWith("| seed | x3⊕x4 learned | x1⊕x2 learned | composite learned |"));
  assert.ok(head >= 0, "the composite table");
  const rows: string[][] = [];
  for (let i = head + 2; PAGE.split("\n")[i]?.startsWith("|"); i++) rows.push(PAGE.split("\n")[i].split("|").slice(1, -1).map((c) => c.trim()));
  assert.equal(rows.length, 3);
  let after = 0;
  for (const [seed, ...shown] of rows) {
    const j = (await run("network-parity-composite.yaml", `seed=${seed}`, "record=every")) as Run & { trace: { t: number[]; level: number[][] }; summary: { heldOutAccuracy: number[] } };
    const learned = j.trace.level.map((series) => j.trace.t[series.findIndex((s) => s > 0.9)]);
    assert.deepEqual(shown, [...learned.map(String), j.summary.heldOutAccuracy.map((a) => a.toFixed(3)).join(", ")], `seed ${seed}`);
    if (learned[2] > Math.max(learned[0], learned[1])) after++;
  }
  assert.ok(FLAT.includes(`In ${after} of ${rows.length} seeds the composite task is learned after both of its parts.`), String(after));
});

test("docs/configs.md and network-multitask-zipf.yaml's comment: the five tasks' learned times (seed 0)", async () => {
  const j = (await run("network-multitask-zipf.yaml", "record=every")) as Run & { trace: { t: number[]; level: number[][] } };
  const learned = j.trace.level.map((series) => j.trace.t[series.findIndex((s) => s > 0.9)]);
  assert.ok(learned.every((t) => t !== undefined), `every task passes accuracy 0.9: ${learned}`);
  const said = `the tasks are learned in frequency order, at ${learned.slice(0, -1).join(", ")} and ${learned.at(-1)} steps`;
  assert.ok(FLAT.includes(said), said);
  const comment = readFileSync(join(ROOT, "configs", "network-multitask-zipf.yaml"), "utf8").replace(/\n# ?/g, " ");
  assert.ok(comment.includes(`Measured (seed 0, accuracy > 0.9): tasks 1-5 learned at ${learned.join(", ")} steps`), learned.join(", "));
});

test("docs/configs.md: geometry-ce-overparam.yaml learns skill 4 at the step the page says, and its recorded steps alone would say the later one it quotes", async () => {
  const j = (await run("geometry-ce-overparam.yaml")) as Run & { trace: { t: number[]; level: number[][] }; config: { timeline: { on: string; learned: number } } };
  assert.equal(j.config.timeline.on, "progress");
  const level = j.trace.level[3];
  const recorded = j.trace.t[level.findIndex((s) => (s - level[0]) / (1 - level[0]) >= j.config.timeline.learned)];
  const said = `\`configs/geometry-ce-overparam.yaml\` learns skill 4 at step ${j.skills[3].learned}, where checking at recorded steps only said ${recorded})`;
  assert.ok(FLAT.includes(said), said);
});
