/** The text report through the real CLI: what its legends and statistics lines say. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cliIn } from "../inprocess.js";

async function report(args: string[]): Promise<string> {
  const r = await cliIn(["run", ...args, "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

test("timeline legend: the count is of skills shown, ░ is a started skill not learned by the end", async () => {
  const out = await report(["configs/domino-modules-4.yaml"]);
  assert.match(out, /^timeline \(showing 30 of 64 skills, spread over the ranks\): █ onset → learned, │ = half, ░ = started, not learned by the end$/m);
  assert.doesNotMatch(out, /not yet learned at the end \(/);
  const few = await report(["configs/resource-default.yaml"]);
  assert.match(few, /^timeline: █ onset → learned, │ = half, ░ = started, not learned by the end$/m);
});

test("module speed-up: reported for k > 1, not for the one-module baseline", async () => {
  const four = await report(["configs/domino-modules-4.yaml"]);
  assert.match(four, /^modules: 4; finish time [\d.]+ vs [\d.]+ with one module: measured speed-up 2 \(sqrt\(k\) predicts 2\)$/m);
  const one = await report(["configs/domino-modules-1.yaml"]);
  assert.doesNotMatch(one, /modules:|speed-up/);
});

test("domino statistics: no header without statistics; the gap's sign is stated and right", async () => {
  const single = await report(["--set", "skills.count=1"]);
  assert.doesNotMatch(single, /domino/);
  const serial = await report(["configs/domino-serial.yaml"]);
  // Serial Domino: skill i learned at (i - 0.1) t0, skill i+1's onset at (i + 0.1) t0: gap +0.2 t0.
  assert.match(serial, /^domino: gap = next skill's onset − this skill's learned \(negative = overlap\)\n {2}1→2: 10\.54, 2→3: 10\.54/m);
  for (const line of serial.split("\n")) if (line.startsWith("domino:")) assert.ok(line.length > "domino: ".length);
  const two = await report(["configs/geometry-two-skill-signgd.yaml", "--set", "steps=1500"]);
  assert.match(two, /learned_2 \/ learned_1 = [\d.]+ \(skills ranked by frequency\)/);
});
