/** `skillsim table`: the pure table builder and the command through the real CLI. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";
import { buildSweepTable, meanInterval, parseSweepRuns, toDelimited, toJson } from "../../src/analysis/sweep-table.js";

/** A sweep line with hand-set skills: learned times per skill (null = never). */
function line(id: number, overrides: Record<string, unknown>, finalLoss: number, learned: (number | null)[]): string {
  const freq = learned.map((_, i) => 1 / (i + 1));
  const skills = learned.map((l, i) => ({ index: i + 1, frequency: freq[i], onset: l === null ? null : Math.round(l / 4), half: l === null ? null : Math.round(l / 2), learned: l, final: l === null ? 0.5 : 1 }));
  return JSON.stringify({ id, overrides, final: { loss: finalLoss }, skills, trace: { t: [0, 1], loss: [1, finalLoss] }, config_hash: "x" });
}

function sweep(): string {
  return [
    line(0, { lr: 0.1, seed: 0 }, 0.5, [10, 20, null]),
    line(1, { lr: 0.1, seed: 1 }, 0.7, [12, 30, null]),
    line(2, { lr: 0.1, seed: 2 }, 0.6, [14, null, null]),
    line(3, { lr: 0.2, seed: 0 }, 0.2, [5, 9, 40]),
    JSON.stringify({ id: 4, overrides: { lr: 0.2, seed: 1 }, error: "diverged at step 3: loss is NaN", config_hash: "x" }),
    "",
  ].join("\n");
}

function write(text: string): string {
  const f = join(tempDir(), "runs.jsonl");
  writeFileSync(f, text);
  return f;
}

test("wide table: one row per run, keys, final_loss, onset/half/learned per skill; diverged runs keep a row", () => {
  const t = buildSweepTable(parseSweepRuns(sweep(), "runs.jsonl"));
  assert.deepEqual(t.columns, [
    "id", "lr", "seed", "final_loss", "error", "onset_1", "onset_2", "onset_3", "half_1", "half_2", "half_3", "learned_1", "learned_2", "learned_3",
    "final_1", "final_2", "final_3",
  ]);
  assert.equal(t.rows.length, 5);
  assert.deepEqual(t.rows[0], [0, 0.1, 0, 0.5, null, 3, 5, null, 5, 10, null, 10, 20, null, 1, 1, 0.5]);
  assert.deepEqual(t.rows[4].slice(0, 5), [4, 0.2, 1, null, "diverged at step 3: loss is NaN"]);
  const csv = toDelimited(t, ",");
  assert.equal(csv.split("\n")[1], "0,0.1,0,0.5,,3,5,,5,10,,10,20,,1,1,0.5");
});

test("--long: a row per run and skill; --top and --skills choose skills", () => {
  const runs = parseSweepRuns(sweep(), "runs.jsonl");
  const long = buildSweepTable(runs, { long: true, skills: [2] });
  assert.deepEqual(long.columns.slice(-7), ["skill", "frequency", "onset", "half", "learned", "level", "ratio"]);
  assert.deepEqual(long.rows[0].slice(-7), [2, 0.5, 5, 10, 20, 1, null]);
  assert.equal(long.rows.length, 5); // 4 runs x skill 2, and the diverged run's row
  const top = buildSweepTable(runs, { top: 2 });
  assert.deepEqual(top.skillsShown, [1, 2]);
  assert.ok(!top.columns.includes("learned_3"));
});

test("--summary: groups differing only in seed; mean, sd and the 95% t interval of the mean", () => {
  const t = buildSweepTable(parseSweepRuns(sweep(), "runs.jsonl"), { summary: true });
  assert.deepEqual(t.columns.slice(0, 7), ["lr", "runs", "diverged", "final_loss_mean", "final_loss_sd", "final_loss_lo95", "final_loss_hi95"]);
  const g = t.rows[0];
  assert.deepEqual(g.slice(0, 3), [0.1, 3, 0]);
  // Final losses 0.5, 0.7, 0.6: mean 0.6, sd 0.1, half-width t(0.975, 2) * 0.1 / sqrt(3), with the
  // t quantile unrounded: for 2 degrees of freedom t(p) = (2p - 1) / sqrt(2 p (1 - p)) = 4.30265...
  const t2 = 0.95 / Math.sqrt(2 * 0.975 * 0.025);
  assert.ok(Math.abs((g[3] as number) - 0.6) < 1e-12);
  assert.ok(Math.abs((g[4] as number) - 0.1) < 1e-12);
  assert.ok(Math.abs((g[5] as number) - (0.6 - (t2 * 0.1) / Math.sqrt(3))) < 1e-12);
  assert.ok(Math.abs((g[5] as number) - (0.6 - (4.303 * 0.1) / Math.sqrt(3))) > 1e-6, "not the rounded table value 4.303");
  // learned_2 over the runs that learned it (2 of 3): mean 25.
  const j = t.columns.indexOf("learned_2_mean");
  assert.equal(g[j], 25);
  assert.equal(g[t.columns.indexOf("learned_2_n")], 2);
  assert.equal(g[t.columns.indexOf("learned_3_n")], 0);
  assert.deepEqual(t.rows[1].slice(0, 3), [0.2, 2, 1]);
  assert.deepEqual(meanInterval([]), { n: 0, mean: null, sd: null, lo: null, hi: null });
});

test("skillsim table through the CLI: text, --csv, --tsv, --json, --summary, --long; bad input exits 2 with one line", async () => {
  const f = write(sweep());
  const text = await cliIn(["table", f]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^id\s+lr\s+seed\s+final_loss\s+error\s+learned_1\s+learned_2\s+learned_3\n/);
  assert.match(text.stdout, /learned_k: the first step/);
  const csv = await cliIn(["table", f, "--csv"]);
  assert.equal(csv.stdout.split("\n")[0], "id,lr,seed,final_loss,error,onset_1,onset_2,onset_3,half_1,half_2,half_3,learned_1,learned_2,learned_3,final_1,final_2,final_3");
  assert.equal((await cliIn(["table", f, "--tsv"])).stdout.split("\n")[0].split("\t").length, 17);
  const json = JSON.parse((await cliIn(["table", f, "--json"])).stdout);
  assert.equal(json.length, 5);
  assert.equal(json[3].learned_3, 40);
  const sum = await cliIn(["table", f, "--summary", "--skills", "1,2"]);
  assert.equal(sum.code, 0, sum.stderr);
  assert.match(sum.stdout, /^\s*lr\s+runs\s+diverged\s+final_loss_mean/);
  assert.match(sum.stdout, /95% interval of the mean/);
  const long = await cliIn(["table", f, "--long", "--csv", "--top", "1"]);
  assert.equal(long.stdout.trim().split("\n").length, 1 + 5);
  const dir = tempDir();
  const bad: [string[], RegExp][] = [
    [["table", join(dir, "none.jsonl")], /cannot read sweep file/],
    [["table", write("{not json\n")], /runs\.jsonl:1: not a JSON line/],
    [["table", f, "--csv", "--json"], /--csv and --json: choose one output format/],
    [["table", f, "--top", "0"], /--top 0: expected a whole number >= 1/],
    [["table", f, "--skills", "1,9"], /--skills 1,9: skill 9 does not exist; the runs have 3 skills/],
    [["table", f, "--long", "--summary"], /--long and --summary do not go together/],
  ];
  for (const [args, re] of bad) {
    const r = await cliIn(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split("\n").length, 1);
  }
});

/** A sweep line as `skillsim sweep` writes it now: with warnings, summary and domino (ratios and gaps). */
function fullLine(id: number, overrides: Record<string, unknown>, learned: number[]): string {
  const v = JSON.parse(line(id, overrides, 0.1, learned));
  v.warnings = id === 1 ? ["a warning"] : [];
  v.summary = { eta_eff: 0.5 + id, modules: { k: 2 }, lossBelow: { threshold: 0.01, steps: [learned[0], null] } };
  v.domino = {
    gaps: [{ from: 1, to: 2, gap: 3 }],
    ratio21: learned[1] / learned[0],
    ratios: [{ skill: 2, ratio: learned[1] / learned[0] }],
  };
  return JSON.stringify(v);
}

test("rows in id order; summary, domino ratios and gaps, final levels and warnings as columns; --json keeps lists as lists", () => {
  const text = [fullLine(2, { hidden: [8, 8] }, [10, 40]), fullLine(0, { hidden: [4] }, [10, 20]), fullLine(1, { hidden: [4, 4] }, [5, 15])].join("\n");
  const t = buildSweepTable(parseSweepRuns(text, "s.jsonl"));
  assert.deepEqual(t.rows.map((r) => r[0]), [0, 1, 2]);
  assert.deepEqual(t.columns.slice(-7), ["ratio_2", "gap_1_2", "summary.eta_eff", "summary.modules.k", "summary.lossBelow.threshold", "summary.lossBelow.steps", "warnings"]);
  const col = (c: string) => t.rows.map((r) => r[t.columns.indexOf(c)]);
  assert.deepEqual(col("ratio_2"), [2, 3, 4]);
  assert.deepEqual(col("gap_1_2"), [3, 3, 3]);
  assert.deepEqual(col("summary.eta_eff"), [0.5, 1.5, 2.5]);
  assert.deepEqual(col("summary.lossBelow.steps"), [[10, null], [5, null], [10, null]]);
  assert.deepEqual(col("final_2"), [1, 1, 1]);
  assert.deepEqual(col("warnings"), [[], ["a warning"], []]);
  const json = JSON.parse(toJson(t));
  assert.deepEqual(json[2].hidden, [8, 8]);
  assert.deepEqual(json[1].warnings, ["a warning"]);
  assert.deepEqual(json[0]["summary.lossBelow.steps"], [10, null]);
  const csv = toDelimited(t, ",").split("\n");
  assert.equal(csv[3].split(",")[1], '"[8'); // a list is one quoted JSON cell in CSV
  assert.match(csv[3], /^2,"\[8,8\]",/);
});

test("through the CLI: a real sweep's table carries each run's summary and domino ratio; rows in id order", async () => {
  const dir = tempDir();
  const cfg = join(dir, "s.yaml");
  writeFileSync(cfg, "model: resource\nskills: {count: 3}\nsteps: 400\nsweep:\n  N0: [0.001, 0.01, 0.1]\n");
  const out = join(dir, "s.jsonl");
  assert.equal((await cliIn(["sweep", cfg, "-q", "--jobs", "1", "--out", out])).code, 0);
  // Shuffle the lines: table sorts by id.
  const lines = readFileSync(out, "utf8").trim().split("\n");
  writeFileSync(out, [lines[2], lines[0], lines[1]].join("\n") + "\n");
  const r = await cliIn(["table", out, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const rows = JSON.parse(r.stdout);
  assert.deepEqual(rows.map((x: { id: number }) => x.id), [0, 1, 2]);
  for (const row of rows) {
    const line = JSON.parse(lines[row.id]);
    assert.equal(row["summary.eta_eff"], line.summary.eta_eff);
    assert.equal(row.ratio_2, line.domino.ratios[0].ratio);
    assert.equal(row.ratio_2, line.domino.ratio21);
    assert.equal(row.learned_2 / row.learned_1, row.ratio_2);
    assert.equal(row.final_3, line.skills[2].final);
    assert.deepEqual(row.warnings, line.warnings);
  }
  const text = await cliIn(["table", out]);
  assert.match(text.stdout, /^id\s+N0\s+final_loss\s+learned_1\s+learned_2\s+learned_3\n\s+0\s/);
});

test("a very wide --csv (400 skills) suggests --long on stderr; --long does not", async () => {
  const f = write(line(0, { lr: 0.1 }, 0.5, Array.from({ length: 400 }, (_, i) => 10 + i)) + "\n");
  const wide = await cliIn(["table", f, "--csv"]);
  assert.equal(wide.code, 0, wide.stderr);
  assert.equal(wide.stdout.split("\n")[0].split(",").length, 3 + 4 * 400);
  assert.match(wide.stderr, /^skillsim: note: 1603 columns \(400 skills\); --long gives one row per run and skill/);
  const long = await cliIn(["table", f, "--csv", "--long"]);
  assert.equal(long.stderr, "");
  assert.equal(long.stdout.trim().split("\n").length, 401);
});
