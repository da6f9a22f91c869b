/**
 * Reproducibility: the same config and seed give byte-identical `run --json` output in a fresh
 * process and in one that has already run other configs (the test's own, through cliIn), for
 * every model (provenance included: it is the same on one machine). Nothing a run leaves behind
 * in a process (module state, caches) may change the next one.
 * The seed changes nothing in the deterministic models (Resource, Domino) and changes the
 * stochastic ones (Geometry with a batch).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, tempDir, ROOT } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const reg = (name: string) => join(ROOT, "test", "regression", "configs", `${name}.yaml`);
const dir = tempDir();

/** `run --json -q` in a child process (fresh), or in this process (after whatever ran before). */
async function runJson(args: string[], where: "child" | "here" = "here"): Promise<string> {
  const argv = ["run", "--json", "-q", ...args];
  const r = where === "child" ? cli(argv) : await cliIn(argv);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  return r.stdout;
}

const deterministic: [string, string][] = [
  ["resource (map)", reg("resource-map")],
  ["resource (rk45)", reg("resource-rk45")],
  ["resource (dependencies)", reg("resource-deps")],
  ["domino (serial, modules)", reg("domino-serial-modules")],
  ["domino (parallel)", reg("domino-parallel")],
];

for (const [name, cfg] of deterministic) {
  test(`${name}: the same config and seed give byte-identical run --json`, async () => {
    const a = await runJson([cfg], "child");
    const b = await runJson([cfg]);
    assert.ok(a.length > 1000);
    assert.equal(a, b);
  });
}

test("deterministic models: a different seed changes only config.seed and provenance", async () => {
  for (const cfg of [reg("resource-map"), reg("domino-parallel")]) {
    const a = JSON.parse(await runJson([cfg, "--set", "seed=1"]));
    const b = JSON.parse(await runJson([cfg, "--set", "seed=2"]));
    assert.deepEqual(a.skills, b.skills);
    assert.deepEqual(a.trace, b.trace);
    assert.deepEqual(a.final, b.final);
    assert.notEqual(a.provenance.config_hash, b.provenance.config_hash);
  }
});

// Geometry, stochastic with a batch.
const geometryCfg = join(dir, "geometry-batch.yaml");
writeFileSync(geometryCfg, "model: geometry\nskills: {count: 6, frequencies: {zipf: 1.5}}\nparams: 64\nsteps: 400\nbatch: 8\nlr: 1.0e-2\noptimizer: sgd\nrecord: {points: 30}\nseed: 1\n");

test("geometry (batch): the same seed gives byte-identical run --json", async () => {
  assert.equal(await runJson([geometryCfg], "child"), await runJson([geometryCfg]));
});

test("geometry (batch): different seeds give different runs", async () => {
  const a = JSON.parse(await runJson([geometryCfg, "--set", "seed=1"]));
  const b = JSON.parse(await runJson([geometryCfg, "--set", "seed=2"]));
  assert.notDeepEqual(a.trace.loss, b.trace.loss);
});
