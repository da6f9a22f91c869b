/**
 * test/inprocess.ts's cliIn gives what the real CLI in a child process gives: the same exit code,
 * stdout and stderr for help, version, a run, a failed run, a usage error and a written output,
 * and it leaves the test's process as it found it (working directory, environment, streams).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, tempDir } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const CASES: Array<{ name: string; args: (dir: string) => string[] }> = [
  { name: "--help", args: () => ["--help"] },
  { name: "--version", args: () => ["--version"] },
  { name: "an unknown command", args: () => ["rnu"] },
  { name: "init", args: () => ["init", "domino"] },
  { name: "a run as text", args: () => ["run", "configs/resource-N0-serial.yaml"] },
  { name: "a run as JSON", args: (d) => ["run", join(d, "x.yaml"), "--json"] },
  { name: "a config error", args: (d) => ["run", join(d, "bad.yaml")] },
  { name: "an unknown option", args: (d) => ["run", join(d, "x.yaml"), "--jsn"] },
  { name: "a fit", args: (d) => ["fit", join(d, "c.csv"), "--x", "x"] },
];

function inputs(): string {
  const dir = tempDir();
  writeFileSync(join(dir, "x.yaml"), "model: resource\nskills: {count: 3}\nsteps: 50\n");
  writeFileSync(join(dir, "c.csv"), "x,loss\n1,2\n2,1.5\n4,1.2\n8,1.1\n16,1.05\n");
  writeFileSync(join(dir, "bad.yaml"), "model: resource\nskills: {count: -3}\n");
  return dir;
}

for (const c of CASES) {
  test(`cliIn and a child process give the same exit code, stdout and stderr: ${c.name}`, async () => {
    const dir = inputs();
    const child = cli(c.args(dir));
    const inproc = await cliIn(c.args(dir));
    assert.deepEqual(inproc, child);
  });
}

test("cliIn writes outputs as the CLI does, relative to the working directory it is given", async () => {
  const dir = inputs();
  const a = cli(["run", "x.yaml", "--out", "a.txt"], { cwd: dir });
  const b = await cliIn(["run", "x.yaml", "--out", "b.txt"], { cwd: dir });
  assert.deepEqual(b, a);
  assert.equal(readFileSync(join(dir, "b.txt"), "utf8"), readFileSync(join(dir, "a.txt"), "utf8"));
});

test("cliIn puts back the working directory, the environment and the streams, also after a failure", async () => {
  const cwd = process.cwd();
  const { stdout, stderr } = process;
  const before = process.env.SKILLSIM_PROGRESS_INTERVAL;
  const dir = inputs();
  assert.equal((await cliIn(["run", join(dir, "bad.yaml")], { cwd: dir, env: { SKILLSIM_TEST_ONLY: "1" } })).code, 2);
  assert.equal(process.cwd(), cwd);
  assert.equal(process.stdout, stdout);
  assert.equal(process.stderr, stderr);
  assert.equal(process.env.SKILLSIM_PROGRESS_INTERVAL, before);
  assert.equal(process.env.SKILLSIM_TEST_ONLY, undefined);
});

test("cliIn refuses what only a child process shows: standard input and output as files, load-time environment", async () => {
  await assert.rejects(cliIn(["run", "-"]), /use cli\(\)/);
  await assert.rejects(cliIn(["run", "configs/resource-N0-serial.yaml", "--out", "/dev/stdout"]), /use cli\(\)/);
  await assert.rejects(cliIn(["fit", "data/chinchilla-fig4.csv"], { env: { SKILLSIM_FIT_KERNELS: "js" } }), /use cli\(\)/);
});
