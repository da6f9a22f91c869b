/**
 * The Geometry model's physics, through the real CLI (spec: "Behaviour a faithful
 * implementation shows"): these are properties of the model, not tuning targets. (Same seed,
 * same bytes in a fresh process; another seed, another run: reproducible.test.ts.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cliIn } from "../inprocess.js";

interface Skill { index: number; onset: number | null; half: number | null; learned: number | null }

async function run(config: string, sets: string[]): Promise<{ skills: Skill[]; domino: { ratio21: number | null } }> {
  const r = await cliIn(["run", config, "--json", "--quiet", ...sets.flatMap((s) => ["--set", s])]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const seeds = [0, 1, 2];

test("two skills, p1 = 0.95: sgd learns skill 2 about p1/p2 = 19 times later (within 20%)", async () => {
  for (const seed of seeds) {
    const ratio = (await run("configs/geometry-two-skill-sgd.yaml", [`seed=${seed}`])).domino.ratio21!;
    assert.ok(Math.abs(ratio - 19) <= 0.2 * 19, `seed ${seed}: ${ratio}`);
  }
});

test("two skills, p1 = 0.95: signgd only about 2 times later (1.5 to 2.6); adam in between", async () => {
  for (const seed of seeds) {
    const sign = (await run("configs/geometry-two-skill-signgd.yaml", [`seed=${seed}`])).domino.ratio21!;
    const adam = (await run("configs/geometry-two-skill-adam.yaml", [`seed=${seed}`])).domino.ratio21!;
    assert.ok(sign >= 1.5 && sign <= 2.6, `seed ${seed}: signgd ${sign}`);
    assert.ok(adam > sign && adam < 19 * 0.8, `seed ${seed}: adam ${adam} vs signgd ${sign}`);
  }
});

test("minimal example: learned in frequency order at a serial cadence, each next skill already started", async () => {
  const { skills } = await run("configs/geometry-minimal.yaml", []);
  const learned = skills.map((s) => s.learned!);
  for (let i = 1; i < 10; i++) {
    assert.ok(learned[i] > learned[i - 1], `learned ${learned}`);
    // the next skill has started by the time this one is learned (the domino pushes it)
    assert.ok(skills[i].onset! <= learned[i - 1], `skill ${i + 1} onset ${skills[i].onset} vs ${learned[i - 1]}`);
  }
  // serial, not parallel: independent learning would take p1/p10 = 100 times longer for the
  // last skill; a domino of 10 skills takes at most about 10 times the first one's time.
  assert.ok(learned[9] / learned[0] < 10, `${learned[9]} / ${learned[0]}`);
});

test("a diverging run stops with exit code 1 and names the step and the cause", async () => {
  const r = await cliIn(["run", "configs/geometry-two-skill-sgd.yaml", "--set", "lr=1.0e6", "--quiet"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /diverged at step \d+/);
  assert.match(r.stderr, /learning rate/);
  assert.equal(r.stderr.trim().split("\n").length, 1);
});

