/**
 * docs/paper.md's alpha_N tables for Figs 10 and 18 are the studies' own output: each study is run
 * here (both at their documented, reduced size: 168 Geometry runs each, Fig 18's 84 random runs
 * shared with Fig 10) and every alpha with its
 * bootstrap interval, at the three decimals the page prints, must stand in the page as printed;
 * `skillsim paper 10 18` on the studies' folders (it resumes their runs) gives the verdict table's
 * rows of both figures. The verdict rows of the cheap figures and the other sections' numbers follow.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { execFileSync, spawnSync } from "node:child_process";
import { ROOT, tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const PAGE = readFileSync(join(ROOT, "docs", "paper.md"), "utf8");
/** The page's section that starts with `heading` (up to the next "## "). */
function section(heading: string): string {
  const a = PAGE.indexOf(`\n${heading}`);
  assert.ok(a >= 0, heading);
  const b = PAGE.indexOf("\n## ", a + 1);
  return PAGE.slice(a, b < 0 ? undefined : b);
}
const FLAT = PAGE.replace(/\s+/g, " ");

interface SweepLine { id: number; overrides: Record<string, number>; skills: { half: number | null; learned: number | null; final: number; withheld?: string }[]; final: { loss: number }; config: { seed: number } }

/** A sweep's lines in id order. */
const lines = (file: string): SweepLine[] => readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as SweepLine).sort((a, b) => a.id - b.id);

/** A study's CSV table as rows keyed by column name. */
function table(out: string, name: string): Record<string, string>[] {
  const [head, ...rows] = readFileSync(join(out, name), "utf8").trim().split("\n");
  const cols = head.split(",");
  return rows.map((line) => Object.fromEntries(line.split(",").map((v, j) => [cols[j], v])));
}

/** fits.csv of a study's --out folder as rows keyed by column name (groups.csv's rows as `groups`). */
function studyFits(out: string): Record<string, string>[] & { groups: Record<string, string>[] } {
  return Object.assign(table(out, "fits.csv"), { groups: table(out, "groups.csv") });
}

/** Run a study of configs/paper/ into `out` (which may already hold some of its runs: the study resumes them). */
async function runStudy(file: string, out: string): Promise<void> {
  const r = await cliIn(["study", join(ROOT, "configs", "paper", file), "--out", out, "--jobs", "2", "-q"]);
  assert.equal(r.code, 0, r.stderr);
}

// Fig 18's "random" configuration is fig10-scaling-signgd.yaml, Fig 10's "signgd": the same 84
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

/** Fig 18's study folder, beside Fig 10's (as `skillsim paper --out DIR` lays them out), its random runs Fig 10's. */
let fig18: Promise<string> | undefined;
const fig18Out = (): Promise<string> =>
  (fig18 ??= (async () => {
    const fig10 = await fig10Out();
    const out = join(dirname(fig10), "fig18");
    mkdirSync(out);
    copyFileSync(join(fig10, "runs-signgd.jsonl"), join(out, "runs-random.jsonl"));
    await runStudy("fig18.study.yaml", out);
    return out;
  })());

/** Final-loss group means of config a over config b, per zipf, in params order. */
function lossRatios(groups: Record<string, string>[], a: string, b: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const g of groups.filter((x) => x.config === a).sort((x, y) => Number(x.params) - Number(y.params))) {
    const o = groups.find((x) => x.config === b && x["skills.frequencies.zipf"] === g["skills.frequencies.zipf"] && x.params === g.params)!;
    const z = g["skills.frequencies.zipf"];
    out.set(z, [...(out.get(z) ?? []), Number(g.final_loss_mean) / Number(o.final_loss_mean)]);
  }
  return out;
}

const f3 = (v: string) => Number(v).toFixed(3);
const withInterval = (r: Record<string, string>) => `${f3(r.alpha)} [${f3(r.alpha_lo)}, ${f3(r.alpha_hi)}]`;

test("docs/paper.md Fig 10: each zipf's alpha_N for SignGD and Adam is the study's, interval included", async () => {
  const fits = studyFits(await fig10Out());
  const zipfs = [...new Set(fits.map((r) => r["skills.frequencies.zipf"]))];
  assert.deepEqual(zipfs, ["1", "1.2", "1.4", "1.6", "1.8", "2"]);
  for (const z of zipfs) {
    const [sign, adam] = ["signgd", "adam"].map((c) => fits.find((r) => r.config === c && r["skills.frequencies.zipf"] === z)!);
    const row = `| ${z} | ${withInterval(sign)} | ${withInterval(adam)} | `;
    assert.ok(PAGE.includes(row), `docs/paper.md lacks the row ${row}`);
  }
  // "Final losses of the two optimizers agree within 3.5% at every N and zipf" (group means over seeds)
  assert.ok(FLAT.includes("Final losses of the two optimizers agree within 3.5% at every N and zipf"));
  for (const [z, rs] of lossRatios(fits.groups, "signgd", "adam")) for (const r of rs) assert.ok(Math.abs(r - 1) <= 0.035, `Fig 10: zipf ${z}, SignGD / Adam final loss ${r}`);
});

test("docs/paper.md Fig 18: the modular alpha_N per zipf is the study's, interval included, and the speedup is its compare table's", async () => {
  const out = await fig18Out();
  const fits = studyFits(out);
  const modular = fits.filter((r) => r.config === "modular");
  assert.equal(modular.length, 6);
  const text = PAGE.replace(/\s+/g, " ");
  for (const r of modular) {
    const quoted = withInterval(r);
    assert.ok(text.includes(quoted), `docs/paper.md's Fig 18 paragraph lacks ${quoted} (zipf ${r["skills.frequencies.zipf"]})`);
  }
  // the speedup, random / modular final loss of each seed's pair, averaged (the study's compare.csv)
  const ratios = new Map<string, number[]>();
  for (const r of table(out, "compare.csv").sort((a, b) => Number(a.params) - Number(b.params))) {
    const z = r["skills.frequencies.zipf"];
    ratios.set(z, [...(ratios.get(z) ?? []), Number(r.final_loss_ratio_mean)]);
  }
  const two = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(", ");
  const range = (xs: number[]) => `${Math.min(...xs).toFixed(1)}-${Math.max(...xs).toFixed(1)}`;
  const quoted = `zipf 1: ${two(ratios.get("1")!)} at N = 20, 40, 80, 120, 160, 220, 320; zipf 1.4: ${range(ratios.get("1.4")!)}; zipf 2: ${range(ratios.get("2")!)}.`;
  assert.ok(text.includes(quoted), quoted);
});

test("docs/paper.md's verdict rows of Figs 10 and 18 are `skillsim paper 10 18`'s (resuming the studies' runs), and the count of numbers within tolerance is the table's", async () => {
  const fig18 = await fig18Out();
  const out = dirname(fig18);
  assert.equal(dirname(await fig10Out()), out);
  const r = await cliIn(["paper", "10", "18", "--out", out, "--jobs", "1", "-q"]);
  // every comparable number of these figures is within its tolerance; the three reduced ones are "not comparable": exit 0
  assert.equal(r.code, 0, r.stderr);
  const rowsOf = (md: string, figs: string[]) => md.split("\n").filter((l) => figs.some((f) => l.startsWith(`| ${f} | `)));
  const begin = PAGE.indexOf("<!-- skillsim paper: begin");
  const table = PAGE.slice(begin, PAGE.indexOf("<!-- skillsim paper: end", begin));
  const produced = rowsOf(readFileSync(join(out, "paper.md"), "utf8"), ["10", "18"]);
  assert.ok(produced.length >= 18, `${produced.length} rows`);
  assert.deepEqual(rowsOf(table, ["10", "18"]), produced, "docs/paper.md's table rows for figures 10 and 18 (regenerate: skillsim paper --docs docs/paper.md)");
  // "47 of the 47 comparable numbers are within their tolerance ... Three numbers read "not comparable": ...":
  // the verdicts of the whole table (`skillsim paper --all --docs` regenerated every row)
  const verdicts = table.split("\n").filter((l) => /^\| [0-9]/.test(l)).map((l) => l.split("|").slice(1, -1).map((c) => c.trim()));
  assert.ok(verdicts.every((c) => c.length === 8), "every row has 8 cells");
  const checked = verdicts.filter((c) => c[7] === "ok" || c[7] === "**differs**");
  assert.deepEqual(checked.filter((c) => c[7] !== "ok").map((c) => `${c[0]}: ${c[1]}`), [], "no comparable number differs");
  const reduced = verdicts.filter((c) => c[7].startsWith("not comparable")).map((c) => `${c[0]}: ${c[1]}`);
  assert.deepEqual(reduced, ["10: alpha_N, Adam, zipf 1.8", "10: alpha_N, Adam, zipf 2", "18: modular final loss, zipf 2, N = 320"]);
  const said = `${checked.length} of the ${checked.length} comparable numbers are within their tolerance, so the command exits 0. Three numbers read "not comparable": Fig 10, Adam at zipf 1.8 and 2, and Fig 18, modular zipf 2 at N = 320`;
  assert.ok(FLAT.includes(said), said);
});

test("docs/paper.md Fig 10's prose at 100,000 steps: Adam's loss and two-point slopes, SignGD's losses against the study's 10,000 steps (8 runs, seed 0)", async () => {
  const fig10 = section("## Fig 10:").replace(/\s+/g, " ");
  const out = await fig10Out();
  const at = (opt: string, zipf: number, params: number) => ["params=" + params, `skills.frequencies.zipf=${zipf}`, "seed=0"];
  const long = async (opt: string, zipf: number, params: number) => {
    const r = await cliIn(["run", join(ROOT, "configs", "paper", `fig10-scaling-${opt}.yaml`), ...[...at(opt, zipf, params), "steps=100000"].flatMap((x) => ["--set", x]), "--json", "-q"]);
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as SweepLine).final.loss;
  };
  const short = (opt: string, zipf: number, params: number) => {
    const j = lines(join(out, `runs-${opt}.jsonl`)).find((l) => l.overrides.params === params && l.overrides["skills.frequencies.zipf"] === zipf && l.config.seed === 0);
    assert.ok(j, `the study's ${opt} run at zipf ${zipf}, N = ${params}, seed 0`);
    return j.final.loss;
  };
  const adam = { z2: [await long("adam", 2, 40), await long("adam", 2, 220)], z18: [await long("adam", 1.8, 40), await long("adam", 1.8, 220)] };
  const slope = ([l40, l220]: number[]) => (Math.log(l40 / l220) / Math.log(220 / 40)).toFixed(2);
  const said = `zipf 2, N = 220, seed 0 ends at ${short("adam", 2, 220).toPrecision(2)} at 10,000 steps and ${adam.z2[1].toPrecision(2)} at 100,000, and the two-point slope 40-220 at 100,000 steps is ${slope(adam.z2)} (zipf 2) and ${slope(adam.z18)} (zipf 1.8)`;
  assert.ok(fig10.includes(said), said);
  // the page names the one pair that is far apart; the others agree to the percentage it quotes (one decimal)
  const pairs: { zipf: number; params: number; a: number; b: number; rel: number }[] = [];
  for (const zipf of [1, 2]) for (const params of [40, 220]) {
    const [a, b] = [short("signgd", zipf, params), await long("signgd", zipf, params)];
    pairs.push({ zipf, params, a, b, rel: Math.abs(a / b - 1) });
  }
  pairs.sort((p, q) => q.rel - p.rel);
  const [far, ...close] = pairs;
  assert.ok(far.rel > 0.05, `the far pair: ${far.rel}`);
  const sign = `SignGD's final losses at 10,000 steps are those at 100,000 to ${(close[0].rel * 100).toFixed(1)}% (zipf 1 and 2, N = 40 and 220, seed 0) except zipf ${far.zipf} at N = ${far.params} (${far.a.toPrecision(2)} against ${far.b.toPrecision(2)}).`;
  assert.ok(fig10.includes(sign), sign);
});

test("docs/paper.md Fig 18's prose: five of six references within 2%, the sixth's values, its 100,000-step run, the speedups at N = 20", async () => {
  const out = await fig18Out();
  const fig18 = section("## Fig 18:").replace(/\s+/g, " ");
  const begin = PAGE.indexOf("<!-- skillsim paper: begin");
  const rows = PAGE.slice(begin, PAGE.indexOf("<!-- skillsim paper: end", begin)).split("\n").filter((l) => l.startsWith("| 18 | modular final loss, "));
  assert.equal(rows.length, 6);
  const cells = rows.map((l) => l.split("|").slice(1, -1).map((c) => c.trim()));
  const off = cells.filter((c) => Math.abs(Number(c[5].split(" ± ")[0]) / Number(c[2]) - 1) > 0.02);
  assert.equal(off.length, 1);
  assert.equal(off[0][1], "modular final loss, zipf 2, N = 320");
  assert.ok(off[0][7].startsWith("not comparable: reduced: "), off[0][7]);
  const said = `Five of six agree within 2%; zipf 2 at N = 320 is ${Number(off[0][5].split(" ± ")[0]).toPrecision(3)} against ${Number(off[0][2]).toPrecision(2)} because of the reduced steps`;
  assert.ok(fig18.includes(said), said);
  const r = await cliIn(["run", join(ROOT, "configs", "paper", "fig18-modular.yaml"), ...["params=320", "skills.frequencies.zipf=2", "seed=0", "steps=100000"].flatMap((x) => ["--set", x]), "--json", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  const long = `at 100,000 steps the same run (seed 0) ends at ${(JSON.parse(r.stdout) as SweepLine).final.loss.toPrecision(2)}.`;
  assert.ok(fig18.includes(long), long);
  const speedup = (z: string) => Number(table(out, "compare.csv").find((c) => c["skills.frequencies.zipf"] === z && c.params === "20")!.final_loss_ratio_mean).toFixed(2);
  for (const [z, text] of [["2", "0.059 / 0.0203 = 2.9 at zipf 2, N = 20 (skillsim: X)"], ["1", "0.55 / 0.357 = 1.5 at zipf 1 (skillsim: X)"]]) {
    assert.ok(fig18.includes(text.replace("X", speedup(z))), text.replace("X", speedup(z)));
  }
});

test("docs/paper.md's verdict table rows of the cheap figures (4, 6, 7, 8, 9, 16, 17), and the Fig 6, 8 (top) and 9 numbers in their sections, are what `skillsim paper` gives", async () => {
  const figs = ["4", "6", "7", "8", "9", "16", "17"];
  const out = join(tempDir(), "p");
  const r = await cliIn(["paper", ...figs, "--out", out, "--jobs", "1", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  const rowsOf = (md: string) => md.split("\n").filter((l) => figs.some((f) => l.startsWith(`| ${f} | `)));
  const produced = rowsOf(readFileSync(join(out, "paper.md"), "utf8"));
  const begin = PAGE.indexOf("<!-- skillsim paper: begin");
  const documented = rowsOf(PAGE.slice(begin, PAGE.indexOf("<!-- skillsim paper: end", begin)));
  assert.ok(produced.length >= 20, `${produced.length} rows`);
  assert.deepEqual(documented, produced, `docs/paper.md's table rows for figures ${figs.join(", ")} (regenerate: skillsim paper --docs docs/paper.md)`);

  // The sections' prose, from the same runs (the studies keep each run's line in paper-out/fig<N>/)
  const times = (j: SweepLine, k: "half" | "learned") => j.skills.map((s) => s[k] ?? "-").join(", ");
  // Fig 6: the Resource map's half and learned times per N0
  let shown = 0;
  for (const j of lines(join(out, "fig6", "runs-resource.jsonl"))) {
    const row = section("## Fig 6:").split("\n").find((l) => l.startsWith(`| ${j.overrides.N0 === 0.0001 ? "1e-4" : j.overrides.N0} | `));
    if (!row) continue; // the page shows four of the six N0
    const [half, learned] = row.split("|").slice(2, 4).map((c) => c.trim());
    assert.equal(half, times(j, "half"), `Fig 6, N0 = ${j.overrides.N0}: half`);
    assert.ok(times(j, "learned").startsWith(learned.replace(/, \.\.\.$/, "")), `Fig 6, N0 = ${j.overrides.N0}: learned ${times(j, "learned")}`);
    shown++;
  }
  assert.equal(shown, 4, "Fig 6: the page's four N0 rows");
  // Fig 8 top, n = 10: the final levels, the withheld skills, the half times reported
  const n10 = lines(join(out, "fig8", "runs-resource.jsonl")).find((j) => j.skills.length === 10)!;
  assert.ok(FLAT.includes(`n = 10, top: final levels ${n10.skills.map((s) => s.final.toFixed(4)).join(", ")};`), "Fig 8 top final levels");
  const withheld = n10.skills.flatMap((s, i) => (s.withheld ? [i + 1] : []));
  assert.ok(FLAT.includes(`(here ${withheld.join(", ")})`), `Fig 8 withheld skills ${withheld}`);
  assert.deepEqual(n10.skills.filter((s) => s.half !== null).map((s) => s.half), [157, 411], "skillsim reports only the first two");
  // Fig 9: the serial closed form's half and learned times, the parallel one's learned times
  const serial = lines(join(out, "fig9", "runs-serial.jsonl"))[0];
  assert.ok(FLAT.includes(`half at ${serial.skills[0].half}, ${serial.skills[1].half}, ..., ${serial.skills.at(-1)!.half}; learned at ${serial.skills[0].learned}, ${serial.skills[1].learned}, ..., ${serial.skills.at(-1)!.learned})`), "Fig 9 serial");
  const parallel = lines(join(out, "fig9", "runs-parallel.jsonl"))[0];
  parallel.skills.forEach((s, i) => assert.equal(s.learned!.toFixed(6), (30 * Math.log(10) * (i + 1)).toFixed(6), `Fig 9 parallel skill ${i + 1}`));
  assert.ok(FLAT.includes(`(learned at 30 ln 10 i = ${parallel.skills[0].learned!.toFixed(2)} i)`));
  // Fig 17: each case's learned times
  const fig17 = section("## Fig 17:");
  for (const [file, name] of [["runs-chain.jsonl", "chain"], ["runs-and.jsonl", "AND tree"], ["runs-and-or.jsonl", "AND/OR tree"]]) {
    const row = `| ${name} | ${times(lines(join(out, "fig17", file))[0], "learned")} |`;
    assert.ok(fig17.includes(row), `Fig 17: ${row}`);
  }
});

test("docs/paper.md Figs 12 and 16 (bottom): the four rotated-basis runs' learned times and final levels; the ODE's switch and learned time", async () => {
  const run = async (config: string, ...sets: string[]) => {
    const r = await cliIn(["run", join(ROOT, "configs", "paper", config), ...sets.flatMap((x) => ["--set", x]), "--json", "-q"]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as SweepLine & { summary: { switches: { on: number[] }[] } };
  };
  const fig12 = section("## Fig 12:");
  const cell = (j: SweepLine) => [times(j, "learned"), j.skills.map((s) => Number(s.final.toPrecision(4))).join(", ")];
  const times = (j: SweepLine, k: "learned") => j.skills.map((s) => s[k] ?? "-").join(", ");
  for (const [config, label] of [["fig12-basis-sgd.yaml", "SGD, R = I"], ["fig12-basis-signgd.yaml", "SignGD, R = I"], ["fig12-rotated-signgd.yaml", "SignGD, R = H4/2"], ["fig12-rotated-sgd.yaml", "SGD, R = H4/2"]]) {
    const j = await run(config);
    const row = fig12.split("\n").find((l) => l.startsWith(`| ${label} | `))!;
    const [learned, finals] = row.split("|").slice(2, 4).map((c) => c.trim());
    const [l, f] = cell(j);
    assert.ok(learned.startsWith(l), `Fig 12 ${label}: learned ${l}`);
    if (finals === "the same") assert.equal(f, cell(await run("fig12-basis-sgd.yaml"))[1], `Fig 12 ${label}: SGD is rotation invariant`);
    else assert.ok(finals.startsWith(f), `Fig 12 ${label}: final levels ${f}`);
    if (label === "SignGD, R = H4/2") assert.ok(fig12.replace(/\s+/g, " ").includes(`(final loss ${j.final.loss.toExponential(1)}, flat from step ~500)`), `Fig 12 final loss ${j.final.loss}`);
  }
  const ode = await run("fig16-bottom-theory.yaml", "integrator=rk45");
  const text = `ODE: switch at t = ${ode.summary.switches[0].on[0].toFixed(2)} (equal to skill 3's interpolated half-learned time to 1e-6), skill 3 learned at ${ode.skills[2].learned!.toFixed(2)}.`;
  assert.ok(section("## Fig 16 (bottom").replace(/\s+/g, " ").includes(text), text);
  assert.ok(Math.abs(ode.summary.switches[0].on[0] - ode.skills[2].half!) < 1e-6);
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

/** A paper config's sweep, in-process, its lines in id order. */
async function sweep(config: string): Promise<SweepLine[]> {
  const out = join(tempDir(), "runs.jsonl");
  const r = await cliIn(["sweep", join(ROOT, "configs", "paper", config), "--out", out, "--jobs", "1", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  return lines(out);
}

test("docs/paper.md Fig 4: the learned_2 / learned_1 table (3 optimizers x p1 x seeds 0-2) and seed 0's learned times", async () => {
  const fig4 = section("## Fig 4:");
  const seed0: string[] = [];
  for (const [opt, name] of [["signgd", "SignGD"], ["sgd", "SGD"], ["adam", "Adam"]]) {
    const runs = await sweep(`fig4-${opt}.yaml`);
    const row = fig4.split("\n").find((l) => l.startsWith(`| ${name} | `))!;
    const cells = row.split("|").slice(2, 5).map((c) => c.trim());
    [0.5, 0.9, 0.95].forEach((p1, c) => {
      const ratios = [0, 1, 2].map((seed) => {
        const j = runs.find((r) => r.overrides.seed === seed && (r.overrides["skills.frequencies"] as unknown as number[])[0] === p1)!;
        return (j.skills[1].learned! / j.skills[0].learned!).toFixed(2);
      });
      assert.equal(cells[c], ratios.join(", "), `Fig 4 ${name}, p1 = ${p1}`);
    });
    const j = runs.find((r) => r.overrides.seed === 0 && (r.overrides["skills.frequencies"] as unknown as number[])[0] === 0.95)!;
    seed0.push(`${name} ${name === "SignGD" ? "learns the skills at" : "at"} ${j.skills[0].learned} and ${j.skills[1].learned}`);
  }
  const sentence = `Seed 0, p1 = 0.95: ${seed0[0]}, ${seed0[1]}, ${seed0[2]}`;
  assert.ok(fig4.replace(/\s+/g, " ").includes(sentence), sentence);
});

test("docs/paper.md Figs 7 (bottom) and 8: skills learned per run and final losses of the Geometry sweeps; Fig 8 bottom's Resource times", async () => {
  const loss = (v: number) => (v < 1e-4 ? v.toExponential(1) : v.toPrecision(2));
  const fig7 = await sweep("fig7-noise.yaml");
  const counts = fig7.map((j) => j.skills.filter((s) => s.learned !== null).length).join(", ");
  const losses = `final loss from ${loss(fig7[0].final.loss)} to ${loss(fig7.at(-1)!.final.loss)}`;
  assert.ok(section("## Fig 7:").replace(/\s+/g, " ").includes(`Skills learned by step 1000 (seed 0): ${counts} for noise 5e-4 ... 0.5; ${losses}:`), `${counts}; ${losses}`);
  const fig8 = section("## Fig 8:").replace(/\s+/g, " ");
  const learned = (runs: SweepLine[]) => runs.map((j) => `${j.skills.filter((s) => s.learned !== null).length}/${j.skills.length}`).join(", ");
  const top = await sweep("fig8-top-geometry.yaml");
  const bottom = await sweep("fig8-bottom-geometry.yaml");
  const text = `skills with level > 0.9 by step 3000: top ${learned(top)} (final loss ${top.map((j) => loss(j.final.loss)).join(", ")}); bottom ${learned(bottom)}.`;
  assert.ok(fig8.includes(text), text);
  const res = (await sweep("fig8-bottom-resource.yaml")).find((j) => j.skills.length === 10)!;
  const times = `Bottom (level > 0.9): ${res.skills.map((s) => s.learned).join(", ")}.`;
  assert.ok(fig8.includes(times), times);
});

test("docs/paper.md Fig 5: learned times and the 10-step means of n_align the runs record (diagnostics: average)", async () => {
  const fig5 = section("## Fig 5:").replace(/\s+/g, " ");
  const run = async (...sets: string[]) => {
    const r = await cliIn(["run", join(ROOT, "configs", "paper", "fig5-aligned.yaml"), ...sets.flatMap((x) => ["--set", x]), "--json", "-q"]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as SweepLine & { trace: { t: number[]; extra: { aligned: number[][] } } };
  };
  /** The recorded mean over the 10 steps up to t, per skill, written as the page writes `shown` ("911 / 578 / ..."). */
  const means = (j: { trace: { t: number[]; extra: { aligned: number[][] } } }, t: number, shown: string) => {
    const k = j.trace.t.indexOf(t);
    assert.ok(k > 0, `t = ${t} is recorded`);
    const d = shown.split(" / ").map((x) => (x.split(".")[1] ?? "").length);
    return j.trace.extra.aligned.map((row, i) => row[k].toFixed(d[i])).join(" / ");
  };
  const five = await run();
  const m = /Zipf 2, 5 skills, seed 0: learned at ([\d, ]+); mean n_align over steps 1-10: ([\d. /]+), over steps 181-190: ([\d. /]+) \(/.exec(fig5);
  assert.ok(m, "the five-skill sentence");
  assert.equal(m[1], five.skills.map((s) => s.learned).join(", "));
  assert.equal(m[2], means(five, 10, m[2]));
  assert.equal(m[3], means(five, 190, m[3]));
  const two = await run("skills.count=2");
  const n = /Two skills: ([\d. /]+) at steps 1-10, ([\d. /]+) at 201-210\./.exec(fig5);
  assert.ok(n, "the two-skill sentence");
  assert.equal(n[1], means(two, 10, n[1]));
  assert.equal(n[2], means(two, 210, n[2]));
});

test("docs/paper.md Fig 15: the final-loss table (18 runs, seed 7) is the sweep's", async () => {
  const runs = await sweep("fig15-optimizers.yaml");
  const name = (o: unknown) => (typeof o === "string" ? o : (o as { name: string }).name);
  // the rows of 10 or 40 skills with three optimizers' cells (the per-seed table below has two)
  const rows = section("## Fig 15:").split("\n").filter((l) => /^\| (10|40) \| /.test(l) && l.split("|").length === 7);
  assert.equal(rows.length, 6);
  for (const row of rows) {
    const [count, noise, ...cells] = row.split("|").slice(1, 6).map((c) => c.trim());
    ["adam", "ademamix", "lion"].forEach((opt, c) => {
      const j = runs.find((r) => r.overrides["skills.count"] === Number(count) && r.overrides.noise === Number(noise) && name(r.overrides.optimizer) === opt)!;
      const v = j.final.loss;
      const written = cells[c].includes("e") ? v.toExponential(1) : v.toFixed(3);
      assert.equal(cells[c], written, `Fig 15: ${count} skills, noise ${noise}, ${opt}`);
    });
  }
});

test("docs/paper.md Fig 15 over seeds: the per-seed final losses of Adam and AdEMAMix, and what the page says of them", async () => {
  const runs = await sweep("fig15-seeds.yaml");
  const loss = new Map<string, number>();
  for (const r of runs) loss.set(`${r.overrides.seed} ${(r as unknown as { config: { optimizer: { name: string } } }).config.optimizer.name}`, r.final.loss);
  const seeds = Array.from({ length: 20 }, (_, s) => s);
  const adam = seeds.map((s) => loss.get(`${s} adam`)!), mix = seeds.map((s) => loss.get(`${s} ademamix`)!);
  const e1 = (v: number) => v.toExponential(1);
  const text = section("## Fig 15:");
  for (const s of seeds) assert.ok(text.includes(`| ${s} | ${e1(adam[s])} | ${e1(mix[s])} |`), `Fig 15 seeds: the row of seed ${s} should read ${e1(adam[s])}, ${e1(mix[s])}`);
  const flat = text.replace(/\s+/g, " ");
  const above = seeds.filter((s) => mix[s] > adam[s]), big = seeds.filter((s) => mix[s] > 1e-4);
  const say = (want: string) => assert.ok(flat.includes(want), `Fig 15 seeds: the page should say "${want}"`);
  say(`AdEMAMix ends above Adam in ${above.length} of 20 seeds and above 1e-4 in ${big.length} (seeds ${big.slice(0, -1).join(", ")}, ${big.at(-1)})`);
  say(`Adam's final loss ranges from ${e1(Math.min(...adam))} to ${e1(Math.max(...adam))} and is below 1e-7 in ${adam.filter((v) => v < 1e-7).length} seeds`);
  say(`AdEMAMix's ranges from ${e1(Math.min(...mix))} to ${e1(Math.max(...mix))}`);
});

test("docs/paper.md Fig 15: the largest update of the authors' loop in NumPy (scripts/paper/authors_fig15.py, seeds 0 and 1)", (t) => {
  const py = spawnSync("python3", ["-c", "import numpy"]);
  if (py.status !== 0) return t.skip("python3 with NumPy is not installed");
  const out = execFileSync("python3", [join(ROOT, "scripts", "paper", "authors_fig15.py"), "0,1"], { encoding: "utf8" });
  const rows = out.trim().split("\n").map((l) => JSON.parse(l) as { optimizer: string; precision: string; largest_update_over_lr: number });
  assert.equal(rows.length, 8);
  const largest = (opt: string) => rows.filter((r) => r.optimizer === opt).map((r) => r.largest_update_over_lr);
  const mix = largest("ademamix"), adam = largest("adam");
  const flat = section("## Fig 15:").replace(/\s+/g, " ");
  const want = `the largest AdEMAMix update is ${Math.min(...mix).toFixed(1)} to ${Math.max(...mix).toFixed(1)} lr, Adam's ${Math.max(...adam).toFixed(2)}`;
  assert.ok(flat.includes(want), `Fig 15: the page should say "${want}"`);
});

test("docs/paper.md Fig 16 (top, theory): the Resource map's half and learned times and their ratio", async () => {
  const r = await cliIn(["run", join(ROOT, "configs", "paper", "fig16-top-theory.yaml"), "--json", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  const [a, b] = (JSON.parse(r.stdout) as SweepLine).skills;
  const said = `Skill 1 half-learned / learned at ${a.half} / ${a.learned}, skill 2 at ${b.half} / ${b.learned}: learned_2 / learned_1 = ${(b.learned! / a.learned!).toFixed(1)},`;
  assert.ok(section("## Fig 16 (top, theory)").replace(/\s+/g, " ").includes(said), said);
});

test("docs/paper.md Fig 7 (top): each row's RMS difference of the level curves and learned times are the two runs' (Geometry seed 0 against the Resource map)", async () => {
  const fig7 = section("## Fig 7:");
  const head = fig7.split("\n").findIndex((l) => l.startsWith("| row | Geometry `--set` | Resource `--set` | RMS difference of the level curves |"));
  assert.ok(head >= 0, "the Fig 7 top table");
  const rows: string[][] = [];
  for (let i = head + 2; fig7.split("\n")[i]?.startsWith("|"); i++) rows.push(fig7.split("\n")[i].split("|").slice(1, -1).map((c) => c.trim()));
  assert.equal(rows.length, 8);
  type Levels = SweepLine & { trace: { t: number[]; level: number[][] } };
  const run = async (config: string, sets: string[]) => {
    const r = await cliIn(["run", join(ROOT, "configs", "paper", config), ...sets.flatMap((x) => ["--set", x]), "--json", "-q"]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as Levels;
  };
  /** RMS over all skills and recorded times, and "learned skill 1 / skill 10" of each run. */
  const compare = async (geoSets: string[], resSets: string[]) => {
    const [g, res] = [await run("fig6-geometry.yaml", geoSets), await run("fig6-resource-N0.yaml", resSets)];
    assert.deepEqual(g.trace.t, res.trace.t, "the same recorded times");
    let sum = 0, count = 0;
    g.trace.level.forEach((row, i) => row.forEach((v, k) => { sum += (v - res.trace.level[i][k]) ** 2; count++; }));
    const ends = (j: Levels) => `${j.skills[0].learned ?? "-"} / ${j.skills[9].learned ?? "-"}`; // skill 1 / skill 10, as the header says
    return { rms: Math.sqrt(sum / count).toFixed(3), learned: `${ends(g)}; ${ends(res)}` };
  };
  const sets = (cell: string) => (cell === "-" ? [] : cell.split(", "));
  for (const [name, geo, res, rms, learned] of rows) {
    const geoSets = sets(geo);
    const resSets = sets(res).flatMap((s) => (s === "the same" ? geoSets : [s]));
    assert.deepEqual(await compare(geoSets, resSets), { rms, learned }, `Fig 7 top, row "${name}"`);
  }
  // the 100-skill row with the labelled N0 = 0.003 instead of the code's 0.01
  const [labelled, coded] = [await compare(["skills.count=100"], ["skills.count=100", "N0=0.003"]), await compare(["skills.count=100"], ["skills.count=100", "N0=0.01"])];
  const said = `here 0.003 fits better (RMS ${labelled.rms} vs ${coded.rms}).`;
  assert.ok(fig7.replace(/\s+/g, " ").includes(said), said);
});

test("docs/paper.md Fig 6: the Geometry run's half and learned times (seed 0)", async () => {
  const r = await cliIn(["run", join(ROOT, "configs", "paper", "fig6-geometry.yaml"), "--json", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as SweepLine;
  assert.equal(j.config.seed, 0);
  const said = `Geometry (seed 0): half at ${j.skills.map((s) => s.half).join(", ")}; learned at ${j.skills.map((s) => s.learned).join(", ")}.`;
  assert.ok(section("## Fig 6:").replace(/\s+/g, " ").includes(said), said);
});

test("docs/paper.md Fig 16 (bottom): the map's learned times and switch, and skill 3's final level without the switch", async () => {
  const run = async (...sets: string[]) => {
    const r = await cliIn(["run", join(ROOT, "configs", "paper", "fig16-bottom-theory.yaml"), ...sets.flatMap((x) => ["--set", x]), "--json", "-q"]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as SweepLine & { summary: { switches: { on: number[] }[] } };
  };
  const on = await run();
  const off = await run("skills.switches=[]");
  assert.equal(on.skills[0].learned, on.skills[1].learned);
  assert.equal(off.skills[2].learned, null);
  const said = `Map: skills 1 and 2 learned at ${on.skills[0].learned}, the switch at step ${on.summary.switches[0].on[0]}, skill 3 learned at ${on.skills[2].learned} (without the switch it ends at level ${off.skills[2].final.toFixed(3)})`;
  assert.ok(section("## Fig 16 (bottom").replace(/\s+/g, " ").includes(said), said);
});
