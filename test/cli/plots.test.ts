import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

test("sweep --plot draws final loss vs the swept key, deterministically", async () => {
  const dir = tempDir();
  const out = join(dir, "n0.jsonl");
  const r = await cliIn(["sweep", "configs/sweep-resource-N0.yaml", "--out", out, "--plot", join(dir, "a.svg"), "--jobs", "1", "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  const svg = readFileSync(join(dir, "a.svg"), "utf8");
  assert.match(svg, /^<svg/);
  assert.match(svg, />N0</);
  assert.match(svg, />2</); // the colour legend: zipf 1 and 2
  const again = await cliIn(["sweep", "configs/sweep-resource-N0.yaml", "--out", out, "--resume", "--plot", join(dir, "b.svg"), "--quiet"]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(readFileSync(join(dir, "b.svg"), "utf8"), svg);
});

test("sweep --plot needs --out, a figure extension and a swept key", async () => {
  const dir = tempDir();
  const noOut = await cliIn(["sweep", "configs/sweep-resource-N0.yaml", "--plot", join(dir, "a.svg")]);
  assert.equal(noOut.code, 2);
  assert.match(noOut.stderr, /--plot needs --out/);
  const badExt = await cliIn(["sweep", "configs/sweep-resource-N0.yaml", "--out", join(dir, "x.jsonl"), "--plot", join(dir, "a.gif")]);
  assert.equal(badExt.code, 2);
  assert.match(badExt.stderr, /must end in \.svg, \.png, \.vl\.json or \.html/);
  const badKey = await cliIn(["sweep", "configs/sweep-resource-N0.yaml", "--out", join(dir, "y.jsonl"), "--plot", join(dir, "a.svg"), "--plot-x", "nope", "--quiet"]);
  assert.equal(badKey.code, 2);
  assert.match(badKey.stderr, /^skillsim: --plot-x nope: not a swept key; the sweep block of configs\/sweep-resource-N0\.yaml sweeps N0, skills\.frequencies\.zipf\n$/);
  assert.equal(existsSync(join(dir, "y.jsonl")), false, "checked before any run");
});
