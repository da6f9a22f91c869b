/**
 * docs/paper.md, "Fig 10 at the paper's full size": the two halves of configs/paper/fig10-full.yaml
 * (1,600 SignGD and 1,600 Adam runs of 100,000 steps in float32, about an hour each on 2 cores)
 * are kept in docs/data/fig10-full/signgd-f32.csv and adam-f32.csv (id, optimizer, zipf, params,
 * seed, final_loss as `skillsim table --csv` wrote them), their measured times in timing.json.
 * Here: two runs of each half are run again and give the file's final losses bit for bit;
 * `skillsim fit` on each file gives the page's alpha_N per zipf; the page's two-point slopes
 * and losses are the files' medians; the page's run times are timing.json's.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers.js";
import { cliIn } from "../inprocess.js";
import { csvTable, median, twoPointSlope } from "./shown.js";

const DIR = join(ROOT, "docs", "data", "fig10-full");
const PAGE = readFileSync(join(ROOT, "docs", "paper.md"), "utf8");
const SECTION = PAGE.slice(PAGE.indexOf("### Fig 10 and Fig 18 at the paper's full size"));
const ZIPF = ["0.5", "1", "1.2", "1.4", "1.6", "1.8", "2", "4"];
/** The authors' alpha_N read off their notebook's plot (configs/paper/full/fig10.study.yaml's checks). */
const HALVES = {
  signgd: { name: "SignGD", ref: { "1": "0.35", "1.2": "0.48", "1.4": "0.63", "1.6": "0.79", "1.8": "0.95", "2": "0.96" } as Record<string, string> },
  adam: { name: "Adam", ref: { "1": "0.35", "1.2": "0.48", "1.4": "0.63", "1.6": "0.79", "1.8": "0.96", "2": "1.13" } as Record<string, string> },
};
type Opt = keyof typeof HALVES;
const file = (opt: Opt) => join(DIR, `${opt}-f32.csv`);
const runs = { signgd: csvTable(file("signgd")), adam: csvTable(file("adam")) };
const losses = (opt: Opt, z: string, n: number) =>
  runs[opt].filter((r) => r["skills.frequencies.zipf"] === z && Number(r.params) === n).map((r) => Number(r.final_loss));
/** The authors' estimator: the slope of log median final loss (4 seeds) between N = 40 and 220. */
const twoPoint = (opt: Opt, z: string) => twoPointSlope(losses(opt, z, 40), losses(opt, z, 220));

for (const opt of ["signgd", "adam"] as Opt[]) {
  test(`docs/data/fig10-full/${opt}-f32.csv: 1,600 ${HALVES[opt].name} runs (8 zipf x 50 N x 4 seeds), ids 0-1599, every final loss finite`, () => {
    assert.equal(runs[opt].length, 1600);
    assert.deepEqual(runs[opt].map((r) => Number(r.id)), Array.from({ length: 1600 }, (_, i) => i));
    assert.ok(runs[opt].every((r) => r.optimizer === opt && Number.isFinite(Number(r.final_loss)) && Number(r.final_loss) > 0));
    for (const z of ZIPF) for (let n = 20; n <= 1000; n += 20) assert.equal(losses(opt, z, n).length, 4, `zipf ${z} N ${n}`);
  });

  test(`docs/data/fig10-full, ${HALVES[opt].name}: two runs again (the sweep's shard of one run) give the file's final losses bit for bit`, async () => {
    const at = (z: string, n: string, seed: string) => runs[opt].find((r) => r["skills.frequencies.zipf"] === z && r.params === n && r.seed === seed)!;
    for (const pick of [at("4", "20", "1"), at("2", "40", "3")]) {
      const r = await cliIn(["sweep", join(ROOT, "configs", "paper", "fig10-full.yaml"), "--set", `sweep.optimizer=[${opt}]`, "--set", "precision=float32", "--shard", `${Number(pick.id) + 1}/1600`, "--jobs", "1", "-q"]);
      assert.equal(r.code, 0, r.stderr);
      const line = JSON.parse(r.stdout) as { id: number; final: { loss: number } };
      assert.equal(line.id, Number(pick.id));
      assert.equal(String(line.final.loss), pick.final_loss, `run ${pick.id}`);
    }
  });
}

/** The page's row for one zipf and optimizer: alpha_N fitted over N = 40-220, the two-point slope, the plot's value, the median final losses at N = 600 and 1000. */
function row(opt: Opt, z: string, alpha: number): string {
  const m = (n: number) => median(losses(opt, z, n)).toExponential(1);
  return `| ${z} | ${HALVES[opt].name} | ${alpha.toFixed(3)} | ${twoPoint(opt, z).toFixed(3)} | ${HALVES[opt].ref[z] ?? "-"} | ${m(600)} | ${m(1000)} |`;
}

test("docs/paper.md Fig 10 (full size): each zipf's and optimizer's alpha_N is `skillsim fit` on its file over N = 40-220, the two-point slope and the medians the file's", async () => {
  for (const opt of ["signgd", "adam"] as Opt[]) {
    const r = await cliIn(["fit", file(opt), "--x", "params", "--y", "final_loss", "--where", "params>=40", "--where", "params<=220", "--by", "skills.frequencies.zipf", "--fix-E", "0", "--json", "-q"]);
    assert.equal(r.code, 0, r.stderr);
    const groups = (JSON.parse(r.stdout) as { groups: { value: number; params: { alpha: number } }[] }).groups;
    for (const z of ZIPF) {
      const expected = row(opt, z, groups.find((g) => String(g.value) === z)!.params.alpha);
      assert.ok(SECTION.includes(expected), expected);
    }
  }
});

test("docs/paper.md Fig 10 (full size): the run times and processors shown are docs/data/fig10-full/timing.json's", () => {
  const parts = (JSON.parse(readFileSync(join(DIR, "timing.json"), "utf8")) as { parts: { optimizer: Opt; runs: number; wall_s: number; user_s: number; sys_s: number; cpu: string }[] }).parts;
  const ms = (s: number) => `${Math.floor(s / 60)} min ${String(Math.round(s % 60)).padStart(2, "0")} s`;
  for (const p of parts) {
    const said = `${HALVES[p.optimizer].name} half: ${ms(p.wall_s)} of wall time, ${p.user_s.toLocaleString("en-US")} s user + ${p.sys_s} s system CPU, processor ${p.cpu}`;
    assert.ok(SECTION.includes(said), said);
  }
});
