/**
 * docs/paper.md, "Fig 10 at the authors' size inside their fit window": the 480 runs of
 * configs/paper/fig10-fitrange.yaml (100,000 steps) take half an hour, so the study's output is
 * kept in docs/data/fig10-fit/ (runs.csv, fits.csv as `skillsim paper --full 10-fit` wrote them).
 * Here: two of those runs are run again and give the file's final losses bit for bit; `skillsim
 * fit` on runs.csv gives fits.csv's alpha_N; and every number of the page's table and text is
 * computed from the two files.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers.js";
import { cliIn } from "../inprocess.js";
import { csvTable, twoPointSlope } from "./shown.js";

const DATA = join(ROOT, "docs", "data", "fig10-fit");
const PAGE = readFileSync(join(ROOT, "docs", "paper.md"), "utf8");
const FLAT = PAGE.replace(/\s+/g, " ");

const csv = (file: string) => csvTable(join(DATA, file));
const runs = csv("runs.csv"), fits = csv("fits.csv");
const ZIPF = ["1", "1.2", "1.4", "1.6", "1.8", "2"];
const REF: Record<string, [number, number]> = { "1": [0.35, 0.35], "1.2": [0.48, 0.48], "1.4": [0.63, 0.63], "1.6": [0.79, 0.79], "1.8": [0.95, 0.96], "2": [0.96, 1.13] };
const fit = (opt: string, z: string) => fits.find((f) => f.optimizer === opt && f["skills.frequencies.zipf"] === z)!;
const losses = (opt: string, z: string, n: number) => runs.filter((r) => r.optimizer === opt && r["skills.frequencies.zipf"] === z && Number(r.params) === n).map((r) => Number(r.final_loss));
/** The authors' estimator: the slope of log median final loss (4 seeds) between N = 40 and 220. */
const twoPoint = (opt: string, z: string) => twoPointSlope(losses(opt, z, 40), losses(opt, z, 220));

test("docs/data/fig10-fit: 480 runs (2 optimizers x 6 zipf x 10 N x 4 seeds), none failed", () => {
  assert.equal(runs.length, 480);
  assert.ok(runs.every((r) => r.error === "" && Number.isFinite(Number(r.final_loss))));
  for (const z of ZIPF) for (const opt of ["signgd", "adam"]) for (let n = 40; n <= 220; n += 20) assert.equal(losses(opt, z, n).length, 4, `${opt} zipf ${z} N ${n}`);
});

test("docs/data/fig10-fit: two runs again (configs/paper/fig10-fitrange.yaml) give runs.csv's final losses bit for bit", async () => {
  for (const pick of [runs.find((r) => r.optimizer === "signgd" && r["skills.frequencies.zipf"] === "1" && r.params === "40" && r.seed === "0")!, runs.find((r) => r.optimizer === "adam" && r["skills.frequencies.zipf"] === "2" && r.params === "40" && r.seed === "3")!]) {
    const r = await cliIn(["sweep", join(ROOT, "configs", "paper", "fig10-fitrange.yaml"), "--shard", `${Number(pick.id) + 1}/480`, "--jobs", "1", "-q"]);
    assert.equal(r.code, 0, r.stderr);
    const line = JSON.parse(r.stdout) as { id: number; final: { loss: number } };
    assert.equal(line.id, Number(pick.id));
    assert.equal(String(line.final.loss), pick.final_loss, `run ${pick.id}`);
  }
});

test("docs/data/fig10-fit: skillsim fit on runs.csv gives fits.csv's alpha_N per optimizer and zipf", async () => {
  for (const opt of ["signgd", "adam"]) {
    const r = await cliIn(["fit", join(DATA, "runs.csv"), "--x", "params", "--y", "final_loss", "--where", `optimizer=${opt}`, "--by", "skills.frequencies.zipf", "--fix-E", "0", "--json", "-q"]);
    assert.equal(r.code, 0, r.stderr);
    const groups = (JSON.parse(r.stdout) as { groups: { value: number; params: { alpha: number } }[] }).groups;
    for (const z of ZIPF) assert.equal(String(groups.find((g) => String(g.value) === z)!.params.alpha), fit(opt, z).alpha, `${opt} zipf ${z}`);
  }
});

test("docs/paper.md Fig 10 (fit window): the table and what the text says of it are the files' numbers", () => {
  const f3 = (v: number | string) => Number(v).toFixed(3);
  for (const z of ZIPF) {
    const cells = ["signgd", "adam"].flatMap((opt) => [`${f3(fit(opt, z).alpha)} [${f3(fit(opt, z).alpha_lo)}, ${f3(fit(opt, z).alpha_hi)}]`, f3(twoPoint(opt, z))]);
    const row = `| ${z} | ${cells.join(" | ")} | ${REF[z][0]} | ${REF[z][1]} |`;
    assert.ok(PAGE.includes(row), `the row of zipf ${z} should read\n${row}`);
  }
  const gaps = (zs: string[]) => zs.flatMap((z) => ["signgd", "adam"].flatMap((opt, k) => [REF[z][k] - Number(fit(opt, z).alpha), REF[z][k] - twoPoint(opt, z)]));
  const low = gaps(["1", "1.2", "1.4"]).map(Math.abs), high = gaps(["1.6", "1.8", "2"]);
  const say = (want: string) => assert.ok(FLAT.includes(want), `the page should say "${want}"`);
  say(`At zipf 1-1.4 both estimators lie within ${Math.max(...low).toFixed(3)} of the plot`);
  assert.ok(high.every((g) => g > 0), "from zipf 1.6 up every estimate is below the plot");
  say(`both optimizers fall ${Math.min(...high).toFixed(3)}-${Math.max(...high).toFixed(3)} below it`);
  const within = ZIPF.flatMap((z) => ["signgd", "adam"].map((opt, k) => Math.abs(Number(fit(opt, z).alpha) - REF[z][k]) <= 0.1)).filter(Boolean).length;
  say(`It printed ${within} of 12 numbers within tolerance`);
  const adam2 = Number(fit("adam", "2").alpha);
  say(`Adam at zipf 2: ${f3(adam2)} against the plot's 1.13, outside the ±0.1 by ${(1.13 - adam2 - 0.1).toFixed(3)}`);
});
