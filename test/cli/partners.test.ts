/**
 * "Acts only with": one declaration (src/cli/partners.ts) for every command. Each declared
 * option given without its partner gets one note on stderr (none with --quiet, none with the
 * partner), through the real CLI; and every declaration names options the command really has.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ACTS_ONLY_WITH } from "../../src/cli/partners.js";
import { buildProgram } from "../../src/cli/main.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

test("every declared option and partner is an option of its command", async () => {
  for (const [name, rules] of Object.entries(ACTS_ONLY_WITH)) {
    const program = await buildProgram(["node", "skillsim", name]);
    const cmd = program.commands.find((c) => c.name() === name);
    assert.ok(cmd, name);
    const longs = cmd.options.map((o) => o.long);
    for (const r of rules) for (const f of [r.option, r.with, ...(r.unless ?? [])]) assert.ok(longs.includes(f), `${name} ${f}`);
  }
});

test("every option whose help says 'with --X:' is declared as acting only with --X (study and paper included)", async () => {
  const program = await buildProgram(["node", "skillsim"]);
  const missing: string[] = [];
  for (const cmd of program.commands) {
    for (const o of cmd.options) {
      const m = /^with (--[\w-]+)\b/.exec(o.description);
      if (!m || !o.long) continue;
      if (!(ACTS_ONLY_WITH[cmd.name()] ?? []).some((r) => r.option === o.long && r.with === m[1])) missing.push(`${cmd.name()} ${o.long} (with ${m[1]})`);
    }
  }
  assert.deepEqual(missing, []);
  // through the CLI: a study's --xlim without --plot is a note, not silence
  const dir = tempDir();
  writeFileSync(join(dir, "a.yaml"), "model: resource\nskills: {count: 2}\nsteps: 20\nsweep:\n  N0: [0.1, 1]\n");
  writeFileSync(join(dir, "s.study.yaml"), "study:\n  configs:\n    a: a.yaml\n  group: [N0]\n");
  const r = await cliIn(["study", join(dir, "s.study.yaml"), "--out", join(dir, "out"), "--xlim", "0,10"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^skillsim: note: --xlim only acts with --plot \(the figures\); ignored$/m);
});

/** A small CSV on the Chinchilla law L = 1.7 + 400 / N^0.34 + 410 / D^0.28 (4 x 4 points): the notes do not depend on the data. */
function chinchillaCsv(): string {
  const rows = ["N,D,loss"];
  for (const n of [1e7, 3e7, 1e8, 3e8]) for (const d of [1e9, 3e9, 1e10, 3e10]) rows.push(`${n},${d},${1.7 + 400 / n ** 0.34 + 410 / d ** 0.28}`);
  const file = join(tempDir(), "chinchilla.csv");
  writeFileSync(file, rows.join("\n") + "\n");
  return file;
}

test("fit: --seed, --level, --bootstrap-by without --bootstrap and --flops-per-param-token without --compute each get a note", async () => {
  const csv = chinchillaCsv();
  const r = await cliIn(["fit", csv, "--seed", "2", "--level", "0.9", "--bootstrap-by", "row", "--flops-per-param-token", "8", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).form, "chinchilla");
  const notes = r.stderr.split("\n").filter((l) => l.includes("only acts with"));
  assert.deepEqual(notes, [
    "skillsim: note: --seed only acts with --bootstrap (the resamples' random seed); ignored",
    "skillsim: note: --level only acts with --bootstrap (the intervals' coverage); ignored",
    "skillsim: note: --bootstrap-by only acts with --bootstrap (what is resampled); ignored",
    "skillsim: note: --flops-per-param-token only acts with --compute (C = k N D for the compute-optimal split); ignored",
  ]);
  // with --quiet: nothing; with the partner: no note for it
  const quiet = await cliIn(["fit", csv, "-q", "--seed", "2", "--json"]);
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.ok(!quiet.stderr.includes("only acts with"));
  const withPartner = await cliIn(["fit", csv, "--flops-per-param-token", "8", "--compute", "1e21", "--json"]);
  assert.equal(withPartner.code, 0, withPartner.stderr);
  assert.ok(!withPartner.stderr.includes("only acts with"), withPartner.stderr);
});

test("calibrate: --seed and --level without --bootstrap get a note; run --log-time without --plot too", async () => {
  const c = await cliIn(["run", "--json", "-q"]);
  const r = cli(["calibrate", "-", "--seed", "3", "--level", "0.9", "--json"], { input: c.stdout });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^skillsim: note: --seed only acts with --bootstrap \(the resamples' random seed\); ignored\nskillsim: note: --level only acts with --bootstrap/m);
  assert.match((await cliIn(["run", "--log-time"])).stderr, /^skillsim: note: --log-time only acts with --plot \(the figure's time axis\); ignored\n$/);
});
