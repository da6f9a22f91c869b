/**
 * The Chinchilla objectives on WebAssembly (asm/fit.ts, built to dist/asm/fit.wasm): the same
 * numbers as the JavaScript objectives in ./scaling.ts bit for bit (tested), ~2x faster, and
 * fast every time: the JavaScript loop's speed depends on how V8 happens to optimise it
 * (1.3-2.9 s for the same 4,500-start fit, measured), the compiled kernel's does not. Each
 * objective is one instance with its own memory holding the data, the exp tables and the
 * work buffers. When the module cannot be loaded (not built, no SIMD), or with
 * useKernels("fit", "js") (engine/kernels.ts), the JavaScript objectives are used.
 */
import { EXP_TABLES } from "../engine/exp.js";
import { selectKernels } from "../engine/kernels.js";
import { loadWasmModule } from "../engine/wasm.js";
import type { Objective } from "../engine/optim/lbfgs.js";

interface FitExports {
  set_tables(tab: number, tabLo: number, invC: number, cHi: number, cLo: number): void;
  set_data(
    n: number, nN: number, nD: number,
    lN: number, lD: number, lL: number, invL: number, lNu: number, lDu: number, iN: number, iD: number,
    uN: number, uD: number, g: number,
  ): void;
  chinchilla_huber(a: number, b: number, e: number, alpha: number, beta: number, delta: number, upper: number, lower: number): number;
  chinchilla_squared(a: number, b: number, e: number, alpha: number, beta: number, wPos: number): number;
  set_scratch(p: number): void;
}

function loadFitWasm() {
  // dist/src/fit/wasm.js -> dist/asm/fit.wasm
  return loadWasmModule(new URL("../../asm/fit.wasm", import.meta.url));
}

export function fitWasmAvailable(): boolean {
  return loadFitWasm() !== null;
}

/** A Chinchilla objective's prepared data (see chinchillaData in ./scaling.ts). */
export interface ChinchillaArrays {
  lN: Float64Array;
  lD: Float64Array;
  lL: Float64Array;
  invL: Float64Array;
  lNu: Float64Array;
  iN: Int32Array;
  lDu: Float64Array;
  iD: Int32Array;
}

/** The objective on WebAssembly: Huber (delta) when wPos is null, else the weighted squares; or null. */
export function wasmChinchillaObjective(d: ChinchillaArrays, huberDelta: number | null, wPos: number): Objective | null {
  const n = d.lL.length, nN = d.lNu.length, nD = d.lDu.length;
  // Layout (bytes, 16-aligned blocks): tables, then the doubles, then the int32 indices.
  let at = 0;
  const block = (bytes: number): number => {
    const p = at;
    at += Math.ceil(bytes / 16) * 16;
    return p;
  };
  const pTab = block(256 * 8), pTabLo = block(256 * 8);
  const pLN = block(n * 8), pLD = block(n * 8), pLL = block(n * 8), pInvL = block(n * 8);
  const pLNu = block(nN * 8), pLDu = block(nD * 8), pUN = block(nN * 8), pUD = block(nD * 8), pG = block(5 * 8);
  const pR = block(n * 8);
  const pIN = block(n * 4), pID = block(n * 4);
  const pages = Math.ceil(at / 65536);
  const made = selectKernels<{ ex: FitExports; buffer: ArrayBuffer } | "js">("fit", {
    wasm: () => {
      const w = loadFitWasm();
      if (!w) return null;
      const memory = new w.api.Memory({ initial: pages, maximum: pages });
      const R = new Float64Array(memory.buffer, pR, n);
      // The rows' logs for chinchilla_squared, in one call: Math.log itself, so the same bits.
      const logs = (): void => {
        for (let k = 0; k < n; k++) R[k] = Math.log(R[k]);
      };
      return { ex: new w.api.Instance(w.module, { env: { memory, exp: Math.exp, log: Math.log, logs } }).exports as FitExports, buffer: memory.buffer };
    },
    js: () => "js",
    unavailable: "fit: WebAssembly kernels unavailable (build dist/asm/fit.wasm)",
  });
  if (made === "js") return null; // the caller uses the JavaScript objective
  const { ex, buffer } = made;
  new Float64Array(buffer, pTab, 256).set(EXP_TABLES.hi);
  new Float64Array(buffer, pTabLo, 256).set(EXP_TABLES.lo);
  new Float64Array(buffer, pLN, n).set(d.lN);
  new Float64Array(buffer, pLD, n).set(d.lD);
  new Float64Array(buffer, pLL, n).set(d.lL);
  new Float64Array(buffer, pInvL, n).set(d.invL);
  new Float64Array(buffer, pLNu, nN).set(d.lNu);
  new Float64Array(buffer, pLDu, nD).set(d.lDu);
  new Int32Array(buffer, pIN, n).set(d.iN);
  new Int32Array(buffer, pID, n).set(d.iD);
  ex.set_tables(pTab, pTabLo, EXP_TABLES.invC, EXP_TABLES.cHi, EXP_TABLES.cLo);
  ex.set_data(n, nN, nD, pLN, pLD, pLL, pInvL, pLNu, pLDu, pIN, pID, pUN, pUD, pG);
  ex.set_scratch(pR);
  const G = new Float64Array(buffer, pG, 5);
  if (huberDelta !== null) {
    const delta = huberDelta, upper = Math.exp(delta), lower = Math.exp(-delta);
    return (x: Float64Array, g: Float64Array): number => {
      const f = ex.chinchilla_huber(x[0], x[1], x[2], x[3], x[4], delta, upper, lower);
      g[0] = G[0]; g[1] = G[1]; g[2] = G[2]; g[3] = G[3]; g[4] = G[4];
      return f;
    };
  }
  return (x: Float64Array, g: Float64Array): number => {
    const f = ex.chinchilla_squared(x[0], x[1], x[2], x[3], x[4], wPos);
    g[0] = G[0]; g[1] = G[1]; g[2] = G[2]; g[3] = G[3]; g[4] = G[4];
    return f;
  };
}
