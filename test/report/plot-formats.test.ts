/**
 * Every command that draws writes all four figure formats: for each command of the program
 * (src/cli/main.ts) with a --plot option, --plot FILE.svg, .png, .vl.json and .html each give
 * a file of that format (a new drawing command without a case here fails the first test).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { buildProgram } from "../../src/cli/main.js";
import { tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const dir = tempDir();
const run = join(dir, "r.json");
const csv = join(dir, "p.csv");

/** The arguments that make each drawing command draw, the figure file given as FIG. */
const CASES: Record<string, (fig: string) => string[]> = {
  run: (fig) => ["run", "configs/resource-default.yaml", "--plot", fig],
  sweep: (fig) => ["sweep", "configs/sweep-resource-N0.yaml", "--out", join(dir, "s.jsonl"), "--resume", "--jobs", "1", "--plot", fig],
  fit: (fig) => ["fit", csv, "--x", "N", "--plot", fig],
  calibrate: (fig) => ["calibrate", run, "--plot", fig],
  kinematics: (fig) => ["kinematics", run, "--plot", fig],
  study: (fig) => ["study", "configs/paper/fig9.study.yaml", "--out", join(dir, "study"), "--plot", fig],
  paper: (fig) => ["paper", "9", "--out", join(dir, "paper"), "--plot", fig],
};
/** Where a command writes its figure when it is not FILE itself: paper names each FILE-fig<N>-<name>.ext. */
const WRITTEN: Record<string, (base: string, ending: string) => string> = {
  paper: (base, ending) => `${base}-fig9-learned.${ending}`,
};

test("the drawing commands are the program's commands with --plot, each with a case here", async () => {
  const cmds = (await buildProgram(["node", "skillsim", "--help"])).commands as Command[];
  const drawing = cmds.filter((c) => c.options.some((o) => o.long === "--plot")).map((c) => c.name()).sort();
  assert.deepEqual(drawing, Object.keys(CASES).sort());
});

test("every drawing command writes .svg, .png, .vl.json and .html, each in its format", async () => {
  const r0 = await cliIn(["run", "configs/resource-default.yaml", "--json", "--out", run, "-q"]);
  assert.equal(r0.code, 0, r0.stderr);
  writeFileSync(csv, "N,loss\n10,1\n20,0.7\n40,0.5\n80,0.36\n160,0.26\n320,0.19\n");
  for (const [name, args] of Object.entries(CASES)) {
    for (const ending of ["svg", "png", "vl.json", "html"]) {
      const base = join(dir, `${name}`);
      const r = await cliIn([...args(`${base}.${ending}`), "-q"]);
      assert.equal(r.code, 0, `${name} --plot .${ending}: ${r.stderr}`);
      const file = (WRITTEN[name] ?? ((b: string, e: string) => `${b}.${e}`))(base, ending);
      const bytes = readFileSync(file);
      const text = bytes.toString("utf8");
      if (ending === "svg") assert.match(text, /^<svg/, `${name}: svg`);
      if (ending === "png") assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${name}: png`);
      if (ending === "vl.json") assert.match((JSON.parse(text) as { $schema: string }).$schema, /vega-lite/, `${name}: vl.json`);
      if (ending === "html") assert.match(text, /^<!DOCTYPE html>/i, `${name}: html`);
    }
  }
});
