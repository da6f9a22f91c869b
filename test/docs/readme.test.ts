/** What docs/output.md (the output contract the README links) says about output fields is what the CLI writes. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers.js";
import { cliIn } from "../inprocess.js";

test("docs/output.md documents the Geometry diagnostics fields the run JSON carries", async () => {
  const readme = readFileSync(join(ROOT, "docs", "output.md"), "utf8");
  assert.ok(readFileSync(join(ROOT, "README.md"), "utf8").includes("(docs/output.md)"), "the README links docs/output.md");
  for (const field of ["trace.extra.aligned[i][k]", "trace.extra.stepLength[k]", "summary.diagnosticsNote", "diagnostics: average"]) {
    assert.ok(readme.includes(field), `docs/output.md mentions ${field}`);
  }
  for (const mode of ["true", "average"]) {
    const r = await cliIn(["run", "configs/geometry-minimal.yaml", "--set", `diagnostics=${mode}`, "--set", "steps=30", "--json", "--quiet"]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(j.trace.extra).sort(), ["aligned", "stepLength"]);
    assert.equal(j.trace.extra.aligned.length, j.skills.length, "one row per skill");
    assert.equal(j.trace.extra.aligned[0].length, j.trace.t.length, "one entry per recorded step");
    assert.equal(j.trace.extra.stepLength.length, j.trace.t.length);
    assert.equal(j.trace.extra.aligned[0][0], 0, "0 at t = 0");
    assert.equal(j.trace.extra.stepLength[0], 0, "0 at t = 0");
    assert.ok(j.trace.extra.stepLength[1] > 0);
    assert.equal(typeof j.summary.diagnosticsNote, "string");
  }
});
