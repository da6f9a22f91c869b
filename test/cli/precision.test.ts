/**
 * `precision: float32` through the real CLI: the run JSON and the text report name it, a bad
 * value is a config error (exit 2), and the paper's full Fig 10 / Fig 18 sweeps expand to the
 * authors' grids (3,200 runs each; every run's config is validated in gallery.test.ts) and shard.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { planSweep } from "../../src/sweep/grid.js";
import { ROOT } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const CFG = join(ROOT, "test", "regression", "configs", "geometry-float32-ce-adam.yaml");

test("run --json names the precision in its config; the text header says float32", async () => {
  const json = await cliIn(["run", CFG, "--json", "-q"]);
  assert.equal(json.code, 0, json.stderr);
  assert.equal(JSON.parse(json.stdout).config.precision, "float32");
  const text = await cliIn(["run", CFG, "-q"]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout.split("\n")[0], /batch 16, float32 ·/);
  const f64 = await cliIn(["run", CFG, "-q", "--json", "--set", "precision=float64"]);
  assert.notEqual(JSON.parse(f64.stdout).final.loss, JSON.parse(json.stdout).final.loss);
  const plain = await cliIn(["run", CFG, "-q", "--set", "precision=float64"]);
  assert.doesNotMatch(plain.stdout.split("\n")[0], /float/);
});

test("precision: a value other than float64 or float32 is a config error naming the key (exit 2)", async () => {
  const r = await cliIn(["run", CFG, "--set", "precision=float16"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^skillsim: config error: --set precision=float16: precision: must be one of "float64", "float32"/);
  assert.equal(r.stdout, "");
});

test("configs/paper/fig10-full.yaml and fig18-full.yaml: the authors' grids, 3,200 runs each, sharded", async () => {
  const N = Array.from({ length: 50 }, (_, i) => 20 * (i + 1));
  const zipf = [0.5, 1, 1.2, 1.4, 1.6, 1.8, 2, 4];
  for (const [file, key, values] of [
    ["fig10-full.yaml", "optimizer", ["signgd", "adam"]],
    ["fig18-full.yaml", "skills.vectors", ["modular", "random"]],
  ] as const) {
    const path = join(ROOT, "configs", "paper", file);
    const plan = planSweep(readFileSync(path, "utf8"), { file: path });
    assert.equal(plan.total, 3200);
    const runs = Array.from({ length: plan.total }, (_, id) => ({ id, overrides: plan.overridesOf(id) }));
    const distinct = (k: string) => [...new Set(runs.map((x) => x.overrides[k]))];
    assert.deepEqual(distinct(key), values);
    assert.deepEqual(distinct("skills.frequencies.zipf"), zipf);
    assert.deepEqual(distinct("params"), N);
    assert.deepEqual(distinct("seed"), [0, 1, 2, 3]);
    // Through the CLI: one shard's runs, validated and listed.
    const shard = await cliIn(["sweep", path, "--dry-run", "--shard", "3/400"]);
    assert.equal(shard.code, 0, shard.stderr);
    assert.deepEqual(shard.stdout.trim().split("\n").map((l) => JSON.parse(l).id), [2, 402, 802, 1202, 1602, 2002, 2402, 2802]);
  }
});
