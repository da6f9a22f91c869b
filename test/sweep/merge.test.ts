import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../src/errors.js";
import { planSweep } from "../../src/sweep/grid.js";
import { mergeSweepFiles, type MergeOptions } from "../../src/sweep/merge.js";
import { runJob } from "../../src/sweep/worker.js";
import { tempDir } from "../helpers.js";

const line = (id: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id, overrides: { N0: id / 10 }, final: { loss: id }, config_hash: `h${id}`, ...extra });

function files(contents: Record<string, string>): { dir: string; paths: string[] } {
  const dir = tempDir();
  const paths = Object.entries(contents).map(([name, text]) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  });
  return { dir, paths };
}

async function merge(paths: string[], opts: MergeOptions = {}): Promise<{ text: string; notes: string[] }> {
  const chunks: Buffer[] = [];
  const notes: string[] = [];
  await mergeSweepFiles(paths, { write: (c) => void chunks.push(c), note: (m) => notes.push(m), ...opts });
  return { text: Buffer.concat(chunks).toString("utf8"), notes };
}

async function mergeError(paths: string[], opts: MergeOptions = {}): Promise<string> {
  try {
    await merge(paths, opts);
  } catch (e) {
    assert.ok(e instanceof InputError, String(e));
    return e.message;
  }
  assert.fail("expected an error");
}

test("merge sorts by id, keeps identical duplicates once, and copies lines byte for byte", async () => {
  const odd = `${line(3)}\n${line(1)}\n`;
  const even = `${line(2)}\n${line(0)}\n\n${line(1)}\n`; // blank line ignored; 1 again, identical
  const { paths } = files({ "a.jsonl": odd, "b.jsonl": even });
  const { text, notes } = await merge(paths);
  assert.equal(text, [0, 1, 2, 3].map((i) => line(i) + "\n").join(""));
  assert.deepEqual(notes, ["run 1 appears more than once (identical lines: 1 dropped, each run kept once); were shards overlapping, a file given twice, or two sweeps writing one file?"]);
});

test("merge notes ids missing below the largest id", async () => {
  const { paths } = files({ "a.jsonl": `${line(0)}\n${line(4)}\n` });
  const { text, notes } = await merge(paths);
  assert.equal(text.split("\n").length, 3);
  assert.match(notes[0], /no file has runs 1, 2, 3/);
});

test("merge errors name file:line", async () => {
  const { dir, paths } = files({
    "a.jsonl": `${line(0)}\n${line(1)}\n`,
    "differs.jsonl": `${line(1, { final: { loss: 99 } })}\n`,
    "otherconfig.jsonl": `${line(0, { config_hash: "zzz" })}\n`,
    "notjson.jsonl": `${line(2)}\n{"id": 3,}\n`,
    "noid.jsonl": `${line(2)}\n{"overrides": {}, "config_hash": "x"}\n`,
    "partial.jsonl": `${line(2)}\n${line(3).slice(0, 20)}`,
    "keys.jsonl": `${JSON.stringify({ id: 5, overrides: { params: 10 }, config_hash: "h" })}\n`,
    "array.jsonl": "[1, 2]\n",
  });
  const [a, differs, otherconfig, notjson, noid, partial, keys, array] = paths;
  assert.match(await mergeError([a, differs]), new RegExp(`^${differs}:1: run 1 differs from run 1 at ${a}:2 \\(same config_hash`));
  assert.match(await mergeError([a, otherconfig]), new RegExp(`^${otherconfig}:1: run 0 differs .*config_hash h0 vs zzz: they were run from different configs`));
  assert.match(await mergeError([notjson]), new RegExp(`^${notjson}:2: not a JSON line`));
  assert.match(await mergeError([noid]), new RegExp(`^${noid}:2: no run "id"`));
  assert.match(await mergeError([partial]), new RegExp(`^${partial}:2: incomplete last line.*--resume`));
  assert.match(await mergeError([a, keys]), new RegExp(`^${keys}:1: swept keys \\(params\\) differ from those at ${a}:1 \\(N0\\); these files come from different sweeps`));
  assert.match(await mergeError([array]), /not a sweep result/);
  assert.match(await mergeError([join(dir, "nope.jsonl")]), /nope\.jsonl: cannot read sweep output: no such file/);
  assert.match(await mergeError([dir]), /is a directory/);
});

test("merge --config checks every config_hash and that no run is missing", async () => {
  const yaml = "model: resource\nskills: {count: 3}\nsteps: 20\nsweep:\n  N0: [0.01, 0.1, 1]\n";
  const plan = planSweep(yaml, { file: "s.yaml" });
  const lines = [0, 1, 2].map((id) => runJob(plan.run(id)).line);
  const { paths } = files({
    "all.jsonl": `${lines[2]}\n${lines[0]}\n${lines[1]}\n`,
    "some.jsonl": `${lines[2]}\n${lines[0]}\n`,
  });
  assert.equal((await merge([paths[0]], { plan })).text, lines.map((l) => l + "\n").join(""));
  assert.match(await mergeError([paths[1]], { plan }), /^1 of 3 runs are missing: ids 1; run the missing shards/);
  const changed = planSweep(yaml.replace("steps: 20", "steps: 21"), { file: "s.yaml" });
  assert.match(await mergeError([paths[0]], { plan: changed }), new RegExp(`^${paths[0]}:2: run 0 has config_hash \\w+, but s\\.yaml gives \\w+ for it: the config changed`));
  const fewer = planSweep(yaml.replace("[0.01, 0.1, 1]", "[0.01, 0.1]"), { file: "s.yaml" });
  assert.match(await mergeError([paths[0]], { plan: fewer }), /run 2 is not in the sweep of s\.yaml, which has 2 runs/);
});

test("merge --out writes the file atomically (no temporary file left, none on error)", async () => {
  const { dir, paths } = files({ "a.jsonl": `${line(1)}\n${line(0)}\n`, "bad.jsonl": "nope\n" });
  const out = join(dir, "merged.jsonl");
  await mergeSweepFiles([paths[0]], { out });
  assert.equal(readFileSync(out, "utf8"), `${line(0)}\n${line(1)}\n`);
  await assert.rejects(mergeSweepFiles([paths[1]], { out: join(dir, "never.jsonl") }), InputError);
  assert.equal(existsSync(join(dir, "never.jsonl")), false);
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes(".tmp")), []);
});

test("lines longer than the 1 MiB read chunk survive merging intact", async () => {
  const big = line(1, { pad: "x".repeat(3 << 20) });
  const { paths } = files({ "a.jsonl": `${big}\n${line(0)}\n` });
  const { text } = await merge(paths);
  assert.equal(text, `${line(0)}\n${big}\n`);
});
