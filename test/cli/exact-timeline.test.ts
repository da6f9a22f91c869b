/** Exact timelines at any size, through the real CLI: with 500 skills (more than the old
 * every-step limit of 100) each crossing is the first step past the threshold, checked
 * against an every-step trace, and does not depend on the record settings. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { cliIn } from "../inprocess.js";

const CFG = "configs/geometry-ce-overparam.yaml"; // 500 skills, N 100, ce, batch 256, adam, 5000 steps
const HORIZON = 1800;

type Skill = { index: number; onset: number | null; half: number | null; learned: number | null };

async function run(sets: string[]): Promise<Skill[]> {
  const r = await cliIn(["run", CFG, "--json", "-q", ...sets.flatMap((s) => ["--set", s])]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout).skills;
}

test("geometry-ce-overparam: every crossing is the first step past the threshold (every-step trace as reference)", async () => {
  // The reference: every step recorded, over the first HORIZON steps (the run is the same prefix).
  const csv = await cliIn(["run", CFG, "--csv", "-q", "--set", `steps=${HORIZON}`, "--set", "record=every"]);
  assert.equal(csv.code, 0, csv.stderr);
  const rows = csv.stdout.trim().split("\n");
  assert.equal(rows.length, HORIZON + 2);
  const n = rows[0].split(",").length - 2;
  const first: (number | null)[][] = [0.1, 0.5, 0.9].map(() => new Array(n).fill(null));
  for (let k = 1; k < rows.length; k++) {
    const cells = rows[k].split(",").map(Number);
    const t = cells[0];
    for (let i = 0; i < n; i++) {
      const progress = (cells[2 + i] - 0.5) / 0.5; // ce: s(0) = 1/2
      [0.1, 0.5, 0.9].forEach((th, j) => {
        if (first[j][i] === null && progress > th) first[j][i] = t;
      });
    }
  }
  const full = await run([]); // the whole 5000 steps, 200 log-spaced recorded points
  const sparse = await run(["record={points: 7, spacing: linear}"]);
  assert.deepEqual(sparse, full, "independent of the record settings");
  let compared = 0;
  for (let i = 0; i < n; i++) {
    (["onset", "half", "learned"] as const).forEach((key, j) => {
      const got = full[i][key];
      if (first[j][i] !== null || (got !== null && got <= HORIZON)) {
        assert.equal(got, first[j][i], `skill ${i + 1} ${key}`);
        compared++;
      }
    });
  }
  assert.ok(compared > 100, `${compared} crossings compared`);
  // Skill 4, the example: learned at the first step past 0.9 (1645), not a recorded step.
  assert.equal(full[3].learned, first[2][3]);
  assert.notEqual(full[3].learned, null);
});

test("timeline.check is gone: timelines are always exact", async () => {
  const r = await cliIn(["run", CFG, "--set", "timeline.check=recorded"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /timeline\.check: unknown key/);
  const j = await cliIn(["run", "configs/geometry-minimal.yaml", "--json", "-q"]);
  assert.doesNotMatch(j.stdout, /timelineCheck|timelineNote|recorded steps/);
});
