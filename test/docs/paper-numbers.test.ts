/**
 * docs/paper.md's alpha_N tables for Figs 10 and 18 are the studies' own output: each study is run
 * here (both at their documented, reduced size: 60 Geometry runs each, 30 of them shared, see
 * below) and every alpha with its bootstrap interval, at the three decimals the page prints, must
 * stand in the page as printed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const PAGE = readFileSync(join(ROOT, "docs", "paper.md"), "utf8");

/** fits.csv of a study's --out folder as rows keyed by column name. */
function readFits(out: string): Record<string, string>[] {
  const [head, ...rows] = readFileSync(join(out, "fits.csv"), "utf8").trim().split("\n");
  const cols = head.split(",");
  return rows.map((line) => Object.fromEntries(line.split(",").map((v, j) => [cols[j], v])));
}

/** Run a study of configs/paper/ into `out` (which may already hold some of its runs: the study resumes them). */
async function runStudy(file: string, out: string): Promise<void> {
  const r = await cliIn(["study", join(ROOT, "configs", "paper", file), "--out", out, "--jobs", "2", "-q"]);
  assert.equal(r.code, 0, r.stderr);
}

// Fig 18's "random" configuration is fig10-scaling-signgd.yaml, Fig 10's "signgd": the same 30
// runs (same ids, same config hashes). They are run once, by Fig 10's study; Fig 18's study
// finds them in its folder and resumes them, as a second `skillsim study` call would (the
// study checks each line's config_hash against its own plan), and runs only its modular runs.
let fig10: Promise<string> | undefined;
const fig10Out = (): Promise<string> =>
  (fig10 ??= (async () => {
    const out = join(tempDir(), "fig10");
    await runStudy("fig10.study.yaml", out);
    return out;
  })());

const f3 = (v: string) => Number(v).toFixed(3);
const withInterval = (r: Record<string, string>) => `${f3(r.alpha)} [${f3(r.alpha_lo)}, ${f3(r.alpha_hi)}]`;

test("docs/paper.md Fig 10: each zipf's alpha_N for SignGD and Adam is the study's, interval included", async () => {
  const fits = readFits(await fig10Out());
  const zipfs = [...new Set(fits.map((r) => r["skills.frequencies.zipf"]))];
  assert.deepEqual(zipfs, ["1", "1.5", "2"]);
  for (const z of zipfs) {
    const [sign, adam] = ["signgd", "adam"].map((c) => fits.find((r) => r.config === c && r["skills.frequencies.zipf"] === z)!);
    const row = `| ${z} | ${withInterval(sign)} | ${withInterval(adam)} |`;
    assert.ok(PAGE.includes(row), `docs/paper.md lacks the row ${row}`);
  }
});

test("docs/paper.md Fig 18: the modular alpha_N per zipf is the study's, interval included", async () => {
  const out = join(tempDir(), "fig18");
  mkdirSync(out);
  copyFileSync(join(await fig10Out(), "runs-signgd.jsonl"), join(out, "runs-random.jsonl"));
  await runStudy("fig18.study.yaml", out);
  const fits = readFits(out);
  const modular = fits.filter((r) => r.config === "modular");
  assert.equal(modular.length, 3);
  const text = PAGE.replace(/\s+/g, " ");
  for (const r of modular) {
    const quoted = withInterval(r);
    assert.ok(text.includes(quoted), `docs/paper.md's Fig 18 paragraph lacks ${quoted} (zipf ${r["skills.frequencies.zipf"]})`);
  }
});
