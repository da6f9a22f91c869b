/**
 * One record per run: a sweep line carries what `run --json` carries for that run, apart from
 * the per-step trace (it keeps t and loss only): skills with final levels, warnings, summary and
 * domino (plus every learned-time ratio). Lines written before summary and domino were added
 * are still accepted by merge and --resume.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const dir = tempDir();
const cfg = join(dir, "s.yaml");
writeFileSync(cfg, "model: domino\nskills: {count: 4}\nsteps: 600\nsweep:\n  params: [50, 200]\n  seed: [0, 1]\n");
const out = join(dir, "s.jsonl");
const sweep = await cliIn(["sweep", cfg, "-q", "--jobs", "1", "--out", out]);
assert.equal(sweep.code, 0, sweep.stderr);
const lines = readFileSync(out, "utf8").trim().split("\n");

test("each sweep line carries run --json's skills, warnings, summary and domino for that run's config", async () => {
  assert.equal(lines.length, 4);
  const seen: (number | null)[] = [];
  for (const text of lines) {
    const line = JSON.parse(text);
    assert.deepEqual(Object.keys(line), ["id", "overrides", "final", "skills", "warnings", "summary", "domino", "trace", "config", "config_hash", "provenance"]);
    const c = join(dir, `run-${line.id}.json`);
    writeFileSync(c, JSON.stringify(line.config)); // JSON is YAML
    const r = await cliIn(["run", c, "--json", "-q"]);
    assert.equal(r.code, 0, r.stderr);
    const run = JSON.parse(r.stdout);
    for (const k of ["skills", "warnings", "summary"]) assert.deepEqual(line[k], run[k], k);
    assert.equal(line.final.loss, run.final.loss);
    assert.deepEqual(line.trace, { t: run.trace.t, loss: run.trace.loss });
    const { ratios, ...domino } = line.domino;
    assert.deepEqual(domino, run.domino);
    // Every ratio learned_r / learned_1, skills ranked by frequency (skill 1 the most frequent here).
    assert.equal(ratios.length, 3);
    assert.equal(ratios[0].ratio, run.domino.ratio21);
    for (const { skill, ratio } of ratios) {
      const l = run.skills[skill - 1].learned;
      assert.equal(ratio, l === null ? null : l / run.skills[0].learned);
    }
    seen.push(...ratios.map((x: { ratio: number | null }) => x.ratio));
  }
});

/** A line as sweeps wrote it before lines carried summary and domino. */
function oldLine(text: string): string {
  const v = JSON.parse(text);
  delete v.summary;
  delete v.domino;
  return JSON.stringify(v);
}

test("old sweep lines (no summary or domino) are accepted by merge, --resume and table", async () => {
  const old = join(dir, "old.jsonl");
  writeFileSync(old, lines.slice(0, 2).map(oldLine).join("\n") + "\n");
  const merged = join(dir, "merged.jsonl");
  const newer = join(dir, "new.jsonl");
  writeFileSync(newer, lines.slice(2).join("\n") + "\n");
  const m = await cliIn(["merge", old, newer, "--out", merged, "--config", cfg, "-q"]);
  assert.equal(m.code, 0, m.stderr);
  assert.equal(readFileSync(merged, "utf8"), readFileSync(old, "utf8") + readFileSync(newer, "utf8"));
  // --resume keeps the old lines as finished runs and runs only the rest.
  const resume = join(dir, "resume.jsonl");
  writeFileSync(resume, readFileSync(old, "utf8"));
  const r = await cliIn(["sweep", cfg, "--out", resume, "--resume", "--jobs", "1"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /2 runs finished .*; 2 were already there/);
  assert.equal(readFileSync(resume, "utf8"), readFileSync(old, "utf8") + lines.slice(2).join("\n") + "\n");
  // table: the old lines' ratio and summary cells are empty, the new lines' filled.
  const t = await cliIn(["table", resume, "--json"]);
  assert.equal(t.code, 0, t.stderr);
  const rows = JSON.parse(t.stdout);
  assert.deepEqual(rows.map((x: Record<string, unknown>) => x["summary.eta_eff"] === null), [true, true, false, false]);
  assert.deepEqual(rows.map((x: Record<string, unknown>) => typeof x.ratio_2), ["object", "object", "number", "number"]);
});
