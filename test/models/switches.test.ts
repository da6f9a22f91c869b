/**
 * Several frequency switches on one skill (Resource map): of those that are on, the highest
 * at_level applies whatever the list order; two at one level are refused; and the loss at the
 * switching step uses the frequencies in force there. Through the real CLI.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const dir = tempDir();
const BASE = "model: resource\nskills:\n  count: 3\n  frequencies: [0.3333333333333333, 0.3333333333333333, 0.0045]\n  switches: SW\nrate: 0.00935414346693485\nN0: 0.1\nsteps: 3000\nrecord: every\n";

async function run(switches: string): Promise<any> {
  const f = join(dir, `sw${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(f, BASE.replace("SW", switches));
  const r = await cliIn(["run", f, "--json", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test("two switches of one skill: the highest at_level that is on applies, in either list order", async () => {
  const a = await run("[{skill: 3, at_level: 0.5, frequency: 0.2}, {skill: 3, at_level: 0.3, frequency: 0.02}]");
  const b = await run("[{skill: 3, at_level: 0.3, frequency: 0.02}, {skill: 3, at_level: 0.5, frequency: 0.2}]");
  assert.deepEqual(a.trace.level, b.trace.level);
  assert.deepEqual(a.trace.loss, b.trace.loss);
  // past 0.5 the 0.5 switch's frequency is in force: not the run with the 0.3 switch alone
  const low = await run("[{skill: 3, at_level: 0.3, frequency: 0.02}]");
  const on05 = a.summary.switches.find((w: any) => w.at_level === 0.5).on[0];
  const k = a.trace.t.indexOf(on05 + 5);
  assert.ok(a.trace.level[2][k] > low.trace.level[2][k] + 1e-6);
  // and the loss there is computed with frequency 0.2 for skill 3
  const p = [1 / 3, 1 / 3, 0.2].map((x, i) => (i < 2 ? 0.3333333333333333 : x));
  const L = p.reduce((s, pi, i) => s + pi * (1 - a.trace.level[i][k]) ** 2, 0);
  assert.ok(Math.abs(a.trace.loss[k] - L) <= 1e-15 * Math.max(1, L), `${a.trace.loss[k]} vs ${L}`);
});

test("the loss at the switching step uses the frequencies in force (Fig 16 bottom: t = 1914)", async () => {
  const j = await run("[{skill: 3, at_level: 0.5, frequency: 0.08}]");
  const t = j.summary.switches[0].on[0];
  assert.equal(t, 1914);
  const k = j.trace.t.indexOf(t);
  assert.ok(j.trace.level[2][k] >= 0.5 && j.trace.level[2][k - 1] < 0.5);
  const L = (freq: number) => 0.3333333333333333 * ((1 - j.trace.level[0][k]) ** 2 + (1 - j.trace.level[1][k]) ** 2) + freq * (1 - j.trace.level[2][k]) ** 2;
  assert.ok(Math.abs(j.trace.loss[k] - L(0.08)) < 1e-15, `${j.trace.loss[k]} vs ${L(0.08)} (old frequency: ${L(0.0045)})`);
  assert.ok(Math.abs(j.trace.loss[k] - 0.02) < 1e-3);
});

test("two switches of one skill at the same level are refused, naming the key", async () => {
  const f = join(dir, "same.yaml");
  writeFileSync(f, BASE.replace("SW", "[{skill: 3, at_level: 0.5, frequency: 0.2}, {skill: 3, at_level: 0.5, frequency: 0.02}]"));
  const r = await cliIn(["run", f]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^skillsim: config error: .*same\.yaml:\d+:\d+: skills\.switches\.1\.at_level: 0\.5 is also the at_level of switch 1 of skill 3; of a skill's switches that are on, the highest at_level applies/);
});
