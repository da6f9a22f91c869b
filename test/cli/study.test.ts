/** `skillsim study` and `skillsim paper` through the real CLI. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync, mkdirSync, copyFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const TINY = `model: resource
skills: {count: 3, frequencies: {zipf: 1}}
steps: 400
record: {points: 11, spacing: linear}
sweep:
  N0: [0.01, 0.1]
  seed: [0, 1]
study:
  derive:
    ratio: skills[2].learned / skills[1].learned
  figures:
    - {name: ratio, data: groups, x: N0, y: ratio, log: [x]}
`;

function tiny(text = TINY): { dir: string; file: string } {
  const dir = tempDir();
  const file = join(dir, "tiny.yaml");
  writeFileSync(file, text);
  return { dir, file };
}

test("study: runs the sweep, writes tidy tables and a Vega-Lite figure; a second call resumes", async () => {
  const { dir, file } = tiny();
  const out = join(dir, "out");
  const r = await cliIn(["study", file, "--out", out, "--jobs", "1"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^N0\s+runs\s+final_loss_n/);
  assert.match(r.stderr, /95% confidence interval of the mean \(Student t, n - 1 degrees of freedom/);
  // The ratio from the sweep lines themselves, by hand.
  const lines = readFileSync(join(out, "runs-tiny.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(lines.length, 4);
  const groups = JSON.parse(readFileSync(join(out, "groups.json"), "utf8"));
  for (const g of groups) {
    const mine = lines.filter((l) => l.overrides.N0 === g.N0).map((l) => l.skills[1].learned / l.skills[0].learned);
    assert.equal(g.ratio_n, 2);
    assert.equal(g.ratio_mean, (mine[0] + mine[1]) / 2);
  }
  const runs = readFileSync(join(out, "runs.csv"), "utf8").split("\n");
  assert.equal(runs[0], "config,id,seed,N0,final_loss,ratio,error");
  assert.equal(runs.length, 6);
  const spec = JSON.parse(readFileSync(join(out, "ratio.vl.json"), "utf8"));
  assert.equal(spec.data.values.length, 2);
  assert.equal(spec.layer[0].encoding.y.field, "ratio_mean");
  const meta = JSON.parse(readFileSync(join(out, "study.json"), "utf8"));
  assert.deepEqual(meta.quantities, { final_loss: "final.loss", ratio: "skills[2].learned / skills[1].learned" });

  const before = readFileSync(join(out, "groups.csv"), "utf8");
  const again = await cliIn(["study", file, "--out", out, "--jobs", "1"]);
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stderr, /runs in/); // nothing run
  assert.equal(readFileSync(join(out, "groups.csv"), "utf8"), before);
  assert.equal(again.stdout, r.stdout);
});

test("study --long: one row per run, recorded step and skill", async () => {
  const { dir, file } = tiny();
  const out = join(dir, "out");
  const r = await cliIn(["study", file, "--out", out, "--jobs", "1", "--long", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  const rows = readFileSync(join(out, "curves.csv"), "utf8").trim().split("\n");
  assert.equal(rows[0], "config,id,seed,N0,step,skill,level,loss");
  assert.equal(rows.length - 1, 4 * 11 * 3);
  // The last row: run 3's last recorded step, skill 3, its final level as the sweep line has it.
  const last = JSON.parse(readFileSync(join(out, "runs-tiny.jsonl"), "utf8").trim().split("\n").find((l) => JSON.parse(l).id === 3)!);
  const cells = rows[rows.length - 1].split(",");
  assert.deepEqual(cells.slice(0, 6), ["tiny", "3", "1", "0.1", "400", "3"]);
  assert.equal(Number(cells[6]), last.skills[2].final);
  assert.equal(Number(cells[7]), last.final.loss);
});

test("study: an unknown field is one line naming file:line:col and the key, exit 2, nothing run", async () => {
  const { dir, file } = tiny(TINY.replace("skills[2].learned /", "skills[2].learnt /"));
  const out = join(dir, "out");
  const r = await cliIn(["study", file, "--out", out]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split("\n").length, 1);
  assert.match(r.stderr, /tiny\.yaml:10:5: study\.derive\.ratio: skills\[2\]\.learnt: unknown field; a skill has index, frequency, onset, half, learned, final; did you mean "learned"\?/);
  assert.equal(existsSync(out), false);
});

test("study: a study file overlays several configs; calibrate recovers a Resource run's own N0", async () => {
  const dir = tempDir();
  const base = "model: resource\nskills: {count: 3, frequencies: {zipf: 1}}\nsteps: 600\nrecord: {points: 61, spacing: linear}\n";
  writeFileSync(join(dir, "a.yaml"), `${base}N0: 0.01\n`);
  writeFileSync(join(dir, "b.yaml"), `${base}N0: 0.1\n`);
  writeFileSync(join(dir, "s.yaml"), "study:\n  configs: {small: a.yaml, large: b.yaml}\n  calibrate: {model: resource}\n  figures:\n    - {name: n0, data: calibration, x: config, y: N0, mark: bar}\n");
  const out = join(dir, "out");
  const r = await cliIn(["study", join(dir, "s.yaml"), "--out", out, "--jobs", "1", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  const cal = JSON.parse(readFileSync(join(out, "calibration.json"), "utf8"));
  assert.deepEqual(cal.map((c: { config: string }) => c.config), ["small", "large"]);
  assert.ok(Math.abs(cal[0].N0 / 0.01 - 1) < 1e-4, String(cal[0].N0));
  assert.ok(Math.abs(cal[1].N0 / 0.1 - 1) < 1e-4, String(cal[1].N0));
  const groups = JSON.parse(readFileSync(join(out, "groups.json"), "utf8"));
  assert.deepEqual(groups.map((g: { config: string }) => g.config), ["small", "large"]);
});

test("paper 16: the study, its verdicts and the Markdown table; exit 1 when a number leaves its tolerance", async () => {
  const out = join(tempDir(), "p");
  const r = await cliIn(["paper", "16", "--out", out, "--jobs", "1", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^figure\s+quantity\s+reference\s+skillsim\s+tolerance\s+verdict\n/);
  assert.match(r.stdout, /16\s+learned, skill 3\s+2172\s+2172\s+exact\s+ok/);
  const v = JSON.parse(readFileSync(join(out, "verdicts.json"), "utf8"));
  assert.equal(v.verdicts.length, 3);
  assert.ok(v.verdicts.every((x: { ok: boolean }) => x.ok));
  assert.match(readFileSync(join(out, "paper.md"), "utf8"), /\| 16 \| learned, skill 3 \| 2172 \| authors' loop \(NumPy float64\) \| 2172 \| exact \| ok \|/);

  // The same study with a reference moved by one step: a verdict of "differs" and exit 1.
  const dir = tempDir();
  mkdirSync(join(dir, "paper"));
  copyFileSync(join(ROOT, "configs/paper/fig16-bottom-theory.yaml"), join(dir, "paper/fig16-bottom-theory.yaml"));
  writeFileSync(join(dir, "paper/fig16.study.yaml"), readFileSync(join(ROOT, "configs/paper/fig16.study.yaml"), "utf8").replace("value: 2172", "value: 2173"));
  const bad = await cliIn(["paper", "--out", join(dir, "o"), "--jobs", "1", "-q"], { env: { SKILLSIM_PAPER_DIR: join(dir, "paper") } });
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /16\s+learned, skill 3\s+2173\s+2172\s+exact\s+DIFFERS/);
  assert.match(bad.stderr, /1 of 3 numbers outside their tolerance/);

  const unknown = await cliIn(["paper", "99", "--out", join(dir, "o2")]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no study for figure 99; the studies are for figures 2, 4, 6, 7, 8, 9, 10, 15, 16, 17, 18/);
});

test("a study: block changes no run: run and sweep give the same config hashes with and without it", async () => {
  const withBlock = tiny();
  const without = tiny(TINY.replace(/study:[\s\S]*$/, ""));
  const a = await cliIn(["sweep", withBlock.file, "--dry-run"]);
  const b = await cliIn(["sweep", without.file, "--dry-run"]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(a.stdout, b.stdout);
  const ra = await cliIn(["run", withBlock.file, "--json", "-q"]);
  const rb = await cliIn(["run", without.file, "--json", "-q"]);
  assert.equal(ra.code, 0, ra.stderr);
  assert.equal(ra.stdout, rb.stdout);
});

test("study: an --out that cannot be a folder is one line, exit 2, nothing run", async () => {
  const { dir, file } = tiny();
  writeFileSync(join(dir, "plain"), "x");
  const r = await cliIn(["study", file, "--out", join(dir, "plain")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^skillsim: --out .*plain: is a file, not a folder; give a folder name\n$/);
  const r2 = await cliIn(["study", file, "--out", join(dir, "plain", "sub")]);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /^skillsim: --out .*sub: cannot create: .*plain is not a directory\n$/);
});

test("paper --docs: a file without the markers is refused before any run", async () => {
  const dir = tempDir();
  writeFileSync(join(dir, "d.md"), "# no markers\n");
  const r = await cliIn(["paper", "16", "--out", join(dir, "o"), "--docs", join(dir, "d.md")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--docs .*d\.md: no "<!-- skillsim paper: begin/);
  assert.equal(existsSync(join(dir, "o")), false);
});
