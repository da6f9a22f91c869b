#!/usr/bin/env node
/**
 * The two test tiers, run on the compiled files (after `npm run build`):
 *
 *   node scripts/test.mjs behaviour   (`npm test`)           every dist/test/**\/*.test.js outside dist/test/docs/
 *   node scripts/test.mjs docs        (`npm run test:docs`)  dist/test/docs/: the runs that produce the numbers docs/ quotes
 *
 * Node's runner (`node --test`), two files at a time; any further arguments go to it
 * (`npm test -- --test-reporter=tap`). Only *.test.js files run: the helpers beside them are not
 * tests. `--list` prints the tier's files instead of running them.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tests = join(root, "dist", "test");
const docs = join(tests, "docs") + sep;

const [tier, ...rest] = process.argv.slice(2);
if (tier !== "behaviour" && tier !== "docs") {
  process.stderr.write("usage: node scripts/test.mjs behaviour|docs [node --test options]\n");
  process.exit(2);
}

/** Every *.test.js file under `dir`, sorted. */
function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? testFiles(join(dir, e.name)) : e.name.endsWith(".test.js") ? [join(dir, e.name)] : []))
    .sort();
}

const files = testFiles(tests).filter((f) => f.startsWith(docs) === (tier === "docs"));
if (files.length === 0) {
  process.stderr.write(`no ${tier} tests under ${relative(process.cwd(), tests) || "."}: run \`npm run build\` first\n`);
  process.exit(2);
}
if (rest.includes("--list")) {
  process.stdout.write(files.map((f) => relative(root, f).split(sep).join("/") + "\n").join(""));
  process.exit(0);
}
const r = spawnSync(process.execPath, ["--test", "--test-concurrency=2", ...rest, ...files.map((f) => relative(root, f))], { cwd: root, stdio: "inherit" });
process.exit(r.status ?? 1);
