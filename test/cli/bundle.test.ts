/**
 * bin/skillsim.js runs the bundle (dist/bundle/, scripts/bundle.mjs) when it is fresh: the same
 * commands give byte-identical stdout, stderr, exit codes and files through the bundle (a child
 * process, as installed) and through the compiled modules (cliIn: main() of dist/src in this
 * process), for the WebAssembly kernels (geometry in float64 and float32, the network's dense
 * kernel), worker threads (sweep --jobs 2; fit --jobs 2 through the bundle is in
 * lazy-load.test.ts), a sweep's dry run, a failed run, a missing config and a figure (vega and
 * resvg stay outside the bundle). --help, --version, init, a run, a config error, an unknown
 * option and a fit are compared the same way in inprocess.test.ts; SKILLSIM_NO_BUNDLE=1 is
 * lazy-load.test.ts's.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT, cli, tempDir, type CliResult } from "../helpers.js";
import { cliIn } from "../inprocess.js";

const dir = tempDir();
writeFileSync(join(dir, "diverge.yaml"), "model: geometry\nparams: 4\nlr: 1.0e+200\nsteps: 50\nskills: {count: 3}\n");

// Fig 10's sweep cut to two runs (two worker threads), 100 steps.
const SWEEP = ["sweep", "configs/paper/fig10-scaling-adam.yaml", "--set", "steps=100", "--set", "sweep.seed=[0]", "--set", "sweep.params=[20, 40]", "--set", "sweep.skills.frequencies.zipf=[1]"];

const COMMANDS: string[][] = [
  ["run", "configs/scaling/geometry-scaling.yaml", "--set", "steps=300", "--set", "params=64", "--json", "-q"],
  ["run", "configs/scaling/geometry-scaling.yaml", "--set", "steps=300", "--set", "precision=float32", "-q"],
  ["run", "test/regression/configs/network-parity-relu.yaml", "--set", "steps=20", "--json", "-q"],
  [...SWEEP, "--jobs", "2", "-q"],
  [...SWEEP, "--dry-run"],
  ["run", join(dir, "diverge.yaml"), "-q"],
  ["run", join(dir, "no-such.yaml")],
];

test("the bundle is at least as new as the TypeScript build (bin/skillsim.js runs it)", () => {
  const bundle = statSync(join(ROOT, "dist", "bundle", "skillsim.mjs")).mtimeMs;
  assert.ok(bundle >= statSync(join(ROOT, "dist", ".tsbuildinfo")).mtimeMs);
});

/** A sweep with --jobs 2 prints its lines as runs finish: compare them as a set. */
const unordered = (args: string[], r: CliResult): CliResult =>
  args[0] === "sweep" && args.includes("--jobs") ? { ...r, stdout: r.stdout.split("\n").sort().join("\n") } : r;

for (const args of COMMANDS) {
  test(`bundled and unbundled give the same output: skillsim ${args.join(" ")}`, async () => {
    const a = unordered(args, cli(args));
    const b = unordered(args, await cliIn(args));
    assert.deepEqual(a, b);
    assert.ok(a.stdout.length + a.stderr.length > 0);
    if (args[0] === "sweep" && !args.includes("--dry-run")) assert.equal(a.stdout.trim().split("\n").length, 2, "two runs");
  });
}

test("bundled and unbundled write the same figure (vega and resvg loaded from node_modules)", async () => {
  const svg = [join(dir, "a.svg"), join(dir, "b.svg")];
  const args = (out: string) => ["fit", "data/chinchilla-fig4.csv", "--form", "powerlaw", "--x", "N", "--json", "-q", "--plot", out];
  const a = cli(args(svg[0]));
  const b = await cliIn(args(svg[1]));
  assert.equal(a.code, 0, a.stderr);
  assert.deepEqual(a, b);
  assert.equal(JSON.parse(a.stdout).form, "powerlaw");
  assert.equal(readFileSync(svg[0], "utf8"), readFileSync(svg[1], "utf8"));
});

test("without a bundle and without dist/.tsbuildinfo (an installed tree built without bundling), bin/skillsim.js runs the compiled modules", async () => {
  // bin/skillsim.js beside dist/src and dist/asm only: two missing files must not read as a fresh bundle.
  const tree = join(dir, "nobundle");
  mkdirSync(join(tree, "bin"), { recursive: true });
  mkdirSync(join(tree, "dist"));
  copyFileSync(join(ROOT, "bin", "skillsim.js"), join(tree, "bin", "skillsim.js"));
  copyFileSync(join(ROOT, "package.json"), join(tree, "package.json"));
  for (const d of ["src", "asm"]) symlinkSync(join(ROOT, "dist", d), join(tree, "dist", d), "dir");
  const r = spawnSync(process.execPath, [join(tree, "bin", "skillsim.js"), "run", "-q"], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, (await cliIn(["run", "-q"])).stdout);
});

test("npm pack builds first (prepack): a package never ships a bundle older than its dist/src", () => {
  // An installed package has no dist/.tsbuildinfo, so bin/skillsim.js runs whatever bundle it
  // ships; packing after a bare `tsc -b` shipped the old bundle beside the new modules (the
  // worker threads run those), i.e. two versions of the code in one run.
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string>; files: string[] };
  assert.ok(pkg.files.includes("dist/bundle"));
  assert.match(pkg.scripts.prepack ?? "", /^npm run build\b/);
});
