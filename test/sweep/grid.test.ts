import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../../src/config/load.js";
import { deriveSeed } from "../../src/engine/rng.js";
import { configHash } from "../../src/config/hash.js";
import { inShard, parseShard, planSweep, shardIds, shardSize, SweepError } from "../../src/sweep/grid.js";

const BASE = `model: resource
skills: {count: 5, frequencies: {zipf: 2}}
seed: 7
steps: 50
`;
const plan = (sweep: string, base = BASE) => planSweep(base + sweep, { file: "s.yaml" });

/** The loader's error for `yaml` as "where: key: message", or "" if it loads. */
function errorOf(f: () => void): string {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e.format();
    if (e instanceof SweepError) return e.message;
    throw e;
  }
  return "";
}

test("runs are the cartesian product in sweep order, the last key varying fastest", () => {
  const p = plan("sweep:\n  params: [20, 40, 80]\n  skills.frequencies.zipf: [1, 1.5]\n  seed: [0, 1]\n");
  assert.equal(p.total, 12);
  const expected: Record<string, unknown>[] = [];
  for (const params of [20, 40, 80]) for (const zipf of [1, 1.5]) for (const seed of [0, 1]) expected.push({ params, "skills.frequencies.zipf": zipf, seed });
  const got = Array.from({ length: 12 }, (_, id) => p.overridesOf(id));
  assert.deepEqual(got, expected);
  assert.deepEqual(Object.keys(got[0]), ["params", "skills.frequencies.zipf", "seed"]);
  assert.deepEqual(p.overridesOf(2), { params: 20, "skills.frequencies.zipf": 1.5, seed: 0 });
  assert.throws(() => p.overridesOf(12), RangeError);
});

test("a run's config is the base config without the sweep block, overrides applied, seed derived from (seed, id)", () => {
  const p = plan("sweep:\n  N0: [0.001, 0.1]\n  skills.frequencies.zipf: [1, 2, 3]\n");
  for (let id = 0; id < p.total; id++) {
    const r = p.run(id);
    const o = r.overrides as { N0: number; "skills.frequencies.zipf": number };
    const direct = loadConfig(BASE, { file: "x", sets: [`N0=${o.N0}`, `skills.frequencies.zipf=${o["skills.frequencies.zipf"]}`, `seed=${deriveSeed(7, id)}`] });
    assert.deepEqual(r.cfg, direct);
    assert.equal("sweep" in r.cfg, false);
    assert.equal(r.hash, configHash(direct));
  }
  const seeds = new Set(Array.from({ length: p.total }, (_, id) => p.run(id).cfg.seed));
  assert.equal(seeds.size, p.total, "every run gets its own seed");
});

test("a swept seed is used as given", () => {
  const p = plan("sweep:\n  seed: [3, 0, 3]\n");
  assert.deepEqual([0, 1, 2].map((id) => p.run(id).cfg.seed), [3, 0, 3]);
});

test("values may be whole sections (flow YAML), applied like --set", () => {
  const p = plan("sweep:\n  skills.frequencies: [{zipf: 1}, {exponential: 2}, [1, 2, 3, 4, 5]]\n");
  assert.deepEqual(p.run(1).cfg.skills.frequencies, { exponential: 2 });
  assert.deepEqual(p.run(2).cfg.skills.frequencies, [1, 2, 3, 4, 5]);
});

test("bad sweeps are config errors naming file:line:col and the sweep key", () => {
  const cases: [string, string, RegExp][] = [
    ["unknown key with the loader's suggestion", "sweep:\n  parms: [1, 2]\n", /^s\.yaml:6:3: sweep\.parms: unknown key; did you mean "params"\?$/],
    ["unknown section", "sweep:\n  skill.count: [3]\n", /^s\.yaml:6:3: sweep\.skill\.count: skill: unknown key; did you mean "skills"\?$/],
    ["empty block", "sweep: {}\n", /^s\.yaml:5:1: sweep: the sweep block is empty/],
    ["null block", "sweep:\n", /^s\.yaml:5:1: sweep: the sweep block is empty/],
    ["not a list", "sweep:\n  params: 3\n", /^s\.yaml:6:11: sweep\.params: expected an array/],
    ["empty list", "sweep:\n  params: []\n", /sweep\.params: needs at least 1 item/],
    ["sweeping the sweep", "sweep:\n  sweep.x: [1]\n", /^s\.yaml:6:3: sweep\.sweep\.x: a sweep cannot sweep/],
    ["overlapping keys", "sweep:\n  skills: [{count: 3}]\n  skills.count: [3]\n", /^s\.yaml:7:3: sweep\.skills\.count: overlaps sweep\.skills/],
    ["too many runs", "sweep:\n  seed: [" + Array.from({ length: 1001 }, (_, i) => i).join(",") + "]\n  params: [" + Array.from({ length: 1000 }, (_, i) => i + 1).join(",") + "]\n",
      /^s\.yaml:5:1: sweep: 1001 seed x 1000 params is 1,001,000 runs, more than the limit of 1,000,000/],
  ];
  for (const [what, sweep, re] of cases)
    assert.match(errorOf(() => {
      const p = plan(sweep);
      p.validate(shardIds(p.total));
    }), re, what);
  assert.match(errorOf(() => planSweep(BASE, { file: "s.yaml" })), /^s\.yaml: has no sweep block/);
});

test("validate: a bad value is blamed on its own line:col before any run", () => {
  const p = plan("sweep:\n  N0: [0.1, 0.2]\n  params: [10,\n    -1, 20]\n");
  assert.match(errorOf(() => p.validate(shardIds(p.total))), /^s\.yaml:8:5: sweep\.params: must be > 0, got -1 \(value 2 of 3\)$/);
  const q = plan("sweep:\n  seed: [0, -2]\n");
  assert.match(errorOf(() => q.validate(shardIds(q.total))), /^s\.yaml:6:13: sweep\.seed: must be >= 0, got -2/);
  const r = plan("sweep:\n  skills.count: [5, 6]\n", BASE.replace("{zipf: 2}", "[1, 2, 3, 4, 5]"));
  assert.match(errorOf(() => r.validate(shardIds(r.total))), /^s\.yaml:6:21: sweep\.skills\.count: is 6 but skills\.frequencies lists 5 values/);
});

test("validate: values that clash only together are blamed on the run, for the shard being run", () => {
  const p = plan("sweep:\n  skills.count: [3, 4]\n  skills.frequencies: [[1, 2, 3], [1, 2, 3, 4]]\n", BASE.replace("count: 5, ", ""));
  // ids: 0 (3, [3]) ok, 1 (3, [4]) bad, 2 (4, [3]) bad, 3 (4, [4]) ok
  assert.match(errorOf(() => p.validate(shardIds(p.total))), /^s\.yaml:5:1: sweep: run 1 \(skills\.count=3, skills\.frequencies=\[1,2,3,4\]\): skills\.count: is 3/);
  assert.match(errorOf(() => p.validate(shardIds(p.total, { index: 1, count: 2 }))), /run 2 \(skills\.count=4/);
  assert.equal(errorOf(() => p.validate([0, 3])), "");
});

test("--set sweep.KEY=[...] sets one axis (issue 21); the whole block and a non-list are refused", () => {
  const p = planSweep(BASE + "sweep: {seed: [1]}\n", { file: "s.yaml", sets: ["sweep.seed=[2, 3]"] });
  assert.deepEqual(p.keys.map((k) => [k.key, k.values]), [["seed", [2, 3]]]);
  assert.match(errorOf(() => planSweep(BASE + "sweep: {seed: [1]}\n", { file: "s.yaml", sets: ["sweep={seed: [2]}"] })), /--set sweep=\{seed: \[2\]\}: --set cannot replace the whole sweep block/);
  assert.match(errorOf(() => planSweep(BASE + "sweep: {seed: [1]}\n", { file: "s.yaml", sets: ["sweep.seed=2"] })), /a sweep axis takes a non-empty list of values/);
});

test("--shard I/K: accepted forms and clear errors", () => {
  assert.deepEqual(parseShard("2/8"), { index: 2, count: 8 });
  assert.deepEqual(parseShard("1/1"), { index: 1, count: 1 });
  for (const bad of ["0/3", "4/3", "3", "/3", "a/b", "1/0", "-1/3", "1.5/3", ""])
    assert.throws(() => parseShard(bad), (e: Error) => e instanceof SweepError && /^--shard: expected I\/K with 1 <= I <= K/.test(e.message), bad);
});

test("the K shards of a sweep partition its ids (property)", () => {
  for (const total of [1, 2, 7, 30, 31]) {
    for (const count of [1, 2, 3, 5, 8, 40]) {
      const seen = new Array<number>(total).fill(0);
      for (let index = 1; index <= count; index++) {
        const ids = [...shardIds(total, { index, count })];
        assert.equal(ids.length, shardSize(total, { index, count }));
        for (const id of ids) {
          assert.ok(inShard(id, { index, count }));
          assert.equal(id % count, index - 1);
          seen[id]++;
        }
      }
      assert.deepEqual(seen, new Array(total).fill(1), `total ${total}, K ${count}`);
    }
  }
});
