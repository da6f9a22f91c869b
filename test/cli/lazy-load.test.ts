/**
 * Commands load only what they need (src/cli/main.ts loads a command's module on demand):
 * `skillsim fit` on a CSV and `skillsim --version` load neither the config stack (yaml, zod)
 * nor vega, vega-lite or resvg (figures only). Through the real CLI: a module preloaded with `--import` records every
 * module the process and its worker threads load, ES modules through a module-loader hook and
 * CommonJS ones (yaml's files, required by one another) from require.cache at exit. Controls
 * show that the probe sees each kind of load (and that --plot does load vega), so a passing
 * test means the modules were absent.
 *
 * The commands run as installed, through the bundle, whose files follow the compiled modules'
 * dynamic imports (code splitting): a module the compiled CLI loads eagerly is in the bundle's
 * entry file, so the bundled checks hold the compiled modules to the same rule. SKILLSIM_NO_BUNDLE=1
 * (the compiled modules) is checked with --version, which also shows that the variable is obeyed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import * as nodeModule from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, cli, tempDir } from "../helpers.js";

const HOOKS = `import { appendFileSync } from "node:fs";
export async function load(url, context, nextLoad) {
  appendFileSync(process.env.SKILLSIM_TEST_MODULE_LOG, url + "\\n");
  return nextLoad(url, context);
}
`;

const PROBE = `import { appendFileSync } from "node:fs";
import { createRequire, register } from "node:module";
register(new URL("./hooks.mjs", import.meta.url));
const cache = createRequire(import.meta.url).cache;
process.on("exit", () => appendFileSync(process.env.SKILLSIM_TEST_MODULE_LOG, Object.keys(cache).map((p) => p + "\\n").join("")));
`;

const probeDir = tempDir();
writeFileSync(join(probeDir, "hooks.mjs"), HOOKS);
writeFileSync(join(probeDir, "probe.mjs"), PROBE);

/** The modules (repository paths) in each file of the bundle (scripts/bundle.mjs writes the list). */
const BUNDLE_INPUTS = JSON.parse(readFileSync(join(ROOT, "dist", "bundle", "inputs.json"), "utf8")) as Record<string, string[]>;

/**
 * Run the CLI with the probe (bundled: bin/skillsim.js as installed, or SKILLSIM_NO_BUNDLE=1);
 * its result and the packages (under node_modules) it loaded. A file of the bundle counts as
 * every module in it.
 */
function loaded(args: string[], bundled = true): { code: number; stdout: string; stderr: string; packages: Set<string>; modules: string[] } {
  const log = join(tempDir(), "modules.txt");
  writeFileSync(log, "");
  const nodeOptions = `${process.env.NODE_OPTIONS ?? ""} --import=${pathToFileURL(join(probeDir, "probe.mjs")).href}`.trim();
  const r = cli(args, { env: { NODE_OPTIONS: nodeOptions, SKILLSIM_TEST_MODULE_LOG: log, SKILLSIM_NO_BUNDLE: bundled ? "" : "1" } });
  const files = readFileSync(log, "utf8").split("\n").filter(Boolean);
  const bundleDir = pathToFileURL(join(ROOT, "dist", "bundle")).href + "/";
  const inBundle = files.filter((m) => m.startsWith(bundleDir));
  assert.equal(inBundle.length > 0, bundled, bundled ? "the bundle ran" : "the compiled modules ran");
  const modules = files.flatMap((m) => (m.startsWith(bundleDir) ? BUNDLE_INPUTS[m.slice(bundleDir.length)].map((p) => join(ROOT, p)) : [m]));
  const packages = new Set(modules.map((m) => /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(m)?.[1]).filter((p): p is string => p !== undefined));
  return { ...r, packages, modules };
}

const HEAVY = /^(zod|yaml|vega|vega-[a-z-]+|@resvg\/resvg-js)$/;

// module.register (the loader hook) arrived in Node 20.6; package.json allows any Node 20.
const skip = typeof (nodeModule as { register?: unknown }).register === "function" ? false : "needs Node >= 20.6 (module.register)";

test("skillsim fit on the Chinchilla CSV loads neither yaml, zod, vega nor resvg", { skip }, () => {
  const r = loaded(["fit", "data/chinchilla-fig4.csv", "--json", "-q", "--jobs", "2"]); // worker threads included
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).form, "chinchilla");
  assert.ok(r.packages.has("commander") && r.packages.has("papaparse"), `the probe saw the fit's own packages: ${[...r.packages]}`);
  assert.ok(r.modules.some((m) => m.endsWith("/dist/src/cli/fit.js")), "the probe saw the fit command's module");
  assert.deepEqual([...r.packages].filter((p) => HEAVY.test(p)), []);
});

for (const bundled of [true, false]) {
test(`skillsim --version loads no command and neither yaml, zod nor vega (${bundled ? "bundled" : "SKILLSIM_NO_BUNDLE=1"})`, { skip }, () => {
  const r = loaded(["--version"], bundled);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\d+\.\d+\.\d+/);
  assert.ok(r.packages.has("commander"), `the probe saw commander: ${[...r.packages]}`);
  assert.ok(r.modules.some((m) => m.endsWith("/dist/src/cli/main.js")), "the probe saw the CLI's entry module");
  assert.deepEqual([...r.packages].filter((p) => HEAVY.test(p)), []);
  const commandOrConfig = /\/dist\/src\/(cli\/(run|validate|sweep|merge|check|fit|table|calibrate|kinematics|init)|config\/(load|schema))\.js$/;
  assert.deepEqual(r.modules.filter((m) => commandOrConfig.test(m)), []);
});
}

test("controls: the probe sees ES modules (--help loads every command, --plot vega) and required CommonJS ones", { skip }, () => {
  const help = loaded(["--help"]);
  assert.equal(help.code, 0, help.stderr);
  for (const p of ["zod", "yaml"]) assert.ok(help.packages.has(p), `--help loads ${p}: ${[...help.packages]}`);
  const plot = loaded(["fit", "data/chinchilla-fig4.csv", "--form", "powerlaw", "--x", "N", "-q", "--plot", join(tempDir(), "fit.svg")]);
  assert.equal(plot.code, 0, plot.stderr);
  for (const p of ["vega", "vega-lite"]) assert.ok(plot.packages.has(p), `fit --plot loads ${p}: ${[...plot.packages]}`);
  // A list value in --where is read by yaml, required on first use (its files require one another).
  const where = loaded(["fit", "data/chinchilla-fig4.csv", "--where", "N=[1, 2]", "--json", "-q"]);
  assert.ok(where.modules.some((m) => /node_modules[\\/]yaml[\\/]dist[\\/]compose[\\/]/.test(m)), `yaml's own files seen: ${[...where.packages]}`);
});
