/**
 * docs/models.md's float32 figures are what the runs give (issue 21: the docs' numbers are
 * produced by tests): on the scaling setting (configs/scaling/geometry-scaling.yaml at N 220,
 * 1000 random skills, zipf 1, adam, 20,000 steps, seeds 0-4), the largest difference between a
 * `precision: float32` run's final loss and the float64 run's, and the float64 final losses'
 * sample standard deviation over the seeds, at the one digit the page writes. 10 Geometry runs,
 * about 5 s of CPU each.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const MODELS = readFileSync(join(ROOT, "docs", "models.md"), "utf8").replace(/\s+/g, " ");

async function finalLoss(seed: number, precision: string): Promise<number> {
  const sets = ["params=220", "steps=20000", `seed=${seed}`, `precision=${precision}`];
  const r = await cliIn(["run", join(ROOT, "configs", "scaling", "geometry-scaling.yaml"), ...sets.flatMap((s) => ["--set", s]), "--json", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { config: { skills: { count: number; frequencies: { zipf: number }; vectors: string }; optimizer: string | { name: string } }; final: { loss: number } };
  assert.deepEqual([j.config.skills.count, j.config.skills.frequencies.zipf, j.config.skills.vectors], [1000, 1, "random"], "the page's setting");
  return j.final.loss;
}

test("docs/models.md: float32's final losses on the scaling setting differ from float64's by at most the page's bound, against the seed-to-seed spread it quotes", async () => {
  const diffs: number[] = [];
  const f64: number[] = [];
  for (const seed of [0, 1, 2, 3, 4]) {
    const a = await finalLoss(seed, "float64");
    diffs.push(Math.abs((await finalLoss(seed, "float32")) - a));
    f64.push(a);
  }
  const mean = f64.reduce((s, x) => s + x, 0) / f64.length;
  const sd = Math.sqrt(f64.reduce((s, x) => s + (x - mean) ** 2, 0) / (f64.length - 1));
  const said = `On the scaling setting (N 220, 1000 random skills, zipf 1, adam, 20,000 steps, seeds 0-4) the final losses differ from float64's by at most ${Math.max(...diffs).toExponential(0)}, against a seed-to-seed spread of ${sd.toExponential(0)} (standard deviation).`;
  assert.ok(MODELS.includes(said), said);
});
