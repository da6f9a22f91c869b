/**
 * The squares task (Fig 19) offers the authors' draw (issue 21): `task.draw: exact` gives
 * exactly round(p_i n) samples per task, whatever the seed; the default (random) keeps the
 * seed's chance counts and its bytes. Through the CLI (in-process).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { exactCounts } from "../../src/models/network/tasks.js";
import { cliIn } from "../inprocess.js";

const run = async (...sets: string[]) => {
  const r = await cliIn(["run", "configs/network-squares.yaml", "--set", "steps=3", ...sets.flatMap((s) => ["--set", s]), "--json", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
};

test("draw: exact gives 990 and 10 of 1000 for every seed; random leaves it to chance", async () => {
  const random = [(await run("seed=0")).summary.trainSamplesPerTask, (await run("seed=1")).summary.trainSamplesPerTask];
  assert.deepEqual(random, [[988, 12], [994, 6]], "the documented 12 and 6 of seeds 0 and 1");
  for (const seed of [0, 1, 2]) {
    const j = await run(`seed=${seed}`, "task.draw=exact");
    assert.deepEqual(j.summary.trainSamplesPerTask, [990, 10]);
    assert.equal(j.config.task.draw, "exact");
  }
  // the default writes no draw key, so existing configs keep their hash and bytes
  assert.equal((await run("seed=0")).config.task.draw, undefined);
  const again = await cliIn(["run", "configs/network-squares.yaml", "--set", "steps=3", "--set", "task.draw=exact", "--json", "-q"]);
  assert.equal(again.stdout, (await cliIn(["run", "configs/network-squares.yaml", "--set", "steps=3", "--set", "task.draw=exact", "--json", "-q"])).stdout, "deterministic");
});

test("exact counts: round(p n) by largest remainders, summing to n", async () => {
  assert.deepEqual(exactCounts([0.99, 0.01], 1000), [990, 10]);
  assert.deepEqual(exactCounts([0.5, 0.3, 0.2], 7), [4, 2, 1]); // 3.5, 2.1, 1.4
  assert.deepEqual(exactCounts([1 / 3, 1 / 3, 1 / 3], 10), [4, 3, 3]);
  assert.equal(exactCounts([0.7, 0.2, 0.1], 999).reduce((a, b) => a + b, 0), 999);
});

test("draw is a squares key: other kinds and other values are refused", async () => {
  const r = await cliIn(["run", "configs/network-multitask-zipf.yaml", "--set", "task.draw=exact"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /task\.draw: is not used by task kind multitask-parity/);
  const bad = await cliIn(["run", "configs/network-squares.yaml", "--set", "task.draw=authors"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /task\.draw: must be one of "random", "exact", got "authors"/);
});
