/** Settings that would be accepted and ignored are refused, through the real CLI: one line
 * naming file:line:col and the key, exit 2, before any work. Settings that act still act. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const dir = tempDir();
function refused(name: string, yaml: string, expect: RegExp): void {
  test(`refused: ${name}`, async () => {
    const f = join(dir, `${name.replace(/\W+/g, "-")}.yaml`);
    writeFileSync(f, yaml);
    for (const cmd of ["run", "validate"]) {
      const r = await cliIn([cmd, f]);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.equal(r.stdout, "");
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      const line = r.stderr.trim().replace(/^skillsim: config error: /, "").replace(f, "f.yaml");
      assert.match(line, expect);
    }
  });
}

const G = "model: geometry\nskills: {count: 3}\nparams: 8\nsteps: 20\n";
refused("geometry rate", `${G}rate: 0.1\n`, /^f\.yaml:5:7: rate: the Geometry model has no eta_eff: it steps theta with lr/);
refused("sgd with beta1", `${G}optimizer: {name: sgd, beta1: 0.9}\n`, /^f\.yaml:5:\d+: optimizer\.beta1: sgd does not use beta1; valid keys here: name$/);
refused("adam with beta", `${G}optimizer:\n  name: adam\n  beta: 0.9\n`, /^f\.yaml:7:3: optimizer\.beta: adam does not use beta; did you mean "beta1"\?$/);
refused("lion with eps", `${G}optimizer: {name: lion, eps: 1.0e-8}\n`, /^f\.yaml:5:\d+: optimizer\.eps: lion does not use eps; valid keys here: name, beta1, beta2$/);
refused("momentum with alpha", `${G}optimizer: {name: momentum, alpha: 0.5}\n`, /^f\.yaml:5:\d+: optimizer\.alpha: momentum does not use alpha; valid keys here: name, beta$/);
refused("adam with ademamix's beta3", `${G}optimizer: {name: adam, beta3: 0.99}\n`, /^f\.yaml:5:\d+: optimizer\.beta3: adam does not use beta3/);
refused("optimizer key misspelt", `${G}optimizer: {name: adam, betta1: 0.9}\n`, /^f\.yaml:5:\d+: optimizer\.betta1: unknown key; did you mean "beta1"\?$/);
refused("rmsprop alpha 2", `${G}optimizer: {name: rmsprop, alpha: 2}\n`, /^f\.yaml:5:\d+: optimizer\.alpha: must be < 1, got 2$/);
refused("unknown optimizer name", `${G}optimizer: {name: adamx}\n`, /^f\.yaml:5:\d+: optimizer\.name: must be one of sgd, momentum, signgd, adam, rmsprop, lion, ademamix.*, got "adamx"; did you mean "adam"\?$/);
refused("resource map with rtol", "model: resource\nrtol: 1.0e-6\n", /^f\.yaml:2:7: rtol: is a tolerance of the rk45 integrator; the map \(integrator: map\) has none/);
refused("resource map with atol", "model: resource\nintegrator: map\natol: 1.0e-9\n", /^f\.yaml:3:7: atol: is a tolerance of the rk45 integrator/);
refused("resource ce with clip", "model: resource\nloss: ce\nclip: true\n", /^f\.yaml:3:7: clip: .*the ce variant has nothing to clip/);

test("a resolved config, as validate prints it, runs again (the default tolerances are accepted with the map)", async () => {
  for (const model of ["resource-default", "resource-ode", "domino-serial", "geometry-minimal"]) {
    const v = await cliIn(["validate", `configs/${model}.yaml`]);
    assert.equal(v.code, 0, v.stderr);
    const f = join(dir, `resolved-${model}.yaml`);
    writeFileSync(f, v.stdout);
    const r = await cliIn(["validate", f]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.replace(f, ""), v.stdout.replace(`configs/${model}.yaml`, ""));
  }
});

test("the same keys where they act are accepted, and act", async () => {
  const f = join(dir, "ok.yaml");
  writeFileSync(f, "model: resource\nintegrator: rk45\nrtol: 1.0e-6\nsteps: 300\n");
  const a = await cliIn(["run", f, "--json", "-q"]);
  assert.equal(a.code, 0, a.stderr);
  const b = await cliIn(["run", f, "--json", "-q", "--set", "rtol=1e-10"]);
  assert.notDeepEqual(JSON.parse(a.stdout).summary.ode, JSON.parse(b.stdout).summary.ode, "rtol changes the integration");
  const rate = await cliIn(["run", "--json", "-q", "--set", "rate=0.05"]);
  assert.equal(rate.code, 0, rate.stderr);
  assert.equal(JSON.parse(rate.stdout).summary.eta_eff, 0.05);
  const g = join(dir, "adam.yaml");
  writeFileSync(g, `${G.replace("steps: 20", "steps: 200")}optimizer: {name: adam, beta1: 0.5}\nlr: 0.01\n`);
  const x = await cliIn(["run", g, "--json", "-q"]);
  const y = await cliIn(["run", g, "--json", "-q", "--set", "optimizer={name: adam}"]);
  assert.equal(x.code, 0, x.stderr);
  assert.equal(JSON.parse(x.stdout).config.optimizer.beta1, 0.5);
  assert.notEqual(JSON.parse(x.stdout).final.loss, JSON.parse(y.stdout).final.loss, "beta1 acts");
});
