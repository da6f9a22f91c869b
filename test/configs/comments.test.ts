/**
 * Each example config opens with what its output should look like. These tests run the
 * configs through the CLI and check that the numbers their opening comments quote are the
 * numbers skillsim prints, so a comment cannot drift from the code.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers.js";
import { cliIn } from "../inprocess.js";

interface Skill { index: number; onset: number | null; half: number | null; learned: number | null; final: number }
interface Run { skills: Skill[]; final: { loss: number }; domino: { gaps: { gap: number | null }[]; ratio21: number | null }; summary: Record<string, unknown> }

function opening(file: string): string {
  const lines = readFileSync(join(ROOT, "configs", file), "utf8").split("\n");
  return lines.slice(0, lines.findIndex((l) => !l.startsWith("#"))).join("\n");
}

async function run(file: string): Promise<Run> {
  const r = await cliIn(["run", `configs/${file}`, "--json", "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Run;
}

/** The comment quotes `text`, and `text` contains what the run gives. */
function quotes(file: string, text: string, value: string): void {
  assert.ok(opening(file).replace(/\n# ?/g, " ").includes(text), `${file}: the comment should say "${text}"`);
  assert.ok(text.includes(value), `${file}: the comment says "${text}" but the run gives ${value}`);
}

test("domino-serial.yaml: the gap is +0.2 t0 = 10.54 steps (next onset minus learned)", async () => {
  const j = await run("domino-serial.yaml");
  for (const g of j.domino.gaps) assert.equal(g.gap!.toFixed(2), "10.54");
  quotes("domino-serial.yaml", "domino gaps of exactly +0.2 t0 = 10.54 steps", `+0.2 t0 = ${j.domino.gaps[0].gap!.toFixed(2)}`);
});

test("domino-modules-1.yaml: the baseline finishes at 64 t0 = 3333 steps and reports no speed-up", async () => {
  const j = await run("domino-modules-1.yaml");
  const m = j.summary.modules as { finish_time: number };
  quotes("domino-modules-1.yaml", "finished at 64 t0 = 3333 steps", `= ${Math.round(m.finish_time)} steps`);
  const text = (await cliIn(["run", "configs/domino-modules-1.yaml", "--quiet"])).stdout;
  assert.doesNotMatch(text, /speed-up/);
});

test("geometry-minimal.yaml: learned times, and skill 2 starts before skill 1 is learned", async () => {
  const j = await run("geometry-minimal.yaml");
  const learned = j.skills.map((s) => s.learned);
  quotes("geometry-minimal.yaml", "learned at about 141, 243, 317, ..., 566 steps", `${learned[0]}, ${learned[1]}, ${learned[2]}, ..., ${learned[9]}`);
  quotes("geometry-minimal.yaml", "skill 2's onset at step 51, skill 1 learned at 141", `onset at step ${j.skills[1].onset}, skill 1 learned at ${learned[0]}`);
});

test("geometry-random.yaml and geometry-modular.yaml: the order of learning the comments describe", async () => {
  const r = await run("geometry-random.yaml");
  const L = r.skills.map((s) => s.learned!);
  assert.ok(r.skills.every((s) => s.learned !== null));
  quotes("geometry-random.yaml", "skill 3 is learned at step 239, after skills 4 and 5 (84, 116), and skill 18 already at 130", `step ${L[2]}, after skills 4 and 5 (${L[3]}, ${L[4]}), and skill 18 already at ${L[17]}`);
  const m = await run("geometry-modular.yaml");
  const M = m.skills.map((s) => s.learned!);
  quotes("geometry-random.yaml", "(27 and 50 steps vs 142 and 137)", `(${L[0]} and ${L[1]} steps vs ${M[0]} and ${M[1]})`);
  assert.ok(m.skills.every((s) => s.learned !== null));
  for (const k of [16, 17, 18, 19]) assert.ok(M[k] >= 280 && M[k] <= 310, `rarest at 280-310: skill ${k + 1} at ${M[k]}`);
  quotes("geometry-modular.yaml", "the rarest last at 280-310 steps", "280-310");
});

test("geometry-ce-overparam.yaml: 97 of 500 learned, final loss 0.298", async () => {
  const j = await run("geometry-ce-overparam.yaml");
  const n = j.skills.filter((s) => s.learned !== null).length;
  quotes("geometry-ce-overparam.yaml", "97 of the 500 by the end", `${n} of the ${j.skills.length}`);
  quotes("geometry-ce-overparam.yaml", "final loss plateaus well above 0 (0.298)", `(${j.final.loss.toFixed(3)})`);
  quotes("geometry-ce-overparam.yaml", "skills 1-3 by step 420", `by step ${Math.max(...j.skills.slice(0, 3).map((s) => s.learned!))}`);
});

test("sweep-resource-N0.yaml: the serial runs finish at 512-536 steps", async () => {
  const r = await cliIn(["sweep", "configs/sweep-resource-N0.yaml", "--jobs", "1", "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Run & { overrides: Record<string, number> });
  const serial = lines.filter((l) => l.overrides.N0 <= 1e-3).map((l) => Math.max(...l.skills.map((s) => s.learned!)));
  assert.equal(serial.length, 4);
  quotes("sweep-resource-N0.yaml", "at 512-536 steps for both tails", `${Math.min(...serial)}-${Math.max(...serial)}`);
  const n01 = lines.filter((l) => l.overrides.N0 === 0.1).map((l) => l.skills.filter((s) => s.learned !== null).length);
  assert.deepEqual(n01, [10, 5]);
});

test("paper/fig16-top-theory.yaml: the half and learned times and the ratio its comment quotes", async () => {
  const j = await run("paper/fig16-top-theory.yaml");
  const [a, b] = j.skills;
  quotes("paper/fig16-top-theory.yaml", "skill 1 half / learned at 65 / 133, skill 2 at 309 / 695", `skill 1 half / learned at ${a.half} / ${a.learned}, skill 2 at ${b.half} / ${b.learned}`);
  quotes("paper/fig16-top-theory.yaml", "learned_2 / learned_1 = 5.2", `= ${(b.learned! / a.learned!).toFixed(1)}`);
});
