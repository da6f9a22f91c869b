/**
 * docs/lagrangian.md's minimal-example section is what the study script prints (issue 21: the
 * docs' numbers are produced by tests): `node scripts/lagrangian-study.mjs minimal` (84 runs,
 * about 4 s of CPU) gives the page's table and per-learning-rate lines line for line, and the
 * prose's numbers for the minimal example are that table's. The two-skill section likewise
 * (`... two-skill`: 252 runs, about 25 s of CPU) and the network section (`... network`: 3 runs,
 * about 10 s) and the scaling section (`... scaling`: 15 runs, about 8 s), each with the
 * prose's numbers for it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const PAGE = readFileSync(join(ROOT, "docs", "lagrangian.md"), "utf8");
const FLAT = PAGE.replace(/\s+/g, " ");

/** The non-blank lines of a section from its heading (any level) to the next heading. */
function section(text: string, heading: string): string[] {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => /^#+ /.test(l) && l.replace(/^#+ /, "") === heading);
  assert.ok(start >= 0, `no section "${heading}"`);
  const end = lines.findIndex((l, i) => i > start && /^#+ /.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end).filter((l) => l.trim() !== "");
}

test("docs/lagrangian.md: the minimal example's table and learning-rate lines are the script's output, and the prose quotes them", () => {
  const out = execFileSync(process.execPath, [join(ROOT, "scripts", "lagrangian-study.mjs"), "minimal"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const heading = "minimal (configs/lagrangian/minimal.yaml; seeds 0; delta = 0.01 L(0))";
  const printed = section(out, heading);
  assert.deepEqual(section(PAGE, heading), printed);

  // the prose: columns of the table's rows, in optimizer order (adam p = 0 .. 1, natural gradient)
  const rows = printed.filter((l) => /^\| (adam|natural)/.test(l)).map((l) => l.split("|").slice(1, -1).map((c) => c.trim()));
  assert.equal(rows.length, 6);
  const col = (j: number) => rows.map((r) => r[j]);
  const [T, ratio, untilT] = [col(2), col(3), col(6)];
  const two = (s: string) => Number(s).toFixed(2).replace(/^1\.00$/, "1.0");
  assert.ok(FLAT.includes(`drops steadily with the preconditioner power: ${two(untilT[0])} at p = 0`), untilT.join(" "));
  assert.ok(FLAT.includes(`${two(untilT[1])} at p = 0.25, ${two(untilT[2])} at p = 0.5 (sign descent), ${two(untilT[3])} at p = 0.75 and ${two(untilT[4])} at p = 1.`), untilT.join(" "));
  const r1 = (s: string) => (Number.isInteger(Number(s)) && Number(s) > 1 ? Number(s).toFixed(1) : s);
  assert.ok(FLAT.includes(`minimal example ${ratio.slice(0, 5).map(r1).join(", ")} and ${ratio[5]}.`), ratio.join(" "));
  assert.ok(FLAT.includes(`p = 0.25 (${T[1]}) and 0.75 (${T[3]}) beat it (${T[2]}) in the minimal example`), T.join(" "));
  assert.equal(T[5], "1"); // "a single step in the deterministic minimal example"
  assert.ok(FLAT.includes("a single step in the deterministic minimal example"));
});

/** `x` with as many significant digits as `written` has ("5.3" -> 2, "0.86" -> 2, "3.0" -> 2). */
function asWritten(x: number, written: string): string {
  const mantissa = written.split(/e/i)[0].replace(".", "").replace(/^0+/, "");
  const shown = Number(x.toPrecision(Math.max(1, mantissa.length)));
  return shown === Number(written) ? written : String(shown);
}

/** "lo-hi" or "x" of a table cell, as numbers. */
const bounds = (cell: string): [number, number] => {
  const [lo, hi = lo] = cell.split("-").map(Number);
  return [lo, hi];
};

test("docs/lagrangian.md: the two-skill table and learning-rate lines are the script's output, and the prose quotes them", async () => {
  const out = execFileSync(process.execPath, [join(ROOT, "scripts", "lagrangian-study.mjs"), "two-skill"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const heading = "two-skill (configs/lagrangian/two-skill.yaml; seeds 0, 1, 2; delta = 0.01 L(0))";
  const printed = section(out, heading);
  assert.deepEqual(section(PAGE, heading), printed);

  const rows = printed.filter((l) => /^\| (adam|natural)/.test(l)).map((l) => l.split("|").slice(1, -1).map((c) => c.trim()));
  assert.equal(rows.length, 6);
  const adam = rows.slice(0, 5);
  const cols = (rs: string[][], j: number) => rs.map((r) => r[j]);
  const [lr, T, ratio, at] = [1, 2, 3, 4].map((j) => cols(rows, j));
  /** "a-b" of the prose: the least lo and the largest hi of the cells, to the digits written. */
  const span = (cells: string[], scale = 1): string => {
    const lo = Math.min(...cells.map((c) => bounds(c)[0])) * scale;
    const hi = Math.max(...cells.map((c) => bounds(c)[1])) * scale;
    return `${lo}-${hi}`;
  };
  const written = (x: string, cells: string[], scale = 1) => {
    const [lo, hi] = span(cells, scale).split("-").map(Number);
    const [a, b] = x.split("-");
    return `${asWritten(lo, a)}-${asWritten(hi, b)}`;
  };
  const quoted = (pattern: RegExp): string[] => {
    const m = pattern.exec(FLAT);
    assert.ok(m, `the page no longer says ${pattern}`);
    return m.slice(1);
  };
  // the aggregate until T(delta) and the skill ramps, over the Adam powers
  const [pct] = quoted(/the aggregate falls in only (\d+-\d+)% of the steps before T\(delta\) for every Adam power/);
  assert.equal(written(pct, cols(adam, 6), 100), pct, `until T(delta): ${cols(adam, 6).join(" ")}`);
  const [ramp] = quoted(/steps of their own ramp \(([\d.]+-[\d.]+) by optimizer\)/);
  assert.equal(written(ramp, cols(adam, 7)), ramp, `ramps: ${cols(adam, 7).join(" ")}`);
  // learned_2 / learned_1 per optimizer
  const said = quoted(/in the two-skill experiment learned_2 \/ learned_1 is (\S+) at p = 0, (\S+) at 0\.25, (\S+) at 0\.5, (\S+) at 0\.75, (\S+) at 1 and (\S+) with the natural gradient/);
  said.forEach((x, k) => assert.equal(written(x, [ratio[k]]), x, `ratio of ${rows[k][0]}: the table has ${ratio[k]}`));
  // least time: natural gradient against the Adam powers; p = 0.25 and 0.75 against 0.5
  const [nat, adamT] = quoted(/(\d+) steps to L <= 0\.01 in the two-skill runs \(Adam's powers need (\d+-\d+)\)/);
  assert.equal(nat, T[5]);
  assert.equal(adamT, span(cols(adam, 2)));
  assert.ok(FLAT.includes(`p = 0.25 (${T[1]} steps) and p = 0.75 (${T[3]}) beat it (${T[2]}) in the two-skill runs`), T.join(" "));
  // p = 1's best learning rates: two-skill, then minimal
  const minimal = section(PAGE, "minimal (configs/lagrangian/minimal.yaml; seeds 0; delta = 0.01 L(0))").find((l) => l.startsWith("| adam p = 1 |"))!.split("|")[2].trim();
  const [best2, bestMin] = quoted(/toy runs \(best (\S+) and (\S+), else they diverge\)/);
  assert.deepEqual([Number(best2), Number(bestMin)], [Number(lr[4]), Number(minimal)]);
  // Adam (p = 0.5): the ratio at its best learning rate (seed 0's learned times) and at the config's own 3e-4
  const [dflt, atDefault, best, atBest] = quoted(/At Adam's default learning rate (\S+) the two-skill ratio is ([\d.]+); at its best learning rate (\S+) it is ([\d.]+):/);
  assert.equal(Number(best), Number(lr[2]));
  const [l1, l2] = at[2].split(", ").map(Number);
  assert.equal(asWritten(l2 / l1, atBest), atBest, `seed 0 at lr ${best}: learned at ${at[2]}`);
  const r = await cliIn(["run", "configs/lagrangian/two-skill.yaml", "--set", `lr=${dflt}`, "--json", "-q"]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { config: { seed: number; optimizer: { name: string; power: number } }; domino: { ratio21: number } };
  assert.deepEqual([j.config.seed, j.config.optimizer.name, j.config.optimizer.power], [0, "adam", 0.5]);
  assert.equal(asWritten(j.domino.ratio21, atDefault), atDefault, `lr ${dflt}, seed 0`);
});

test("docs/lagrangian.md: the network table and learning-rate lines are the script's output, and the prose quotes them", () => {
  const out = execFileSync(process.execPath, [join(ROOT, "scripts", "lagrangian-study.mjs"), "network"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const heading = "network (configs/lagrangian/network.yaml; seeds 0; delta = 0.1 L(0))";
  const printed = section(out, heading);
  assert.deepEqual(section(PAGE, heading), printed);
  const rows = printed.filter((l) => /^\| adam/.test(l)).map((l) => l.split("|").slice(1, -1).map((c) => c.trim()));
  assert.deepEqual(rows.map((r) => r[0]), ["adam p = 0.25", "adam p = 0.5", "adam p = 0.75"]);
  const [p25, p5, p75] = rows;
  // v falls in a-b% of the steps before T(delta): the until-T(delta) column of the powers that reach it
  const until = rows.map((r) => r[6]).filter((c) => c !== "-").map(Number);
  const pct = `${Math.round(100 * Math.min(...until))}-${Math.round(100 * Math.max(...until))}%`;
  assert.ok(FLAT.includes(`v falls in ${pct} of its steps before T(delta)`), `${pct} (${until.join(", ")})`);
  assert.match(p25[2], /^never at lr 0\.001$/);
  assert.ok(FLAT.includes(`in the network p = 0.75 reaches 0.1 L(0) in ${p75[2]} steps where Adam needs ${p5[2]} and p = 0.25 never does in 1000 steps (one learning rate, 1e-3, for the network)`), `${p75[2]} ${p5[2]}`);
});

test("docs/lagrangian.md: the scaling table and learning-rate lines are the script's output, and the prose quotes them", () => {
  const out = execFileSync(process.execPath, [join(ROOT, "scripts", "lagrangian-study.mjs"), "scaling"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const heading = "scaling (configs/lagrangian/scaling.yaml; seeds 0; delta = 0.5 L(0))";
  const printed = section(out, heading);
  assert.deepEqual(section(PAGE, heading), printed);
  const rows = printed.filter((l) => /^\| adam/.test(l)).map((l) => l.split("|").slice(1, -1).map((c) => c.trim()));
  assert.deepEqual(rows.map((r) => r[0]), ["adam p = 0", "adam p = 0.25", "adam p = 0.5", "adam p = 0.75", "adam p = 1"]);
  // decelerates in a-b% of its recorded intervals before T(delta), over the powers that reach it
  const until = rows.map((r) => r[6]).filter((c) => c !== "-").map(Number);
  const pct = `${Math.round(100 * Math.min(...until))}-${Math.round(100 * Math.max(...until))}%`;
  assert.ok(FLAT.includes(`decelerates as the Lagrangian paper claims, in ${pct} of its recorded intervals before T(delta)`), `${pct} (${until.join(", ")})`);
  const T = rows.map((r) => r[2]);
  assert.equal(T[3], T[4], "p = 0.75 and p = 1 tie");
  assert.ok(FLAT.includes(`p = 0.75 and p = 1 tie (${T[3]} steps to half the initial loss) ahead of p = 0.5 (${T[2]}) in the scaling setting`), T.join(" "));
});
