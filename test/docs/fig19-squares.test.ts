/**
 * The Fig 19 squares tables are what the runs give (issue 21: the docs' numbers are produced by
 * tests): docs/configs.md's and docs/paper.md's tables of learned times (seeds 0-4 of
 * configs/network-squares.yaml and network-squares-modular.yaml, 5000 steps each, every step
 * recorded: 10 network runs, about 25 s of CPU each), the prose that quotes them, and the two
 * configs' opening comments. Learned as the pages define it: the spec's time, the first step a
 * task's loss is below 1e-3 (`summary.lossBelow`), and the first step its level 1 - l/l(0)
 * exceeds 0.9 (scripts/network-physics.mjs's reading of the every-step trace). Each network's
 * five runs are one test; the prose is checked once both have run.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const page = (name: string) => readFileSync(join(ROOT, "docs", name), "utf8");
const CONFIGS = page("configs.md");
const PAPER = page("paper.md");
const flat = (text: string) => text.replace(/\s+/g, " ");
/** A config's opening comment as one line. */
const opening = (file: string) => {
  const lines = readFileSync(join(ROOT, "configs", file), "utf8").split("\n");
  return flat(lines.slice(0, lines.findIndex((l) => !l.startsWith("#"))).map((l) => l.replace(/^# ?/, "")).join(" "));
};

interface Times { samples: number; loss: number[]; level: number[] }
interface Net { config: string; configsName: string; paperName: string }
const ONE: Net = { config: "network-squares.yaml", configsName: "one MLP", paperName: "one 2-100-100-2" };
const MODULAR: Net = { config: "network-squares-modular.yaml", configsName: "2 modules", paperName: "two 1-50-50-1" };
/** Each network's runs by seed, filled by its test. */
const measured = new Map<Net, Times[]>();

async function squares(net: Net, seed: number): Promise<Times> {
  const r = await cliIn(["run", join(ROOT, "configs", net.config), "--set", `seed=${seed}`, "--set", "record=every", "--json", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { config: { steps: number }; trace: { t: number[]; level: number[][] }; summary: { trainSamplesPerTask: number[]; lossBelow: { threshold: number; steps: (number | null)[] } } };
  assert.equal(j.config.steps, 5000);
  assert.equal(j.summary.lossBelow.threshold, 1e-3);
  const loss = j.summary.lossBelow.steps.map((s) => {
    assert.notEqual(s, null, `${net.config} seed ${seed}: a task's loss never falls below 1e-3`);
    return s as number;
  });
  const level = j.trace.level.map((series) => {
    const k = series.findIndex((s) => s > 0.9);
    assert.ok(k >= 0, `${net.config} seed ${seed}: a task's level never passes 0.9`);
    return j.trace.t[k];
  });
  return { samples: j.summary.trainSamplesPerTask[1], loss, level };
}

const lossRatio = (x: Times) => x.loss[1] / x.loss[0];
const levelRatio = (x: Times) => x.level[1] / x.level[0];

/** Runs a network's seeds (the five the pages show) and finds each seed's row in both pages. */
async function table(net: Net): Promise<void> {
  const rows = CONFIGS.split("\n").filter((l) => l.startsWith(`| ${net.configsName} | `));
  const seeds = rows.map((l) => Number(l.split("|")[2]));
  assert.deepEqual(seeds, [0, 1, 2, 3, 4], `docs/configs.md: the ${net.configsName} rows`);
  assert.equal(PAPER.split("\n").filter((l) => l.startsWith(`| ${net.paperName} | `)).length, 5, `docs/paper.md: the ${net.paperName} rows`);
  const times: Times[] = [];
  for (const seed of seeds) {
    const x = await squares(net, seed);
    const [a, b] = x.loss, [c, d] = x.level;
    const row = `| ${net.configsName} | ${seed} | ${x.samples} | ${a}, ${b}, ${lossRatio(x).toFixed(1)} | ${c}, ${d}, ${levelRatio(x).toFixed(2)} |`;
    assert.ok(rows.includes(row), `docs/configs.md Fig 19: the run gives\n${row}\nthe page has\n${rows[seed]}`);
    const paperRow = `| ${net.paperName} | ${seed} | ${a}, ${b} | ${lossRatio(x).toFixed(1)} | ${c}, ${d} | ${x.samples} |`;
    assert.ok(PAPER.includes(paperRow), `docs/paper.md Fig 19: the run gives\n${paperRow}`);
    times.push(x);
  }
  measured.set(net, times);
}

test("docs Fig 19: one MLP's learned times (seeds 0-4), in docs/configs.md's and docs/paper.md's tables; network-squares.yaml's comment", async () => {
  await table(ONE);
  const [s0, s1] = measured.get(ONE)!;
  const said = `Measured (seeds 0, 1; ${s0.samples} and ${s1.samples} of the 1000 samples belong to task 2): loss < 1e-3 at ${s0.loss.join(" and ")} steps (ratio ${lossRatio(s0).toFixed(1)}), ${s1.loss.join(" and ")} (${lossRatio(s1).toFixed(1)}).`;
  assert.ok(opening(ONE.config).includes(said), `${ONE.config}: ${said}`);
});

test("docs Fig 19: two modules' learned times (seeds 0-4), in docs/configs.md's and docs/paper.md's tables; network-squares-modular.yaml's comment", async () => {
  await table(MODULAR);
  const [m0, m1] = measured.get(MODULAR)!;
  const [o0, o1] = measured.get(ONE) ?? [];
  assert.ok(o0 && o1, "the one-MLP test ran first");
  const said = `loss < 1e-3 at ${m0.loss.join(" and ")} steps (ratio ${lossRatio(m0).toFixed(1)}, against ${lossRatio(o0).toFixed(1)} in one MLP), ${m1.loss.join(" and ")} (${lossRatio(m1).toFixed(1)}, against ${lossRatio(o1).toFixed(1)}).`;
  assert.ok(opening(MODULAR.config).includes(said), `${MODULAR.config}: ${said}`);
});

test("docs Fig 19: the prose of docs/configs.md and docs/paper.md (which seeds shrink the delay, the ratios, the common task's range)", () => {
  const one = measured.get(ONE), mod = measured.get(MODULAR);
  assert.ok(one && mod, "both networks' tests ran");
  one.forEach((o, seed) => assert.equal(mod[seed].samples, o.samples, `seed ${seed} draws the same samples in both configs`));
  const seeds = one.map((_, s) => s);
  const shrinks = seeds.filter((s) => lossRatio(mod[s]) < lossRatio(one[s]));
  const grows = seeds.filter((s) => !shrinks.includes(s));
  const byLevel = seeds.filter((s) => levelRatio(mod[s]) < levelRatio(one[s]));
  const pair = (s: number) => `${lossRatio(one[s]).toFixed(1)} to ${lossRatio(mod[s]).toFixed(1)}`;
  assert.equal(grows.length, 1, "the pages' sentences name one seed that goes the other way");
  const configs = flat(CONFIGS);
  for (const said of [
    `in ${shrinks.length} of ${seeds.length} seeds by the spec's criterion (${shrinks.map(pair).join(", ")} on the same data) and in ${byLevel.length} of ${seeds.length} by the level's; seed ${grows[0]} goes the other way by the spec's criterion (${pair(grows[0])}).`,
  ]) assert.ok(configs.includes(said), `docs/configs.md: ${said}`);
  const rareFirst = seeds.filter((s) => mod[s].level[1] < mod[s].level[0]);
  assert.deepEqual(rareFirst, [0], "seed 0 of the modular network learns the rare task first (by level), and only it");
  assert.ok(configs.includes("(by the level criterion, seed 0 of the modular network even learns the rare task first)"));

  const and = (xs: string[]) => `${xs.slice(0, -1).join(", ")} and ${xs[xs.length - 1]}`;
  const range = (xs: number[]) => `${Math.min(...xs)}-${Math.max(...xs)}`;
  assert.equal(byLevel.length, 5, "docs/paper.md: \"in all five\"");
  const paper = flat(PAPER);
  for (const said of [
    `With two modules the rare task's loss falls below 1e-3 at ${and(mod.map((x) => lossRatio(x).toFixed(1)))} times the common task's time (seeds 0-4), against ${and(one.map((x) => lossRatio(x).toFixed(1)))} in one network on the same data`,
    `modularity shrinks the rare task's delay in ${shrinks.length} of ${seeds.length} seeds, as in the paper; seed ${grows[0]} goes the other way (${lossRatio(mod[grows[0]]).toFixed(1)} against ${lossRatio(one[grows[0]]).toFixed(1)}).`,
    `By level > 0.9 it shrinks in all five (${mod.map((x) => levelRatio(x).toFixed(2)).join(", ")} against ${one.map((x) => levelRatio(x).toFixed(2)).join(", ")}), and the modular rare task of seed 0 is even learned first (${mod[0].level[1]} vs ${mod[0].level[0]} steps).`,
    `The common task is learned a little later with modules (${range(mod.map((x) => x.loss[0]))} steps against ${range(one.map((x) => x.loss[0]))}).`,
  ]) assert.ok(paper.includes(said), `docs/paper.md: ${said}`);
});

test("docs Fig 19: configs/paper/fig19-*.yaml's and fig19.study.yaml's comments quote the same runs", () => {
  const one = measured.get(ONE), mod = measured.get(MODULAR);
  assert.ok(one && mod, "both networks' tests ran");
  const times = (x: Times[]) => `loss < 1e-3 at steps ${x[0].loss.join(" and ")} (seed 0), ${x[1].loss.join(" and ")} (seed 1): the rare task ${lossRatio(x[0]).toFixed(1)} and ${lossRatio(x[1]).toFixed(1)} times later`;
  const level = (x: Times[]) => `${x[0].level.join(" / ")} and ${x[1].level.join(" / ")}`;
  const saidOne = `skillsim gives: ${times(one)}; level > 0.9 at ${level(one)}. The rare task had ${one[0].samples} and ${one[1].samples} of the 1000 samples.`;
  assert.ok(opening("paper/fig19-one-network.yaml").includes(saidOne), `paper/fig19-one-network.yaml: ${saidOne}`);
  const seeds = one.map((_, s) => s);
  const shrinks = seeds.filter((s) => lossRatio(mod[s]) < lossRatio(one[s]));
  const grows = seeds.filter((s) => !shrinks.includes(s));
  assert.equal(grows.length, 1);
  const saidMod = `skillsim gives: ${times(mod)}, against ${lossRatio(one[0]).toFixed(1)} and ${lossRatio(one[1]).toFixed(1)} in one network on the same data (fig19-one-network.yaml). Level > 0.9 at ${level(mod)}. Over seeds 0-${seeds.length - 1} the ratio shrinks in ${shrinks.length} of ${seeds.length} (seed ${grows[0]}: ${lossRatio(mod[grows[0]]).toFixed(1)} against ${lossRatio(one[grows[0]]).toFixed(1)}; docs/paper.md).`;
  assert.ok(opening("paper/fig19-modular.yaml").includes(saidMod), `paper/fig19-modular.yaml: ${saidMod}`);
  const three = (x: Times[]) => x.slice(0, 3).map((t) => lossRatio(t).toFixed(1)).join(", ");
  const saidStudy = `has skillsim's numbers per seed: ${three(one)} in one network, ${three(mod)} with modules).`;
  assert.ok(opening("paper/fig19.study.yaml").includes(saidStudy), `paper/fig19.study.yaml: ${saidStudy}`);
});

test("docs Fig 19: configs/paper/fig19-*.yaml are the measured configs' settings (apart from their title and what they record)", async () => {
  const settings = async (config: string) => {
    const r = await cliIn(["run", join(ROOT, "configs", config), "--set", "steps=1", "--json", "-q"]);
    assert.equal(r.code, 0, r.stderr);
    const c = JSON.parse(r.stdout).config as Record<string, unknown>;
    delete c.title;
    delete c.record;
    return c;
  };
  assert.deepEqual(await settings("paper/fig19-one-network.yaml"), await settings(ONE.config));
  assert.deepEqual(await settings("paper/fig19-modular.yaml"), await settings(MODULAR.config));
});
