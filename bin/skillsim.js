#!/usr/bin/env node
// The bundled CLI (dist/bundle/, scripts/bundle.mjs: the same code in a few files, which starts
// faster) when it is at least as new as the TypeScript build, else the compiled modules;
// SKILLSIM_NO_BUNDLE=1 runs the compiled modules.
import { statSync } from "node:fs";

const mtime = (rel) => statSync(new URL(rel, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const bundle = mtime("../dist/bundle/skillsim.mjs");
const bundled = process.env.SKILLSIM_NO_BUNDLE !== "1" && bundle >= 0 && bundle >= mtime("../dist/.tsbuildinfo");
const { main } = await import(bundled ? "../dist/bundle/skillsim.mjs" : "../dist/src/cli/main.js");
process.exitCode = await main(process.argv);
