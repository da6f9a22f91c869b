/**
 * docs/paper.md, "Fig 10 at the paper's full size": the SignGD half of configs/paper/fig10-full.yaml
 * (1,600 runs of 100,000 steps in float32, about an hour on 2 cores) is kept in
 * docs/data/fig10-full/signgd-f32.csv (id, optimizer, zipf, params, seed, final_loss as `skillsim
 * table --csv` wrote them). Here: two of those runs are run again and give the file's final losses
 * bit for bit; `skillsim fit` on the file gives the page's alpha_N per zipf; the page's two-point
 * slopes are the file's medians.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers.js";
import { cliIn } from "../inprocess.js";
import { csvTable, median, twoPointSlope } from "./shown.js";

const FILE = join(ROOT, "docs", "data", "fig10-full", "signgd-f32.csv");
const PAGE = readFileSync(join(ROOT, "docs", "paper.md"), "utf8");
const runs = csvTable(FILE);
const ZIPF = ["0.5", "1", "1.2", "1.4", "1.6", "1.8", "2", "4"];
const REF: Record<string, string> = { "1": "0.35", "1.2": "0.48", "1.4": "0.63", "1.6": "0.79", "1.8": "0.95", "2": "0.96" };
const losses = (z: string, n: number) => runs.filter((r) => r["skills.frequencies.zipf"] === z && Number(r.params) === n).map((r) => Number(r.final_loss));
/** The authors' estimator: the slope of log median final loss (4 seeds) between N = 40 and 220. */
const twoPoint = (z: string) => twoPointSlope(losses(z, 40), losses(z, 220));

test("docs/data/fig10-full/signgd-f32.csv: 1,600 SignGD runs (8 zipf x 50 N x 4 seeds), ids 0-1599, every final loss finite", () => {
  assert.equal(runs.length, 1600);
  assert.deepEqual(runs.map((r) => Number(r.id)), Array.from({ length: 1600 }, (_, i) => i));
  assert.ok(runs.every((r) => r.optimizer === "signgd" && Number.isFinite(Number(r.final_loss)) && Number(r.final_loss) > 0));
  for (const z of ZIPF) for (let n = 20; n <= 1000; n += 20) assert.equal(losses(z, n).length, 4, `zipf ${z} N ${n}`);
});

test("docs/data/fig10-full: two runs again (the sweep's shard of one run) give the file's final losses bit for bit", async () => {
  const at = (z: string, n: string, seed: string) => runs.find((r) => r["skills.frequencies.zipf"] === z && r.params === n && r.seed === seed)!;
  for (const pick of [at("4", "20", "1"), at("2", "40", "3")]) {
    const r = await cliIn(["sweep", join(ROOT, "configs", "paper", "fig10-full.yaml"), "--set", "sweep.optimizer=[signgd]", "--set", "precision=float32", "--shard", `${Number(pick.id) + 1}/1600`, "--jobs", "1", "-q"]);
    assert.equal(r.code, 0, r.stderr);
    const line = JSON.parse(r.stdout) as { id: number; final: { loss: number } };
    assert.equal(line.id, Number(pick.id));
    assert.equal(String(line.final.loss), pick.final_loss, `run ${pick.id}`);
  }
});

/** The page's row for one zipf: alpha_N fitted over N = 40-220, the two-point slope, the plot's value, the median final losses at N = 600 and 1000. */
function row(z: string, alpha: number): string {
  const m = (n: number) => median(losses(z, n)).toExponential(1);
  return `| ${z} | ${alpha.toFixed(3)} | ${twoPoint(z).toFixed(3)} | ${REF[z] ?? "-"} | ${m(600)} | ${m(1000)} |`;
}

test("docs/paper.md Fig 10 (full size, SignGD): each zipf's alpha_N is `skillsim fit` on the file over N = 40-220, the two-point slope and the medians the file's", async () => {
  const r = await cliIn(["fit", FILE, "--x", "params", "--y", "final_loss", "--where", "params>=40", "--where", "params<=220", "--by", "skills.frequencies.zipf", "--fix-E", "0", "--json", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  const groups = (JSON.parse(r.stdout) as { groups: { value: number; params: { alpha: number } }[] }).groups;
  const section = PAGE.slice(PAGE.indexOf("### Fig 10 and Fig 18 at the paper's full size"));
  for (const z of ZIPF) {
    const expected = row(z, groups.find((g) => String(g.value) === z)!.params.alpha);
    assert.ok(section.includes(expected), expected);
  }
});
