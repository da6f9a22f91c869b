/**
 * src/cli/background.ts: a worker prepared ahead of its task (prepareBackground, as `run` does
 * while it reads the config) returns exactly what a worker started for the task returns, and
 * what the function returns on this thread; a prepared worker that is never used does not keep
 * a process alive (a config error exits at once).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { inBackground, prepareBackground } from "../../src/cli/background.js";
import { runModel } from "../../src/models/index.js";
import { cfgFrom, cli, tempDir } from "../helpers.js";

const cfg = cfgFrom("model: geometry\nparams: 20\nsteps: 300\nskills: {count: 30, frequencies: {zipf: 1}, vectors: random}\nloss: ce\nbatch: 64\noptimizer: adam\nlr: 0.01\n");

test("prepared worker: the same result as a fresh worker and as this thread", async () => {
  const here = runModel(cfg);
  const fresh = await inBackground("models/index.js", "runModel", [cfg]);
  prepareBackground("models/index.js");
  let progress = 0;
  const prepared = await inBackground("models/index.js", "runModel", [cfg], () => progress++);
  assert.deepEqual(fresh, here);
  assert.deepEqual(prepared, here);
  assert.ok(progress > 0, "progress comes through the prepared worker");
});

test("a worker prepared without a module imports the task's module when the task comes: the same result", async () => {
  const here = runModel(cfg);
  prepareBackground();
  const prepared = await inBackground("models/geometry/model.js", "runGeometry", [cfg]);
  assert.deepEqual(prepared, here);
});

test("prepared worker for a module that fails to load: the task's error, as without preparation", async () => {
  prepareBackground("models/no-such-module.js");
  await assert.rejects(inBackground("models/no-such-module.js", "runModel", [cfg]), /no-such-module/);
});

test("run: a config error exits 2 at once, the prepared worker does not hold the process", () => {
  const dir = tempDir();
  writeFileSync(join(dir, "bad.yaml"), "model: geometry\nsteps: -1\n");
  const t0 = Date.now();
  const r = cli(["run", join(dir, "bad.yaml")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^skillsim: config error: .*bad\.yaml.*steps/);
  assert.ok(Date.now() - t0 < 20000);
});
