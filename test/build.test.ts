/**
 * `npm start` (and `npm test`) build first; a second build with nothing changed must start at
 * once (issue 21): TypeScript in build mode (`tsc -b`, which compares the inputs' times with
 * its build info and parses nothing when they are older), each WebAssembly module compiled
 * only when its asm/ source changed (scripts/build-wasm.mjs), and the bundle (scripts/bundle.mjs)
 * only when the TypeScript build is newer. The quick start stays
 * `npm ci && npm start`.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./helpers.js";

test("the build script is incremental: tsc in build mode, then the WASM modules only when asm/ changed, then the bundle", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  assert.equal(pkg.scripts.build, "tsc -b tsconfig.json && node scripts/build-wasm.mjs && node scripts/bundle.mjs");
  assert.equal(pkg.scripts.prestart, "npm run build --silent");
  // Both test tiers build first.
  assert.equal(pkg.scripts.pretest, "npm run build --silent");
  assert.equal(pkg.scripts["pretest:docs"], "npm run build --silent");
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  assert.match(readme, /^npm ci && npm start +#/m, "the quick start is two commands");
});

test("a second build with nothing changed parses nothing and recompiles no WASM module", () => {
  // The suite runs after `npm run build` (pretest): nothing has changed since.
  const tsc = spawnSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-b", "tsconfig.json", "--verbose"], { cwd: ROOT, encoding: "utf8" });
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
  assert.match(tsc.stdout, /Project 'tsconfig\.json' is up to date because newest input '.*' is older than output 'dist\/\.tsbuildinfo'/);
  const dir = join(ROOT, "dist", "asm");
  const before = Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith(".wasm")).map((f) => [f, statSync(join(dir, f)).mtimeMs]));
  assert.deepEqual(Object.keys(before).sort(), ["dense.wasm", "fit.wasm", "geometry.wasm", "geometry32.wasm"]);
  const wasm = spawnSync(process.execPath, [join(ROOT, "scripts", "build-wasm.mjs")], { cwd: ROOT, encoding: "utf8" });
  assert.equal(wasm.status, 0, wasm.stderr);
  for (const [f, t] of Object.entries(before)) assert.equal(statSync(join(dir, f)).mtimeMs, t, `${f} was not rebuilt`);
  const bundle = join(ROOT, "dist", "bundle", "skillsim.mjs");
  const bundled = statSync(bundle).mtimeMs;
  const b = spawnSync(process.execPath, [join(ROOT, "scripts", "bundle.mjs")], { cwd: ROOT, encoding: "utf8" });
  assert.equal(b.status, 0, b.stderr);
  assert.equal(statSync(bundle).mtimeMs, bundled, "the bundle was not rebuilt");
});

test("the two test tiers: `npm test` runs every test file but test/docs/, `npm run test:docs` test/docs/", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  assert.equal(pkg.scripts.test, "node scripts/test.mjs behaviour");
  assert.equal(pkg.scripts["test:docs"], "node scripts/test.mjs docs");
  const list = (tier: string): string[] => {
    const r = spawnSync(process.execPath, [join(ROOT, "scripts", "test.mjs"), tier, "--list"], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim().split("\n");
  };
  const behaviour = list("behaviour");
  const docs = list("docs");
  // Every test source has its compiled file in exactly one tier; the helpers beside them in none.
  const sources = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? sources(`${dir}/${e.name}`) : e.name.endsWith(".test.ts") ? [`dist/${dir}/${e.name.replace(/\.ts$/, ".js")}`] : [],
    );
  for (const f of sources("test")) assert.equal([...behaviour, ...docs].filter((x) => x === f).length, 1, `${f} runs in one tier`);
  assert.deepEqual(docs.filter((f) => !f.startsWith("dist/test/docs/")), []);
  assert.deepEqual(behaviour.filter((f) => f.startsWith("dist/test/docs/") || !f.endsWith(".test.js")), []);
  assert.ok(docs.length >= 5 && behaviour.includes("dist/test/build.test.js"), `${docs.length} docs files`);
});
