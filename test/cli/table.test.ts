/**
 * `skillsim table` through the CLI (main(), in-process) (issue 21): rows in id order whatever the line order,
 * --json keeps a swept list as a list, --summary's interval uses the unrounded t quantile, and a
 * very wide --csv suggests --long.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const dir = tempDir();

test("rows in id order from shuffled lines; --json keeps lists as lists; --summary uses the exact t quantile", async () => {
  const cfg = join(dir, "s.yaml");
  writeFileSync(cfg, "model: geometry\nskills: {count: 2, frequencies: [0.9, 0.1]}\nparams: 8\nbatch: 4\nsteps: 60\nsweep:\n  skills.frequencies: [[0.9, 0.1], [0.6, 0.4]]\n  seed: [0, 1, 2]\n");
  const out = join(dir, "s.jsonl");
  const sw = await cliIn(["sweep", cfg, "--out", out, "-q", "-j", "1"]);
  assert.equal(sw.code, 0, sw.stderr);
  const lines = readFileSync(out, "utf8").trim().split("\n");
  const shuffled = join(dir, "shuffled.jsonl");
  writeFileSync(shuffled, [lines[4], lines[0], lines[5], lines[2], lines[1], lines[3]].join("\n") + "\n");
  const j = await cliIn(["table", shuffled, "--json"]);
  assert.equal(j.code, 0, j.stderr);
  const rows = JSON.parse(j.stdout);
  assert.deepEqual(rows.map((r: { id: number }) => r.id), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(rows[0]["skills.frequencies"], [0.9, 0.1]);
  assert.deepEqual(rows[5]["skills.frequencies"], [0.6, 0.4]);
  const text = (await cliIn(["table", shuffled])).stdout.split("\n").filter((l) => /^\s*\d+\s/.test(l)).map((l) => Number(l.trim().split(/\s+/)[0]));
  assert.deepEqual(text, [0, 1, 2, 3, 4, 5]);
  // --summary: three seeds per group; the interval's half-width is t(0.975, 2) sd / sqrt(3), t unrounded
  const s = JSON.parse((await cliIn(["table", shuffled, "--summary", "--json"])).stdout);
  const losses = rows.slice(0, 3).map((r: { final_loss: number }) => r.final_loss);
  const mean = losses.reduce((a: number, b: number) => a + b, 0) / 3;
  const sd = Math.sqrt(losses.reduce((a: number, b: number) => a + (b - mean) ** 2, 0) / 2);
  assert.ok(sd > 0, "seeds differ (mini-batches)");
  const t2 = 0.95 / Math.sqrt(2 * 0.975 * 0.025); // t(0.975, 2) in closed form: 4.302652729...
  assert.ok(Math.abs(s[0].final_loss_lo95 - (mean - (t2 * sd) / Math.sqrt(3))) < 1e-12 * Math.max(1, mean));
  assert.deepEqual(s[0]["skills.frequencies"], [0.9, 0.1]);
});

test("a --csv with thousands of columns suggests --long", async () => {
  const cfg = join(dir, "wide.yaml");
  writeFileSync(cfg, "model: resource\nskills: {count: 1000, frequencies: {zipf: 1}}\nsteps: 20\nsweep:\n  seed: [0, 1]\n");
  const out = join(dir, "wide.jsonl");
  assert.equal((await cliIn(["sweep", cfg, "--out", out, "-q", "-j", "1"])).code, 0);
  const r = await cliIn(["table", out, "--csv"]); // CSV: every skill by default
  assert.equal(r.code, 0, r.stderr);
  const cols = r.stdout.split("\n")[0].split(",").length;
  assert.ok(cols > 3000, String(cols));
  assert.match(r.stderr, new RegExp(`note: ${cols} columns \\(1000 skills\\); --long gives one row per run and skill`));
  assert.doesNotMatch((await cliIn(["table", out, "--csv", "--long"])).stderr, /--long gives/);
});
