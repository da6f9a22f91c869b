/**
 * A withheld timeline (the level left the model's range: `clip: false`) is never read as
 * "never reached": the text report, the run JSON, and `table` (wide, long, --summary, CSV)
 * each say "withheld" (with the reason where there is room), and summaries count it apart.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const dir = tempDir();
const YAML = "model: resource\nskills: {count: 2}\nclip: false\nrate: 3\nN0: 1\nsteps: 100\nrecord: every\n";
const REASON = "the level left the model's range [0, 1] at step 1 (reaching 1.37043)";

test("run: JSON carries withheld with the reason; the text says withheld, not - or 'not started'", async () => {
  const cfg = join(dir, "cf.yaml");
  writeFileSync(cfg, YAML);
  const j = JSON.parse((await cliIn(["run", cfg, "--json", "-q"])).stdout);
  assert.deepEqual(j.skills[0], { index: 1, frequency: 0.8, onset: null, half: null, learned: null, final: j.skills[0].final, withheld: REASON });
  assert.equal("withheld" in j.skills[1], false); // a skill that stayed in range has no such field
  const text = (await cliIn(["run", cfg])).stdout;
  assert.match(text, /^ +1 +0\.8 +withheld +withheld +withheld +0\.1376$/m);
  assert.match(text, /^skill 1 ▕ +▏ withheld \(see the warning\)$/m);
  assert.ok(!/skill 1 .*not started/.test(text));
});

test("table: withheld in the text, withheld_k with the reason in CSV, counted apart in --summary", async () => {
  const cfg = join(dir, "cfs.yaml");
  writeFileSync(cfg, YAML + "sweep:\n  seed: [0, 1]\n  rate: [3, 0.01]\n");
  const out = join(dir, "cfs.jsonl");
  assert.equal((await cliIn(["sweep", cfg, "--out", out, "-q"])).code, 0);
  // the sweep says that some runs have warnings (as run would), naming them; -q keeps quiet
  const again = await cliIn(["sweep", cfg, "--jobs", "2"]);
  assert.equal(again.code, 0, again.stderr);
  const warned = again.stderr.split("\n").filter((l) => l.startsWith("skillsim: warning: "));
  assert.deepEqual(warned, [`skillsim: warning: 2 of 4 runs have warnings (ids 0, 2); run 0: skill 1's level left the model's range [0, 1] at step 1 (reaching 1.37043); its timeline is not reported; each line's "warnings" has them all`]);
  const text = (await cliIn(["table", out])).stdout;
  assert.match(text, /^ +0 +0 +3 +0\.5949 +withheld +4$/m);
  assert.match(text, /^ +1 +0 +0\.01 +0\.4955 +- +-$/m); // never reached stays "-"
  assert.match(text, /\(- never; withheld: the level left the model's range and the time is not reported/);
  const csv = (await cliIn(["table", out, "--csv"])).stdout.split("\n");
  const head = csv[0].split(",");
  assert.deepEqual(head.slice(0, 10), ["id", "seed", "rate", "final_loss", "onset_1", "onset_2", "half_1", "half_2", "learned_1", "learned_2"]);
  assert.equal(head[head.length - 1], "withheld_1");
  const row0 = csv.find((l) => l.startsWith("0,0,3,"))!;
  assert.equal(row0.split(",").slice(8, 10).join(","), ",4", row0); // learned_1 withheld (empty), learned_2 4
  assert.ok(row0.endsWith(`"${REASON}"`), row0);
  const json = JSON.parse((await cliIn(["table", out, "--json"])).stdout);
  assert.equal(json.find((r: { rate: number; seed: number }) => r.rate === 3 && r.seed === 0).withheld_1, REASON);
  assert.equal(json.find((r: { rate: number; seed: number }) => r.rate === 0.01 && r.seed === 0).withheld_1, null);
  const sum = JSON.parse((await cliIn(["table", out, "--summary", "--json"])).stdout);
  const g = sum.find((r: { rate: number }) => r.rate === 3);
  assert.equal(g.learned_1_n, 0);
  assert.equal(g.learned_1_withheld, 2);
  assert.equal(sum.find((r: { rate: number }) => r.rate === 0.01).learned_1_withheld, 0);
  assert.equal("learned_2_withheld" in g, false);
  assert.match((await cliIn(["table", out, "--summary"])).stdout, /learned_k_withheld: runs whose skill-k timeline is withheld/);
  const long = (await cliIn(["table", out, "--long"])).stdout;
  assert.match(long, /^ +0 +0 +3 +0\.5949 +1 +0\.8 +withheld +withheld +withheld +0\.1376 +-$/m);
  // a sweep without withheld timelines has no such columns
  writeFileSync(cfg, "model: resource\nskills: {count: 2}\nsteps: 50\nsweep:\n  seed: [0, 1]\n");
  const plain = join(dir, "plain.jsonl");
  const quiet = await cliIn(["sweep", cfg, "--out", plain]);
  assert.equal(quiet.code, 0);
  assert.ok(!quiet.stderr.includes("warning"), quiet.stderr); // runs without warnings: none
  assert.ok(!(await cliIn(["table", plain, "--csv"])).stdout.includes("withheld"));
});

test("table's footnote says level, not progress, for runs timed on the level (e.g. accuracy)", async () => {
  const cfg = join(dir, "lv.yaml");
  writeFileSync(cfg, "model: resource\nskills: {count: 2}\nsteps: 50\ntimeline: {on: level, onset: 0.2, half: 0.5, learned: 0.8}\nsweep:\n  seed: [0, 1]\n");
  const out = join(dir, "lv.jsonl");
  assert.equal((await cliIn(["sweep", cfg, "--out", out, "-q"])).code, 0);
  assert.match((await cliIn(["table", out])).stdout, /learned_k: the first step at which skill k's level \(timeline\.on: level, e\.g\. an accuracy\) reached/);
});

test("a skill that starts at level 1 (its target) with on: progress: withheld with the reason and a warning, not 'never reached'", async () => {
  const cfg = join(dir, "at1.yaml");
  writeFileSync(cfg, "model: geometry\nskills: {count: 2, vectors: [[1, 0], [0, 1]]}\nparams: 2\ninit: [1.5, 1.0]\noptimizer: sgd\nlr: 0.01\nsteps: 300\n");
  const j = JSON.parse((await cliIn(["run", cfg, "--json", "-q"])).stdout);
  assert.equal(j.trace.level[1][0], 1);
  assert.deepEqual(j.skills[1], { index: 2, frequency: 0.2, onset: null, half: null, learned: null, final: 1, withheld: "it starts at level 1, the target: progress (s - s0)/(1 - s0) is undefined" });
  assert.equal("withheld" in j.skills[0], false); // skill 1 starts at 1.5 and closes its gap: timed
  assert.equal(j.skills[0].learned, 287);
  assert.ok(j.warnings.some((w: string) => w.startsWith("skill 2 starts at level 1, the target: with timeline.on: progress there is nothing to learn")), j.warnings.join("\n"));
  const text = (await cliIn(["run", cfg])).stdout;
  assert.match(text, /^skill 2 ▕ +▏ withheld \(see the warning\)$/m);
  // on: level times the level itself: nothing withheld (thresholds above the start are the user's call)
  const lv = JSON.parse((await cliIn(["run", cfg, "--set", "timeline.on=level", "--json", "-q"])).stdout);
  assert.equal("withheld" in lv.skills[1], false);
});
