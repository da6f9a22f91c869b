#!/usr/bin/env node
/**
 * Compile the WebAssembly SIMD kernels (asm/*.ts, AssemblyScript) to dist/asm/*.wasm, each only
 * when it is missing or older than any asm/ source or the lockfile (which pins the compiler),
 * so that a second `npm run build` (and `npm start`) does not recompile them.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const MODULES = ["geometry", "geometry32", "dense", "fit"];
const FLAGS = ["-O3", "--runtime", "stub", "--noAssert", "--enable", "simd", "--importMemory", "--use", "abort="];

const mtime = (p) => statSync(p).mtimeMs;
const sources = readdirSync(join(root, "asm")).filter((f) => f.endsWith(".ts")).map((f) => join(root, "asm", f));
const newestInput = Math.max(...sources.map(mtime), mtime(join(root, "package-lock.json")));
const asc = join(root, "node_modules", "assemblyscript", "bin", "asc.js");
mkdirSync(join(root, "dist", "asm"), { recursive: true });
for (const m of MODULES) {
  const out = join(root, "dist", "asm", `${m}.wasm`);
  if (existsSync(out) && mtime(out) >= newestInput) continue;
  execFileSync(process.execPath, [asc, join(root, "asm", `${m}.ts`), ...FLAGS, "-o", out], { stdio: "inherit", cwd: root });
}
