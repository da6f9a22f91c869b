/**
 * The Fig 13 grokking tables are what the runs give (issue 21: the docs' numbers are produced by
 * tests): docs/configs.md's and docs/paper.md's tables (seeds 0-2 of
 * configs/network-grokking-signgd.yaml, 1000 steps, about 27 s of CPU each, and of
 * network-grokking-adam.yaml, 3000 steps, about 80 s each; every step recorded), the prose that
 * quotes them (held-out accuracy at steps 1000 and 2000, when it passes 0.6, the delays, seed
 * 0's training loss under sign descent) and the two configs' opening comments. Learned = the
 * first step an accuracy exceeds 0.9, as the pages define it. The sign-descent seeds are one
 * test, each Adam seed one; the prose is checked once all have run.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const page = (name: string) => readFileSync(join(ROOT, "docs", name), "utf8");
const flat = (text: string) => text.replace(/\s+/g, " ");
const CONFIGS = page("configs.md");
const PAPER = page("paper.md");
/** docs/paper.md's Fig 13 section. */
const FIG13 = (() => {
  const a = PAPER.indexOf("\n## Fig 13:");
  assert.ok(a >= 0, "docs/paper.md has a Fig 13 section");
  return PAPER.slice(a, PAPER.indexOf("\n## ", a + 1));
})();
/** A config's opening comment as one line. */
const opening = (file: string) => {
  const lines = readFileSync(join(ROOT, "configs", file), "utf8").split("\n");
  return flat(lines.slice(0, lines.findIndex((l) => !l.startsWith("#"))).map((l) => l.replace(/^# ?/, "")).join(" "));
};

interface Run {
  seed: number;
  steps: number;
  /** steps: the first step training accuracy, held-out accuracy exceeds 0.9 (null: never) */
  learned: (number | null)[];
  /** the first step held-out accuracy exceeds 0.6 */
  passes06: number | null;
  /** held-out accuracy at a step */
  heldOut: (step: number) => number;
  loss: number[];
}
interface Opt { config: string; configsName: string; paperName: string }
const SIGN: Opt = { config: "network-grokking-signgd.yaml", configsName: "sign descent: betas (0, 0)", paperName: "(0, 0)" };
const ADAM: Opt = { config: "network-grokking-adam.yaml", configsName: "Adam: betas (0.9, 0.999)", paperName: "(0.9, 0.999)" };
const runs = new Map<Opt, Run[]>([[SIGN, []], [ADAM, []]]);

async function grokking(opt: Opt, seed: number): Promise<Run> {
  const r = await cliIn(["run", join(ROOT, "configs", opt.config), "--set", `seed=${seed}`, "--set", "record=every", "--json", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { config: { steps: number }; trace: { t: number[]; loss: number[]; level: number[][] } };
  const { t, level } = j.trace;
  t.forEach((step, k) => assert.equal(step, k, "every step recorded"));
  const first = (series: number[], above: number) => {
    const k = series.findIndex((s) => s > above);
    return k < 0 ? null : t[k];
  };
  return { seed, steps: j.config.steps, learned: level.map((s) => first(s, 0.9)), passes06: first(level[1], 0.6), heldOut: (step) => level[1][step], loss: j.trace.loss };
}

const ratio = (x: Run) => (x.learned[1] === null ? null : x.learned[1] / x.learned[0]!);

/** A seed's run, and its rows in both pages' tables. */
async function row(opt: Opt, seed: number): Promise<void> {
  const x = await grokking(opt, seed);
  const [train, held] = x.learned;
  assert.notEqual(train, null, `${opt.config} seed ${seed}: training accuracy passes 0.9`);
  const end = x.heldOut(x.steps).toFixed(3);
  const configsRow = `| ${opt.configsName} | ${seed} | ${x.steps} | ${train} | ${held ?? `- (${end} at step ${x.steps})`} | ${end} |`;
  assert.ok(CONFIGS.split("\n").includes(configsRow), `docs/configs.md Fig 13: the run gives\n${configsRow}`);
  const paperRow = `| ${opt.paperName} | ${seed} | ${train} | ${held ?? `not by step ${x.steps}`} | ${held === null ? "" : ratio(x)!.toFixed(2)} | ${end} (step ${x.steps}) |`;
  assert.ok(FIG13.split("\n").map((l) => l.replace(/ +/g, " ")).includes(paperRow.replace(/ +/g, " ")), `docs/paper.md Fig 13: the run gives\n${paperRow}`);
  runs.get(opt)!.push(x);
}

test("docs Fig 13: the rows of docs/configs.md and docs/paper.md are the runs', and so are the table sizes", () => {
  for (const opt of [SIGN, ADAM]) {
    assert.deepEqual(CONFIGS.split("\n").filter((l) => l.startsWith(`| ${opt.configsName} | `)).map((l) => Number(l.split("|")[2])), [0, 1, 2], `docs/configs.md: ${opt.configsName}`);
    assert.deepEqual(FIG13.split("\n").filter((l) => l.startsWith(`| ${opt.paperName} | `)).map((l) => Number(l.split("|")[2])), [0, 1, 2], `docs/paper.md: ${opt.paperName}`);
  }
});

test("docs Fig 13: sign descent, seeds 0-2 (1000 steps); network-grokking-signgd.yaml's comment", async () => {
  for (const seed of [0, 1, 2]) await row(SIGN, seed);
  const s = runs.get(SIGN)!;
  const said = `Measured (seeds 0-2): training accuracy > 0.9 at ${s.map((x) => x.learned[0]).join(", ")} steps, held-out at ${s.map((x) => x.learned[1]).join(", ")}; held-out accuracy ${s.map((x) => x.heldOut(x.steps).toFixed(2)).join(", ")} at step 1000.`;
  assert.ok(opening(SIGN.config).includes(said), `${SIGN.config}: ${said}`);
});

for (const seed of [0, 1, 2]) {
  test(`docs Fig 13: Adam, seed ${seed} (3000 steps)`, async () => {
    await row(ADAM, seed);
  });
}

const range = (xs: number[], digits = 0) => `${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)}`;
const and = (xs: (string | number)[]) => `${xs.slice(0, -1).join(", ")} and ${xs[xs.length - 1]}`;

test("docs Fig 13: the prose of docs/configs.md and docs/paper.md and network-grokking-adam.yaml's comment", () => {
  const s = runs.get(SIGN)!, a = runs.get(ADAM)!;
  assert.equal(s.length + a.length, 6, "every run's test passed");
  assert.ok(s.every((x) => x.learned[1] !== null), "sign descent generalises in every seed");
  const grokked = a.filter((x) => x.learned[1] !== null);
  const late = a.filter((x) => x.learned[1] === null);
  assert.equal(late.length, 1, "the pages' sentences name one Adam seed that does not reach 0.9");
  const [never] = late;
  const at1000 = range(a.map((x) => x.heldOut(1000)), 2);
  const at2000 = range(a.map((x) => x.heldOut(2000)), 2);
  const adamDelay = range(grokked.map((x) => ratio(x)!));
  const signDelay = range(s.map((x) => ratio(x)!), 1);
  const configs = flat(CONFIGS);
  for (const said of [
    `Both optimizers memorise the training pairs within ${range([...s, ...a].map((x) => x.learned[0]!))} steps.`,
    `Sign descent generalises: held-out accuracy passes 0.9 after ${range(s.map((x) => x.learned[1]!))} steps and reaches ${range(s.map((x) => x.heldOut(x.steps)), 2)} by step 1000.`,
    `With Adam's betas the held-out accuracy is still ${at1000} at step 1000 and ${at2000} at step 2000, passes 0.6 at steps ${range(a.map((x) => x.passes06!))} and 0.9 at ${and(grokked.map((x) => x.learned[1]!).sort((p, q) => p - q))} (seed ${never.seed}: ${never.heldOut(never.steps).toFixed(3)} at step ${never.steps}): grokking, ${adamDelay} times the memorisation time where sign descent takes ${signDelay} times`,
  ]) assert.ok(configs.includes(said), `docs/configs.md: ${said}`);

  const trainAdam = new Set(a.map((x) => x.learned[0]));
  assert.equal(trainAdam.size, 1, "Adam's training accuracy passes 0.9 at the same step in every seed");
  a.forEach((x, k) => assert.ok((x.learned[1] ?? Infinity) > s[k].learned[1]!, `seed ${k}: Adam generalises later than sign descent`));
  const fig13 = flat(FIG13);
  for (const said of [
    `Sign descent generalises in ${range(s.map((x) => x.learned[1]!))} steps (seeds 0-2)`,
    `With Adam's betas the training accuracy passes 0.9 sooner (step ${[...trainAdam][0]} in every seed), but the held-out accuracy is ${at1000} at step 1000 and ${at2000} at step 2000; it passes 0.6 at steps ${and(a.map((x) => x.passes06!))} and 0.9 at ${and(grokked.map((x) => x.learned[1]!))} (seeds ${and(grokked.map((x) => x.seed))}; seed ${never.seed} reaches ${never.heldOut(never.steps).toFixed(3)} by step ${never.steps}, the end of the run). That is grokking at ${adamDelay} times the memorisation time, where sign descent takes ${signDelay} times`,
    "and its ordering of the two optimizers, in all three seeds.",
  ]) assert.ok(fig13.includes(said), `docs/paper.md Fig 13: ${said}`);

  const said = `Measured (3000 steps, seeds 0-2): training accuracy > 0.9 at step ${[...trainAdam][0]}; held-out accuracy ${at1000} at step 1000, ${at2000} at step 2000, > 0.9 at steps ${and(grokked.map((x) => x.learned[1]!))} (seeds ${grokked.map((x) => x.seed).join(", ")}; seed ${never.seed}: ${never.heldOut(never.steps).toFixed(3)} at step ${never.steps}).`;
  assert.ok(opening(ADAM.config).includes(said), `${ADAM.config}: ${said}`);

  // configs/paper/fig13-*.yaml (the same settings) quote the same runs
  const paperAdam = `skillsim gives: training accuracy > 0.9 at step ${[...trainAdam][0]} (seeds 0-2), held-out accuracy ${at2000} at step 2000 and > 0.9 at steps ${and(grokked.map((x) => x.learned[1]!))} (seeds ${grokked.map((x) => x.seed).join(", ")}; seed ${never.seed}: ${never.heldOut(never.steps).toFixed(3)} at step ${never.steps}): grokking at ${adamDelay}x the memorisation time, where sign descent takes ${range(s.map((x) => x.learned[1]!))} steps, ${signDelay}x`;
  assert.ok(opening("paper/fig13-adam.yaml").includes(paperAdam), `paper/fig13-adam.yaml: ${paperAdam}`);
  const paperSign = `skillsim gives (seeds 0-2, accuracy > 0.9): training accuracy at ${s.map((x) => x.learned[0]).join(", ")} steps, held-out accuracy at ${s.map((x) => x.learned[1]).join(", ")} (learned_2 / learned_1 = ${s.map((x) => ratio(x)!.toFixed(2)).join(", ")}); held-out accuracy at step 1000: ${s.map((x) => x.heldOut(1000).toFixed(3)).join(", ")}.`;
  assert.ok(opening("paper/fig13-signgd.yaml").includes(paperSign), `paper/fig13-signgd.yaml: ${paperSign}`);
});

test("docs/paper.md Fig 13: seed 0's training loss under sign descent (jumps, then a steady fall to its least and a steady rise)", () => {
  const x = runs.get(SIGN)!.find((r) => r.seed === 0);
  assert.ok(x, "the sign-descent test ran");
  const { loss } = x;
  let least = 300;
  for (let k = 300; k <= x.steps; k++) if (loss[k] < loss[least]) least = k;
  let fallFrom = least;
  while (loss[fallFrom - 1] > loss[fallFrom]) fallFrom--;
  for (let k = least; k < x.steps; k++) assert.ok(loss[k + 1] > loss[k], `the loss rises at every step after its least (step ${k + 1})`);
  const jumps = loss.slice(300, fallFrom + 1);
  const below = loss.findIndex((l, k) => k >= 300 && l < 1e-10);
  const e = (v: number) => v.toExponential(1);
  const said = `In seed 0 the training loss jumps between ${e(Math.min(...jumps))} and ${e(Math.max(...jumps))} under sign descent's fixed step size from step 300 to ${fallFrom}, then falls at every step to ${e(loss[least])} at step ${least} (below 1e-10 from step ${below}) and rises at every step after, to ${e(loss[x.steps])} at step ${x.steps} (the figure's middle panel); the held-out accuracy does not jump with it (${x.heldOut(725).toFixed(2)} at step 725, ${x.heldOut(750).toFixed(2)} at 750, ${x.heldOut(1000).toFixed(2)} at 1000).`;
  assert.ok(flat(FIG13).includes(said), `docs/paper.md Fig 13: ${said}`);
});

test("docs Fig 13: configs/paper/fig13-*.yaml are the measured configs' settings (apart from their title and what they record)", async () => {
  const settings = async (config: string) => {
    const r = await cliIn(["run", join(ROOT, "configs", config), "--set", "steps=1", "--json", "-q"]);
    assert.equal(r.code, 0, r.stderr);
    const c = JSON.parse(r.stdout).config as Record<string, unknown>;
    delete c.title;
    delete c.record;
    return c;
  };
  assert.deepEqual(await settings("paper/fig13-signgd.yaml"), await settings(SIGN.config));
  assert.deepEqual(await settings("paper/fig13-adam.yaml"), await settings(ADAM.config));
});
