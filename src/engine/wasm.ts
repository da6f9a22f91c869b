/**
 * Loading the WebAssembly SIMD kernels (asm/*.ts, built by `npm run build` to dist/asm/):
 * one compiled module per file, compiled once per thread. When it cannot be loaded (not
 * built, or no SIMD support) callers use their bit-identical JavaScript kernels.
 */
import { readFileSync } from "node:fs";

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

/** The compiled module at `url` (e.g. new URL("../../asm/dense.wasm", import.meta.url)), or null. */
export function loadWasmModule(url: URL): LoadedWasm | null {
  const key = url.href;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let loaded: LoadedWasm | null = null;
  const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (api) {
    try {
      loaded = { api, module: new api.Module(readFileSync(url)) };
    } catch {
      loaded = null; // not built, or no SIMD support: the JS kernels are used
    }
  }
  cache.set(key, loaded);
  return loaded;
}
