/**
 * docs/paper.md's alpha_N tables for Figs 10 and 18 are the studies' own output: each study is run
 * here (both at their documented, reduced size: 60 Geometry runs each) and every alpha with its
 * bootstrap interval, at the three decimals the page prints, must stand in the page as printed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const PAGE = readFileSync(join(ROOT, "docs", "paper.md"), "utf8");

/** fits.csv of a study as rows keyed by column name. */
async function studyFits(file: string): Promise<Record<string, string>[]> {
  const out = join(tempDir(), "out");
  const r = await cliIn(["study", join(ROOT, "configs", "paper", file), "--out", out, "--jobs", "2", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  const [head, ...rows] = readFileSync(join(out, "fits.csv"), "utf8").trim().split("\n");
  const cols = head.split(",");
  return rows.map((line) => Object.fromEntries(line.split(",").map((v, j) => [cols[j], v])));
}

const f3 = (v: string) => Number(v).toFixed(3);
const withInterval = (r: Record<string, string>) => `${f3(r.alpha)} [${f3(r.alpha_lo)}, ${f3(r.alpha_hi)}]`;

test("docs/paper.md Fig 10: each zipf's alpha_N for SignGD and Adam is the study's, interval included", async () => {
  const fits = await studyFits("fig10.study.yaml");
  const zipfs = [...new Set(fits.map((r) => r["skills.frequencies.zipf"]))];
  assert.deepEqual(zipfs, ["1", "1.5", "2"]);
  for (const z of zipfs) {
    const [sign, adam] = ["signgd", "adam"].map((c) => fits.find((r) => r.config === c && r["skills.frequencies.zipf"] === z)!);
    const row = `| ${z} | ${withInterval(sign)} | ${withInterval(adam)} |`;
    assert.ok(PAGE.includes(row), `docs/paper.md lacks the row ${row}`);
  }
});

test("docs/paper.md Fig 18: the modular alpha_N per zipf is the study's, interval included", async () => {
  const fits = await studyFits("fig18.study.yaml");
  const modular = fits.filter((r) => r.config === "modular");
  assert.equal(modular.length, 3);
  const text = PAGE.replace(/\s+/g, " ");
  for (const r of modular) {
    const quoted = withInterval(r);
    assert.ok(text.includes(quoted), `docs/paper.md's Fig 18 paragraph lacks ${quoted} (zipf ${r["skills.frequencies.zipf"]})`);
  }
});

test("docs/paper.md's verdict table: the rows of the cheap figures (6, 8, 9, 16, 17) are what `skillsim paper` prints", async () => {
  const figs = ["6", "8", "9", "16", "17"];
  const out = join(tempDir(), "p");
  const r = await cliIn(["paper", ...figs, "--out", out, "--jobs", "1", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  const rowsOf = (md: string) => md.split("\n").filter((l) => figs.some((f) => l.startsWith(`| ${f} | `)));
  const produced = rowsOf(readFileSync(join(out, "paper.md"), "utf8"));
  const begin = PAGE.indexOf("<!-- skillsim paper: begin");
  const documented = rowsOf(PAGE.slice(begin, PAGE.indexOf("<!-- skillsim paper: end", begin)));
  assert.ok(produced.length >= 20, `${produced.length} rows`);
  assert.deepEqual(documented, produced, "docs/paper.md's table rows for figures 6, 8, 9, 16, 17 (regenerate: skillsim paper --docs docs/paper.md)");
});

test("docs/paper.md Fig 19: the runs use the random draw, and the rare task's sample counts per seed are the runs' own", async () => {
  const rows = PAGE.split("\n").filter((l) => /^\| (one 2-100-100-2|two 1-50-50-1) \| \d \| /.test(l));
  assert.equal(rows.length, 10, "five seeds of each network");
  assert.ok(PAGE.replace(/\s+/g, " ").includes("These runs, and the Fig 19 configs, use the random draw (`task.draw: random`, the default"));
  for (const row of rows) {
    const cells = row.split("|").slice(1, -1).map((c) => c.trim());
    const config = cells[0].startsWith("one") ? "fig19-one-network.yaml" : "fig19-modular.yaml";
    const r = await cliIn(["run", join(ROOT, "configs", "paper", config), "--set", "steps=1", "--set", `seed=${cells[1]}`, "--json", "-q"]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.config.task.draw, undefined, `${config}: the default (random) draw`);
    assert.equal(String(j.summary.trainSamplesPerTask[1]), cells[5], `${config} seed ${cells[1]}: task 2's samples`);
  }
  // the authors' draw, which the page says --set task.draw=exact gives: exactly 10 of 1000
  const exact = await cliIn(["run", join(ROOT, "configs", "paper", "fig19-one-network.yaml"), "--set", "steps=1", "--set", "task.draw=exact", "--json", "-q"]);
  assert.deepEqual(JSON.parse(exact.stdout).summary.trainSamplesPerTask, [990, 10]);
});
