/**
 * The project's own regression suite: every config in test/regression/configs/ is run through
 * the real CLI and checked with `skillsim check` against its committed baseline in
 * test/regression/baselines/ (default tolerances: integers exact, floats to rtol 1e-9).
 *
 * Refresh deliberately, after a change that is meant to move results:
 *     UPDATE_BASELINES=1 npm test          (or: scripts/update-baselines.sh)
 * Only baselines whose results moved (or that are missing) are rewritten, so refreshing on
 * another machine does not churn the provenance (Node version) of the others. Then review
 * `git diff test/regression/baselines` and commit it with a message saying why. See docs/ci.md.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import { tempDir, ROOT } from "../helpers.js";
import { cliIn } from "../inprocess.js";
import { modelNames } from "../../src/models/index.js";

const CONFIGS = join(ROOT, "test", "regression", "configs");
const BASELINES = join(ROOT, "test", "regression", "baselines");
const update = process.env.UPDATE_BASELINES === "1";
const work = tempDir();

const configs = readdirSync(CONFIGS).filter((f) => f.endsWith(".yaml")).sort();

test("the regression suite covers every registered model", () => {
  const prefixes = new Set(configs.map((f) => f.split("-")[0]));
  for (const m of modelNames) assert.ok(prefixes.has(m), `no test/regression/configs/${m}-*.yaml: add one and create its baseline`);
});

for (const f of configs) {
  const name = f.replace(/\.yaml$/, "");
  test(`regression: ${name} matches its baseline`, async () => {
    const out = join(work, `${name}.json`);
    const baseline = join(BASELINES, `${name}.json`);
    const run = await cliIn(["run", join(CONFIGS, f), "--json", "-q", "--out", out]);
    assert.equal(run.code, 0, run.stderr);
    if (!existsSync(baseline)) {
      if (update) return renameSync(out, baseline);
      assert.fail(`no baseline ${baseline}; create it with UPDATE_BASELINES=1 npm test (see docs/ci.md)`);
    }
    const check = await cliIn(["check", out, "--baseline", baseline]);
    if (update && check.code !== 0) {
      renameSync(out, baseline);
      process.stderr.write(`updated ${baseline}: ${check.stderr.trim()}\n`);
      return;
    }
    assert.equal(check.code, 0, `${check.stdout}${check.stderr}\n(if this change is intended: UPDATE_BASELINES=1 npm test, review and commit; see docs/ci.md)`);
    assert.match(check.stdout, /^\d+ fields compared, 0 moved beyond tolerance\n$/);
  });
}

test("every baseline has a config (no stale baselines)", () => {
  for (const b of readdirSync(BASELINES).filter((x) => x.endsWith(".json")))
    assert.ok(configs.includes(b.replace(/\.json$/, ".yaml")), `${b} has no config in test/regression/configs/; delete it`);
});
