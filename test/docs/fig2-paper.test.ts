/**
 * docs/paper.md's Fig 2 numbers are what the commands give (issue 21: the docs' numbers are
 * produced by tests): the verdict table's two Fig 2 rows and the section's learned-time table
 * are `skillsim paper 2`'s (10 network runs of 1000 steps, about 4.5 s of CPU each), the
 * composite rows are configs/paper/fig2-top-composite.yaml's seeds 0-2 (2000 steps each), and
 * the prose quotes them. Learned = the first step a task's training accuracy exceeds 0.9 (the
 * configs' `timeline.on: level`).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const PAGE = readFileSync(join(ROOT, "docs", "paper.md"), "utf8");
const FIG2 = (() => {
  const a = PAGE.indexOf("\n## Fig 2:");
  assert.ok(a >= 0, "docs/paper.md has a Fig 2 section");
  return PAGE.slice(a, PAGE.indexOf("\n## ", a + 1));
})();
const flat = (text: string) => text.replace(/\s+/g, " ");

interface Line { overrides: { seed: number }; skills: { learned: number | null }[]; summary: { heldOutAccuracy?: number[] } }
const sweepLines = (file: string): Line[] =>
  readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Line).sort((a, b) => a.overrides.seed - b.overrides.seed);
const learned = (j: Line) => j.skills.map((s) => {
  assert.notEqual(s.learned, null, "every task passes accuracy 0.9");
  return s.learned as number;
});
const range = (xs: number[], digits: number) => `${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)}`;

test("docs/paper.md Fig 2: the verdict rows and the section's table (p2 = 0.05 and 1) are `skillsim paper 2`'s, and the prose quotes them", async () => {
  const out = join(tempDir(), "p");
  const r = await cliIn(["paper", "2", "--out", out, "--jobs", "1", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  const rows = (md: string) => md.split("\n").filter((l) => l.startsWith("| 2 | "));
  const begin = PAGE.indexOf("<!-- skillsim paper: begin");
  const documented = rows(PAGE.slice(begin, PAGE.indexOf("<!-- skillsim paper: end", begin)));
  assert.equal(documented.length, 2);
  assert.deepEqual(documented, rows(readFileSync(join(out, "paper.md"), "utf8")), "docs/paper.md's Fig 2 verdict rows (regenerate: skillsim paper 2 --docs docs/paper.md)");

  const section = FIG2.split("\n");
  const ratios: Record<string, number[]> = {};
  for (const [config, panel] of [["rare", "p2 = 0.05"], ["equal", "p2 = 1"]]) {
    const shown = section.filter((l) => l.startsWith(`| ${panel} | `));
    assert.ok(shown.length >= 3, `the ${panel} rows`);
    ratios[panel] = [];
    for (const j of sweepLines(join(out, "fig2", `runs-${config}.jsonl`))) {
      const [a, b] = learned(j);
      ratios[panel].push(b / a);
      if (j.overrides.seed >= shown.length) continue; // the page shows seeds 0-2 of p2 = 1
      const row = `| ${panel} | ${j.overrides.seed} | ${a}, ${b} | ${(b / a).toFixed(2)} |`;
      assert.equal(shown[j.overrides.seed], row, `docs/paper.md Fig 2, ${panel}, seed ${j.overrides.seed}`);
    }
  }
  const rare = ratios["p2 = 0.05"];
  const mean = rare.reduce((s, x) => s + x, 0) / rare.length;
  const said = `With p2 = 0.05 the rare task is learned ${range(rare, 2)} times later (mean ${mean.toFixed(2)} over seeds 0-${rare.length - 1}), not 20 times`;
  assert.ok(flat(FIG2).includes(said), said);
  assert.ok(flat(FIG2).includes(`spread a little wider (seed 0 at ${rare[0].toFixed(2)})`), `seed 0 at ${rare[0].toFixed(2)}`);
});

test("docs/paper.md Fig 2: the composite rows (seeds 0-2) and their prose are configs/paper/fig2-top-composite.yaml's", async () => {
  const shown = FIG2.split("\n").filter((l) => l.startsWith("| composite | "));
  assert.equal(shown.length, 3);
  const delays: string[] = [];
  const ratios: number[] = [];
  for (const seed of [0, 1, 2]) {
    const r = await cliIn(["run", join(ROOT, "configs", "paper", "fig2-top-composite.yaml"), "--set", `seed=${seed}`, "--json", "-q"]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as Line;
    const t = learned(j);
    assert.equal(shown[seed], `| composite | ${seed} | ${t.join(", ")} | |`, `docs/paper.md Fig 2, composite, seed ${seed}`);
    const later = Math.max(t[0], t[1]);
    assert.ok(t[2] > later, `seed ${seed}: the composite is learned after both parts`);
    delays.push(`${t[2]} / ${later}`);
    ratios.push(t[2] / later);
    assert.deepEqual(j.summary.heldOutAccuracy!.map((a) => a.toFixed(3)), ["1.000", "1.000", "1.000"], `seed ${seed}: held-out accuracy 1`);
  }
  const said = `the composite task is learned after both of its parts in every seed, ${range(ratios, 1)} times later than the later part (${delays.join(", ")}), and all three reach held-out accuracy 1.`;
  assert.ok(flat(FIG2).includes(said), said);
});
