/**
 * Loading the WebAssembly SIMD kernels (asm/*.ts, built by `npm run build` to dist/asm/):
 * one compiled module per file, compiled once per thread. When it cannot be loaded (not
 * built, or no SIMD support) callers use their bit-identical JavaScript kernels.
 */
import { readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";

/** The part of the WebAssembly API the kernels use. */
export interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number; maximum?: number }) => { buffer: ArrayBuffer };
}

export interface LoadedWasm {
  api: WasmApi;
  module: object;
}

const cache = new Map<string, LoadedWasm | null>();

/**
 * Compile the kernels with V8's optimising compiler from the start. By default V8 first
 * compiles WebAssembly with a fast baseline compiler and re-compiles the hot functions later,
 * in the background; on a busy 2-core machine that re-compilation sometimes comes late, and
 * the same 4,500-start fit then took 1.15-1.2 s instead of 0.9 s (measured: 3 of 9 runs).
 * The kernels are small, so compiling them fully costs a few milliseconds. The flag is
 * process-wide (threads started later share it) and only affects WebAssembly compilation;
 * setting it again (once per module and thread, see the cache below) changes nothing.
 */
function compileOptimised(): void {
  try {
    setFlagsFromString("--no-liftoff");
  } catch {
    // an engine without the flag: the default compilation is used
  }
}

/** The compiled module at `url` (e.g. new URL("../../asm/dense.wasm", import.meta.url)), or null. */
export function loadWasmModule(url: URL): LoadedWasm | null {
  const key = url.href;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let loaded: LoadedWasm | null = null;
  const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (api) {
    compileOptimised();
    try {
      loaded = { api, module: new api.Module(readFileSync(url)) };
    } catch {
      loaded = null; // not built, or no SIMD support: the JS kernels are used
    }
  }
  cache.set(key, loaded);
  return loaded;
}
