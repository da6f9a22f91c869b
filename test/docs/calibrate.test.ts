/**
 * docs/calibrate.md's worked example is what the commands give (issue 21: the docs' numbers are
 * produced by tests): the Fig 7 Geometry setting at noise 0.05, seed 0, calibrated against the
 * Resource map: the figure's caption (N0 = 3.95, rmse 0.037) and every number of the JSON example.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";
import { fencedAfter, sameNumbers, words } from "./shown.js";

const PAGE = readFileSync(join(ROOT, "docs", "calibrate.md"), "utf8");

test("docs/calibrate.md: the noise-0.05 calibration's caption and JSON example are the commands' output, to the digits shown", async () => {
  const m = /`skillsim (run configs\/calibrate\/geometry-noise\.yaml [^`]*)`\nthen `skillsim (calibrate [^`]*)` \(N0 = ([\d.]+), rmse ([\d.]+)\)/.exec(PAGE);
  assert.ok(m, "the page's run-then-calibrate sentence");
  const dir = tempDir();
  // the config from the repository, the run's --out into the temporary folder
  const run = await cliIn([...words(m[1]).map((w, i, all) => (all[i - 1] === "--out" ? join(dir, w) : w)), "-q"]);
  assert.equal(run.code, 0, run.stderr);
  // the plot is not what is checked here: the calibration itself, as JSON
  const args = words(m[2]).filter((w, i, all) => w !== "--plot" && all[i - 1] !== "--plot");
  const r = await cliIn([...args, "--json", "-q"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.params.N0.toPrecision(3), m[3], "caption N0");
  assert.equal(j.rmse.toPrecision(2), m[4], "caption rmse");
  const example = fencedAfter(PAGE, "`--json`:", "json").join("\n").replace("[...]", "[]");
  sameNumbers(example, j, "docs/calibrate.md");
});

test("docs/paper.md's Fig 7 N0 table (seed 0) and the seed-0 column of docs/calibrate.md's noise table are calibrate's output", async () => {
  const paper = readFileSync(join(ROOT, "docs", "paper.md"), "utf8");
  const rows = paper.split("\n").filter((l) => /^\| (0\.001|0\.01|0\.1|1) \| (0\.0005|0\.005|0\.05|0\.5) \| /.test(l));
  assert.equal(rows.length, 4);
  const dir = tempDir();
  for (const row of rows) {
    const [sigma, noise, n0] = row.split("|").slice(1, 4).map((c) => c.trim());
    const out = join(dir, `g${noise}.json`);
    const run = await cliIn(["run", "configs/paper/fig7-noise.yaml", "--set", `noise=${noise}`, "--json", "--out", out, "-q"]);
    assert.equal(run.code, 0, run.stderr);
    const j = JSON.parse((await cliIn(["calibrate", out, "--json", "-q"])).stdout);
    assert.equal(j.params.N0.toPrecision(3), n0, `docs/paper.md Fig 7, noise ${noise}`);
    // docs/calibrate.md's table: the same setting (configs/calibrate/geometry-noise.yaml), seeds 0, 1, 2
    const cal = PAGE.split("\n").find((l) => l.startsWith(`| ${sigma} | ${noise} | `))!;
    assert.equal(cal.split("|")[3].trim().split(", ")[0], n0, `docs/calibrate.md, noise ${noise}, seed 0`);
  }
});

test("docs/calibrate.md's Fig 7 tables (noise, learning rate, batch: N0 per seed, mean, rmse range) are `skillsim study configs/paper/fig7.study.yaml`'s calibrations", async () => {
  const m = /\(`(skillsim study configs\/paper\/fig7\.study\.yaml)`/.exec(PAGE);
  assert.ok(m, "the page names the study that gives its Fig 7 tables");
  const out = join(tempDir(), "fig7");
  const r = await cliIn([...words(m[1]).slice(1), "--out", out, "--jobs", "2", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  const [head, ...lines] = readFileSync(join(out, "calibration.csv"), "utf8").trim().split("\n");
  const cols = head.split(",");
  const runs = lines.map((l) => Object.fromEntries(l.split(",").map((v, j) => [cols[j], v])));
  const sig = (x: number, n: number) => x.toPrecision(n);
  /** The page's row for one group, as the calibrations give it: N0 per seed, mean, rmse range. */
  const expected = (config: string, key: string, value: string, lead: string): string => {
    const g = runs.filter((x) => x.config === config && x[key] === value).sort((a, b) => Number(a.seed) - Number(b.seed));
    assert.deepEqual(g.map((x) => x.seed), ["0", "1", "2"], `${config} ${key}=${value}`);
    const n0 = g.map((x) => Number(x.N0));
    return `| ${lead}${n0.map((x) => sig(x, 3)).join(", ")} | ${sig(n0.reduce((a, b) => a + b, 0) / 3, 3)} |`;
  };
  const rmseRange = (config: string, key: string, value: string): string => {
    const rmse = runs.filter((x) => x.config === config && x[key] === value).map((x) => Number(x.calibration_rmse));
    return `${sig(Math.min(...rmse), 2)}-${sig(Math.max(...rmse), 2)} |`;
  };
  const rowsOf = (header: string) => {
    const at = PAGE.split("\n").findIndex((l) => l.startsWith(header));
    assert.ok(at >= 0, header);
    const rows: string[] = [];
    for (let i = at + 2; PAGE.split("\n")[i]?.startsWith("|"); i++) rows.push(PAGE.split("\n")[i]);
    return rows;
  };
  const noise = rowsOf("| authors' sigma | `noise` |");
  assert.equal(noise.length, 5);
  for (const row of noise) {
    const [sigma, value] = row.split("|").slice(1, 3).map((c) => c.trim());
    const want = expected("seeds", "noise", value, `${sigma} | ${value} | `);
    assert.ok(row.startsWith(want), `noise ${value}: the page has\n  ${row}\nthe study gives\n  ${want} ...`);
    assert.ok(row.endsWith(` | ${rmseRange("seeds", "noise", value)}`), `noise ${value} rmse: ${row} (the study: ${rmseRange("seeds", "noise", value)})`);
  }
  const lrs: Record<string, string> = { "3e-4": "0.0003", "1e-3": "0.001", "3e-3": "0.003", "1e-2": "0.01" };
  const lr = rowsOf("| lr (noise 0) |");
  assert.equal(lr.length, 4);
  for (const row of lr) {
    const shown = row.split("|")[1].trim();
    const want = expected("lr", "lr", lrs[shown], `${shown} | `) + ` ${rmseRange("lr", "lr", lrs[shown])}`;
    assert.equal(row, want);
  }
  const batch = rowsOf("| batch (noise 0) |");
  assert.equal(batch.length, 5);
  for (const row of batch) {
    const shown = row.split("|")[1].trim();
    assert.equal(row, expected("batch", "batch", shown, `${shown} | `) + ` ${rmseRange("batch", "batch", shown)}`);
  }
  // docs/paper.md's Fig 7 section quotes the same means
  const mean = (config: string, key: string, value: string) => {
    const n0 = runs.filter((x) => x.config === config && x[key] === value).map((x) => Number(x.N0));
    return sig(n0.reduce((a, b) => a + b, 0) / n0.length, 3);
  };
  const paper = readFileSync(join(ROOT, "docs", "paper.md"), "utf8").replace(/\s+/g, " ");
  const said = `Mean N0 over the three seeds: ${Object.values(lrs).map((v) => mean("lr", "lr", v)).join(", ")} for lr 3e-4 ... 1e-2 (about proportional to lr above 1e-3, levelling off at the noise-free floor below it); ${batch.map((row) => mean("batch", "batch", row.split("|")[1].trim())).join(", ")} for batch 8 ... full.`;
  assert.ok(paper.includes(said), `docs/paper.md Fig 7: ${said}`);
});
