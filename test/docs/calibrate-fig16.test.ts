/**
 * docs/calibrate.md's Fig 16 table is what the page's commands give (issue 21: the docs' numbers
 * are produced by tests): the three network runs of configs/calibrate/network-fig16.yaml (about
 * 4 s of CPU each), each calibrated alone (N0, rate, rmse, rmse per task; the run's learned
 * times), and the three together with the page's `--bootstrap` (estimate, intervals, rmse),
 * each compared to the digits the page writes; and the prose's summary of them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";
import { fencedAfter, words } from "./shown.js";

const PAGE = readFileSync(join(ROOT, "docs", "calibrate.md"), "utf8");
const FLAT = PAGE.replace(/\s+/g, " ");

/** `x` shown with as many significant digits as `written` has ("0.00337" -> 3, "0.082" -> 2). */
function asWritten(x: number, written: string): string {
  const mantissa = written.replace(/^-/, "").split(/e/i)[0].replace(".", "").replace(/^0+/, "");
  const shown = Number(x.toPrecision(Math.max(1, mantissa.length)));
  return shown === Number(written) ? written : String(shown);
}

interface Cal { params: { N0: number; rate: number }; rmse: number; skills: { rmse: number }[]; intervals: { N0: number[]; rate: number[] } | null; search: { at_bound: string[] } }

test("docs/calibrate.md: the Fig 16 network table (three seeds alone, then jointly with --bootstrap) is the commands' output, to the digits shown", async () => {
  const block = fencedAfter(PAGE, "The three seeds together:", "sh");
  const loop = /^for s in ([\d ]+); do skillsim (run .*?); done$/.exec(block[0]);
  assert.ok(loop, `the page's run loop: ${block[0]}`);
  const seeds = loop[1].trim().split(" ");
  const dir = tempDir();
  const learned: (number | null)[][] = [];
  for (const s of seeds) {
    const args = words(loop[2].replaceAll("$s", s)).map((w, i, all) => (all[i - 1] === "--out" ? join(dir, w) : w));
    const r = await cliIn([...args, "-q"]);
    assert.equal(r.code, 0, r.stderr);
    const run = JSON.parse(readFileSync(join(dir, `net${s}.json`), "utf8")) as { skills: { learned: number | null }[]; config: { timeline: { on: string; learned: number } } };
    assert.deepEqual([run.config.timeline.on, run.config.timeline.learned], ["progress", 0.9], "the learned column's reading: progress > 0.9");
    learned.push(run.skills.map((k) => k.learned));
  }
  const calibrate = async (args: string[]): Promise<Cal> => {
    const r = await cliIn([...args, "--json", "-q"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };

  const lines = PAGE.split("\n");
  const head = lines.findIndex((l) => l.startsWith("| seed | N0 | rate | rmse | rmse task 1, task 2 | learned (progress > 0.9): task 1, task 2 |"));
  assert.ok(head >= 0, "the Fig 16 table");
  const rows: string[][] = [];
  for (let i = head + 2; lines[i]?.startsWith("|"); i++) rows.push(lines[i].split("|").slice(1, -1).map((c) => c.trim()));
  assert.equal(rows.length, seeds.length + 1);

  /** "0.0211" or "1e-12 (at its bound)": the value to the digits shown, and the bound said where it is. */
  const param = (c: Cal, key: "N0" | "rate", cell: string, what: string) => {
    const [written, ...rest] = cell.split(" ");
    assert.equal(asWritten(c.params[key], written), written, `${what} ${key}: the page has ${cell}, calibrate gives ${c.params[key]}`);
    assert.equal(rest.join(" ") === "(at its bound)", c.search.at_bound.includes(key), `${what} ${key}: at its bound? the page: ${cell}; calibrate: ${c.search.at_bound}`);
  };
  const fitted: Cal[] = [];
  for (const [k, s] of seeds.entries()) {
    const [seed, n0, rate, rmse, perTask, learnedAt] = rows[k];
    assert.equal(seed, s);
    const c = await calibrate(["calibrate", `net${s}.json`]);
    fitted.push(c);
    param(c, "N0", n0, `seed ${s}`);
    param(c, "rate", rate, `seed ${s}`);
    assert.equal(asWritten(c.rmse, rmse), rmse, `seed ${s} rmse`);
    const tasks = perTask.split(", ");
    assert.deepEqual(c.skills.map((x, j) => asWritten(x.rmse, tasks[j])), tasks, `seed ${s} rmse per task`);
    assert.equal(learnedAt, learned[k].join(", "), `seed ${s} learned times`);
  }

  // jointly: the page's calibrate command, its plot left out
  const cmd = block.find((l) => l.startsWith("skillsim calibrate "));
  assert.ok(cmd);
  const args = words(cmd).slice(1).filter((w, i, all) => w !== "--plot" && all[i - 1] !== "--plot");
  const j = await calibrate(args);
  const [what, n0, rate, rmse] = rows[seeds.length];
  assert.ok(what.includes(`\`--bootstrap ${args[args.indexOf("--bootstrap") + 1]}\``), what);
  assert.ok(j.intervals, "the joint calibration's intervals");
  const withInterval = (key: "N0" | "rate", cell: string) => {
    const m = /^(\S+) \[(\S+), (\S+)\]$/.exec(cell);
    assert.ok(m, cell);
    const got = [j.params[key], ...j.intervals![key]];
    assert.deepEqual(got.map((x, i) => asWritten(x, m[i + 1])), m.slice(1), `joint ${key}: the page has ${cell}, calibrate gives ${got.join(", ")}`);
  };
  withInterval("N0", n0);
  withInterval("rate", rate);
  assert.equal(asWritten(j.rmse, rmse), rmse, "joint rmse");

  // the prose: seed 0's N0 to two digits, the others at 0 (their bound), the rmse range
  const rmses = fitted.map((c) => c.rmse);
  const range = `rmse ${Math.min(...rmses).toPrecision(1)}-${Math.max(...rmses).toPrecision(2)}`;
  assert.ok(FLAT.includes(`(N0 ${fitted[0].params.N0.toPrecision(2)}, and 0 for seeds 1 and 2) with ${range}:`), range);
  assert.ok(fitted.slice(1).every((c) => c.search.at_bound.includes("N0")));
  assert.ok(FLAT.includes(`what it misses (${range}) is the shape`), range);

  // docs/paper.md's Fig 16 (top, network) table shows the same calibrations, but the rmse per task
  const paper = readFileSync(join(ROOT, "docs", "paper.md"), "utf8");
  for (const [seed, n0, rate, rmse, , learnedAt] of rows.slice(0, seeds.length)) {
    const row = `| ${seed} | ${n0} | ${rate} | ${rmse} | ${learnedAt} |`;
    assert.ok(paper.split("\n").includes(row), `docs/paper.md Fig 16 (top, network): ${row}`);
  }
  const joint = `| 0-2 jointly, \`--bootstrap ${args[args.indexOf("--bootstrap") + 1]}\` | ${n0} | ${rate} | ${rmse} | |`;
  assert.ok(paper.split("\n").includes(joint), `docs/paper.md Fig 16 (top, network): ${joint}`);
  const paperFlat = paper.replace(/\s+/g, " ");
  assert.ok(paperFlat.includes(`What it misses (${range}) is the shape`), `docs/paper.md: ${range}`);
  assert.ok(paperFlat.includes(`hence ${learned[0].join(" / ")} where the accuracy`), `docs/paper.md: ${learned[0].join(" / ")}`);
  assert.ok(paperFlat.includes(`The network (seed 0, progress > 0.9) learns its tasks at ${learned[0].join(" and ")} (below).`), `docs/paper.md Fig 16 (top, theory): ${learned[0]}`);
});
