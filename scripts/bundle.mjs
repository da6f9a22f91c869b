#!/usr/bin/env node
/**
 * Bundle the compiled CLI (dist/src/cli/main.js and everything it imports, dependencies
 * included) into dist/bundle/ with esbuild, so that `skillsim` starts by reading a few large
 * modules instead of resolving, reading and compiling about two hundred small ones (module
 * loading was most of a short run's fixed cost: docs/bench.md). bin/skillsim.js prefers the
 * bundle when it is at least as new as the TypeScript build (dist/.tsbuildinfo);
 * SKILLSIM_NO_BUNDLE=1 runs the unbundled modules instead.
 *
 * The bundle runs the same code: esbuild only concatenates modules. Two things are kept
 * as they are. (1) Every `import.meta.url` is replaced by the URL of the file it was written
 * in (dist/src/...), so the WebAssembly kernels, worker scripts, package.json and require()
 * calls resolve exactly as unbundled. (2) Packages with native code or meant to be loaded
 * only for figures (vega, resvg, playwright) stay external, imported from node_modules when
 * used. Dynamic imports become chunks of their own (code splitting), loaded on demand as
 * before: `skillsim fit` still loads nothing of the models. dist/bundle/inputs.json lists
 * the modules in each file.
 *
 *   node scripts/bundle.mjs     (part of `npm run build`)
 */
import { build } from "esbuild";
import { statSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist", "bundle");

/** `import.meta.url` in a compiled module -> its own file's URL, relative to the chunk's. */
const ownUrl = {
  name: "own-import-meta-url",
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/]src[\\/].*\.js$/ }, async (args) => {
      const text = await readFile(args.path, "utf8");
      if (!text.includes("import.meta.url")) return { contents: text, loader: "js" };
      const rel = relative(outdir, args.path).split("\\").join("/");
      return { contents: text.replaceAll("import.meta.url", `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: "js" };
    });
  },
};

// Only when the TypeScript build, the lockfile (esbuild's version, the bundled packages) or this
// script is newer than the bundle: a second `npm run build` with nothing changed rewrites nothing.
const mtime = (p) => statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? -1;
const inputs = [join(root, "dist", ".tsbuildinfo"), join(root, "package-lock.json"), fileURLToPath(import.meta.url)];
if (mtime(join(outdir, "inputs.json")) >= Math.max(...inputs.map(mtime))) process.exit(0);

await rm(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root, // metafile paths relative to the repository
  entryPoints: { skillsim: join(root, "dist", "src", "cli", "main.js") },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outExtension: { ".js": ".mjs" },
  external: ["vega", "vega-lite", "vega-embed", "@resvg/resvg-js", "playwright-core", "dejavu-fonts-ttf", "fontkit"],
  plugins: [ownUrl],
  logLevel: "warning",
  metafile: true,
  legalComments: "none",
  // CommonJS dependencies (commander) require() Node's built-ins: give the chunks a require.
  banner: { js: 'import { createRequire as __skillsimCreateRequire } from "node:module"; const require = __skillsimCreateRequire(import.meta.url);' },
});
// Which compiled modules and packages went into which file (test/cli/lazy-load.test.ts reads
// it to tell what a command loaded): {"skillsim.mjs": ["dist/src/cli/main.js", ...], ...}.
const files = {};
for (const [out, { inputs }] of Object.entries(result.metafile.outputs))
  files[relative(outdir, join(root, out)).split("\\").join("/")] = Object.keys(inputs).map((p) => p.split("\\").join("/"));
await writeFile(join(outdir, "inputs.json"), JSON.stringify(files, null, 1) + "\n");
