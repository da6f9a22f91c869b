/**
 * The paper gallery (configs/paper/): every config loads, runs (at reduced size where a full
 * run is long) and gives finite results; every sweep block expands to valid configs; every
 * file opens with what the paper shows, the command and what skillsim gives. So none can rot.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load.js";
import { runModel } from "../../src/models/index.js";
import { planSweep } from "../../src/sweep/grid.js";
import { parseStudy } from "../../src/study/spec.js";
import { ROOT, tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const DIR = join(ROOT, "configs", "paper");
// Configs; the fig<N>.study.yaml files beside them are studies (tested below and in test/cli/study.test.ts).
const files = readdirSync(DIR).filter((f) => f.endsWith(".yaml") && !f.endsWith(".study.yaml")).sort();
const studies = readdirSync(DIR).filter((f) => f.endsWith(".study.yaml")).sort();

for (const f of studies) {
  test(`gallery: the study ${f} opens with the paper and the command, and every check names its source`, () => {
    const path = join(DIR, f);
    const text = readFileSync(path, "utf8");
    const head = text.split("\n").filter((l) => l.startsWith("#")).join("\n");
    assert.match(head, /^# Paper, Fig \d+/);
    assert.match(head, /# Run: +skillsim study configs\/paper\//);
    const s = parseStudy(text, path, (p) => readFileSync(p, "utf8"));
    assert.ok(s.paper, "a paper: block");
    // A figure id with a part ("16 top") is named with a hyphen: fig16-top.study.yaml.
    assert.equal(`fig${String(s.paper.figure).replace(/ /g, "-")}.study.yaml`, f);
    for (const c of s.paper.checks) assert.ok(c.source.length > 5 && (c.tolerance.abs !== undefined || c.tolerance.rel !== undefined));
  });
}

/** Reduced sizes for the long runs (the test checks that they run, not their physics). */
function reduce(text: string): string[] {
  const sets: string[] = [];
  if (/^model: network/m.test(text)) {
    // Real networks (figs 2, 13, 16, 19): a few updates on a small data set; full runs take minutes.
    sets.push("steps=20", /kind: modular-addition/.test(text) ? "task.modulus=11" : "task.samples=400");
    return sets;
  }
  const steps = Number(/^steps: (\S+)/m.exec(text)?.[1] ?? 1000);
  if (steps > 1500) sets.push("steps=1500");
  if (/count: 1000/.test(text)) sets.push("steps=200", "record={points: 20, spacing: log}");
  return sets;
}

test("the gallery covers the toy-model figures", () => {
  for (const fig of [4, 5, 6, 7, 8, 9, 10, 12, 15, 16, 17, 18])
    assert.ok(files.some((f) => f.startsWith(`fig${fig}-`)), `no configs/paper/fig${fig}-*.yaml`);
});

test("the gallery covers the real-network figures", () => {
  for (const prefix of ["fig2-", "fig13-", "fig16-network-", "fig19-"])
    assert.ok(files.some((f) => f.startsWith(prefix)), `no configs/paper/${prefix}*.yaml`);
});

test("gallery: Fig 16's network is Fig 2's p2 = 0.05 run, and Fig 13's two runs differ only in betas and length", () => {
  const load = (f: string, sets: string[] = []) => {
    const c = loadConfig(readFileSync(join(DIR, f), "utf8"), { file: join(DIR, f), sets }) as unknown as Record<string, unknown>;
    const { title: _t, record: _r, timeline: _l, sweep: _s, ...rest } = c;
    return rest;
  };
  assert.deepEqual(load("fig16-network-calibrate.yaml"), load("fig2-bottom-rare.yaml"));
  assert.deepEqual(load("fig13-adam.yaml", ["optimizer.beta1=0", "optimizer.beta2=0", "steps=1000"]), load("fig13-signgd.yaml"));
  assert.deepEqual(load("fig19-modular.yaml", ["network.modules=1"]), load("fig19-one-network.yaml"));
});

for (const f of files) {
  test(`gallery: ${f} opens with the paper, the command and skillsim's numbers, and runs`, () => {
    const path = join(DIR, f);
    const text = readFileSync(path, "utf8");
    const head = text.split("\n").filter((l) => l.startsWith("#")).join("\n");
    assert.match(head, /^# Paper, Fig \d+/);
    assert.match(head, /# Run: +skillsim (run|sweep) configs\/paper\//);
    assert.match(head, /# skillsim gives/);
    const cfg = loadConfig(text, { file: path, sets: reduce(text) });
    const out = runModel(cfg);
    assert.ok(Number.isFinite(out.final.loss), `final loss ${out.final.loss}`);
    assert.ok(out.trace.t.length > 1);
    if (cfg.sweep) {
      const plan = planSweep(text, { file: path });
      plan.validate(Array.from({ length: plan.total }, (_, i) => i));
      assert.match(head, /skillsim sweep configs\/paper\//, "a config with a sweep block shows the sweep command");
    }
  });
}

test("gallery through the CLI: fig16's reference timeline and a figure", async () => {
  const dir = tempDir();
  const r = await cliIn(["run", "configs/paper/fig16-bottom-theory.yaml", "--json", "-q", "--plot", join(dir, "f.svg")]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.skills.map((s: { learned: number }) => s.learned), [270, 270, 2172]);
  assert.match(readFileSync(join(dir, "f.svg"), "utf8"), /^<svg/);
});
