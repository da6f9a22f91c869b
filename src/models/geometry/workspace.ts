/**
 * The Geometry model's float64 kernels and the arrays they work on (see ./model.ts).
 *
 * A workspace owns the arrays the O(m N) kernels read and write (in WebAssembly memory for
 * the wasm back-end) and runs:
 *   dots(idx, m)        zb[k] = t_{idx[k]} . theta,        k < m
 *   accumulate(idx, m)  g = sum_{k < m, in order} wb[k] t_{idx[k]}
 * The WebAssembly SIMD kernel (asm/geometry.ts, built to dist/asm/geometry.wasm) and the
 * JavaScript one (`dotRow`, `axpyRow`) do the same floating-point operations in the same
 * order, so results are bit-identical (tested); only speed differs.
 */
import { loadWasmModule, type LoadedWasm, type WasmApi } from "../../engine/wasm.js";
import { selectKernels } from "../../engine/kernels.js";
import type { AliasSampler } from "../../engine/sampling.js";
import type { Rng } from "../../engine/rng.js";
import type { DueScan } from "../timeline.js";
import { batchWeights } from "./step.js";

// ---------------------------------------------------------------------------------------
// Scalar kernels (flat Float64Array loops, unrolled by 4 with independent accumulators).
// The WebAssembly kernels reproduce exactly this order of operations.

/** t_i . x for the row of T starting at offset `off`, length N: (a0 + a1) + (a2 + a3). */
export function dotRow(T: Float64Array, off: number, x: Float64Array, N: number): number {
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  let j = 0;
  const end4 = N - (N & 3);
  for (; j < end4; j += 4) {
    const o = off + j;
    a0 += T[o] * x[j];
    a1 += T[o + 1] * x[j + 1];
    a2 += T[o + 2] * x[j + 2];
    a3 += T[o + 3] * x[j + 3];
  }
  for (; j < N; j++) a0 += T[off + j] * x[j];
  return (a0 + a1) + (a2 + a3);
}

/** y += w t_i for the row of T starting at `off`. */
export function axpyRow(y: Float64Array, w: number, T: Float64Array, off: number, N: number): void {
  let j = 0;
  const end4 = N - (N & 3);
  for (; j < end4; j += 4) {
    const o = off + j;
    y[j] += w * T[o];
    y[j + 1] += w * T[o + 1];
    y[j + 2] += w * T[o + 2];
    y[j + 3] += w * T[o + 3];
  }
  for (; j < N; j++) y[j] += w * T[off + j];
}

export interface Workspace {
  readonly kind: "js" | "wasm";
  readonly T: Float64Array;
  readonly theta: Float64Array;
  readonly g: Float64Array;
  readonly all: Int32Array; // 0, 1, ..., n-1
  readonly touched: Int32Array; // distinct drawn skills
  readonly zb: Float64Array; // per-index overlaps
  readonly wb: Float64Array; // per-index weights
  readonly nearIdx: Int32Array; // skills the timeline evaluates at a step (n)
  readonly zn: Float64Array; // their overlaps (n)
  readonly counts: Int32Array; // draws per skill in the current batch (n; zero between steps)
  readonly dueIdx: Int32Array; // the exact timeline's due skills at a step (n)
  /** The exact timeline's per-skill bounds and their scan in WebAssembly (OverlapWatch's DueScan); null on JS. */
  dueScan(): DueScan | null;
  /**
   * Draw batches from `sampler` (whose generator is `rng`) from now on. `exclusive`: nothing
   * else draws from rng while batches are drawn, so the WebAssembly back-end may draw them from
   * its own copy of the generator's state (the same numbers; rng itself is then left behind).
   */
  useSampler(sampler: AliasSampler, rng: Rng, exclusive: boolean): void;
  /** Draw a batch of B: counts and touched[0..m) (AliasSampler.sampleCounts); returns m. */
  sample(B: number): number;
  /**
   * A batch step's gradient estimate for the m drawn skills (touched, counts): when `dots`,
   * zb[k] = t_{touched[k]} . theta (else zb holds them); wb[k] = -(counts_i / B) (1 - s(zb[k]))
   * (step.ts batchWeights; resets those counts); g = sum_k wb[k] t_{touched[k]} (accumulate).
   * The WebAssembly kernel does the three by blocks of four rows, each row read once.
   */
  batchGradient(m: number, B: number, ce: boolean, dots: boolean): void;
  dots(idx: Int32Array, m: number): void;
  /** out[k] = t_{idx[k]} . theta, k < m (out: zn or zb). */
  dotsInto(idx: Int32Array, m: number, out: Float64Array): void;
  accumulate(idx: Int32Array, m: number): void;
  /** theta was written (float32 keeps a rounded copy for its kernels; float64: nothing). */
  thetaChanged(): void;
}

/**
 * The arrays of a workspace (the Workspace fields), set up once for every back-end and
 * precision: fresh arrays, or views on a WebAssembly memory laid out by wasmMemory (the same
 * arrays in the same order, then the back-end's own).
 */
export abstract class WorkspaceArrays {
  readonly T: Float64Array;
  readonly theta: Float64Array;
  readonly g: Float64Array;
  readonly all: Int32Array;
  readonly touched: Int32Array;
  readonly zb: Float64Array;
  readonly wb: Float64Array;
  readonly nearIdx: Int32Array;
  readonly zn: Float64Array;
  readonly counts: Int32Array;
  /** The alias table and the generator's state words, for the WebAssembly sampler. */
  protected readonly prob: Float64Array;
  protected readonly alias: Int32Array;
  protected readonly rngState: Int32Array;
  readonly dueIdx: Int32Array;
  private readonly marginC: Float64Array;
  private readonly dueAt: Float64Array;
  private sampler: AliasSampler | null = null;
  private wasmSampler = false;
  /** The WebAssembly back-ends' module (its batch draws and weights: asm/geometry-step.ts); null for JS. */
  protected abstract readonly ex: WasmExports | null;
  protected constructor(n: number, protected readonly N: number, nTouched: number, memory?: WasmMemory) {
    const f64 = (i: number, length: number) => (memory ? new Float64Array(memory.buffer, memory.offsets[i], length) : new Float64Array(length));
    const i32 = (i: number, length: number) => (memory ? new Int32Array(memory.buffer, memory.offsets[i], length) : new Int32Array(length));
    this.T = f64(0, n * N);
    this.theta = f64(1, N);
    this.g = f64(2, N);
    this.all = i32(3, n);
    this.touched = i32(4, nTouched);
    this.zb = f64(5, n);
    this.wb = f64(6, n);
    this.nearIdx = i32(7, n);
    this.zn = f64(8, n);
    this.counts = i32(9, n);
    this.prob = f64(10, n);
    this.alias = i32(11, n);
    this.rngState = i32(12, 4);
    this.marginC = f64(13, n);
    this.dueAt = f64(14, n);
    this.dueIdx = i32(15, n);
  }

  dueScan(): DueScan | null {
    const ex = this.ex;
    if (!ex) return null;
    const { marginC, dueAt: due, dueIdx } = this;
    return {
      marginC,
      due,
      listDue: (moved: number, reach: number, out: Int32Array): number => {
        if (out !== dueIdx) throw new Error("geometry: listDue writes into the workspace's dueIdx");
        return ex.list_due(marginC.byteOffset, due.byteOffset, marginC.length, moved, reach, out.byteOffset);
      },
    };
  }

  useSampler(sampler: AliasSampler, rng: Rng, exclusive: boolean): void {
    this.sampler = sampler;
    this.wasmSampler = this.ex !== null && exclusive;
    if (!this.wasmSampler) return;
    this.prob.set(sampler.table.prob);
    this.alias.set(sampler.table.alias);
    const st = this.rngState;
    st[0] = rng.s0;
    st[1] = rng.s1;
    st[2] = rng.s2;
    st[3] = rng.s3;
  }

  sample(B: number): number {
    if (!this.wasmSampler) return this.sampler!.sampleCounts(B, this.counts, this.touched);
    const { prob, alias, counts } = this;
    return this.ex!.sample_counts(this.rngState.byteOffset, prob.byteOffset, alias.byteOffset, prob.length, B, counts.byteOffset, this.touched.byteOffset);
  }

}

/** A WebAssembly memory holding a workspace's arrays, and where each starts (bytes). */
export interface WasmMemory {
  memory: InstanceType<WasmApi["Memory"]>;
  buffer: ArrayBuffer;
  /** The WorkspaceArrays in their order, then the `extra` arrays. */
  offsets: number[];
}

/**
 * One memory for the WorkspaceArrays of n skills in N dimensions and `extra` arrays after them
 * (their sizes in bytes), each 16-byte aligned for v128 loads. Throws (RangeError) when the
 * memory cannot be had; the caller then falls back to JS.
 */
export function wasmMemory(api: WasmApi, n: number, N: number, nTouched: number, extra: number[] = []): WasmMemory {
  const sizes = [8 * n * N, 8 * N, 8 * N, 4 * n, 4 * nTouched, 8 * n, 8 * n, 4 * n, 8 * n, 4 * n, 8 * n, 4 * n, 16, 8 * n, 8 * n, 4 * n, ...extra];
  const offsets: number[] = [];
  let bytes = 0;
  for (const size of sizes) {
    offsets.push(bytes);
    bytes += Math.ceil(size / 16) * 16; // 16-byte alignment for v128 loads
  }
  const pages = Math.max(1, Math.ceil(bytes / 65536));
  if (pages > 65536) throw new RangeError("geometry: wasm memory limit (4 GiB)");
  const memory = new api.Memory({ initial: pages, maximum: pages }); // never grows: views stay valid
  return { memory, buffer: memory.buffer, offsets };
}

export class JsWorkspace extends WorkspaceArrays implements Workspace {
  readonly kind = "js" as const;
  protected readonly ex = null;
  constructor(n: number, N: number, nTouched: number) {
    super(n, N, nTouched);
  }
  dots(idx: Int32Array, m: number): void {
    this.dotsInto(idx, m, this.zb);
  }
  dotsInto(idx: Int32Array, m: number, out: Float64Array): void {
    const T = this.T, theta = this.theta, N = this.N;
    for (let k = 0; k < m; k++) out[k] = dotRow(T, idx[k] * N, theta, N);
  }
  accumulate(idx: Int32Array, m: number): void {
    const T = this.T, g = this.g, wb = this.wb, N = this.N;
    g.fill(0);
    for (let k = 0; k < m; k++) axpyRow(g, wb[k], T, idx[k] * N, N);
  }
  batchGradient(m: number, B: number, ce: boolean, dots: boolean): void {
    if (dots) this.dots(this.touched, m);
    batchWeights(this.zb, this.touched, this.counts, m, B, ce, this.wb);
    this.accumulate(this.touched, m);
  }
  thetaChanged(): void {}
}

/** The kernels both WebAssembly modules (asm/geometry.ts, asm/geometry32.ts) export. */
export interface WasmExports {
  dots(T: number, theta: number, idx: number, m: number, N: number, z: number): void;
  accumulate(T: number, idx: number, w: number, m: number, N: number, g: number): void;
  /** asm/geometry-step.ts */
  sample_counts(st: number, prob: number, alias: number, n: number, B: number, counts: number, touched: number): number;
  batch_gradient(T: number, theta: number, idx: number, m: number, N: number, z: number, dots: number, counts: number, B: number, ce: number, w: number, g: number): void;
  list_due(mc: number, due: number, n: number, moved: number, reach: number, out: number): number;
}

class WasmWorkspace extends WorkspaceArrays implements Workspace {
  readonly kind = "wasm" as const;
  protected readonly ex: WasmExports;
  constructor(w: LoadedWasm, mem: WasmMemory, n: number, N: number, nTouched: number) {
    super(n, N, nTouched, mem);
    this.ex = new w.api.Instance(w.module, { env: { memory: mem.memory } }).exports as WasmExports;
  }
  dots(idx: Int32Array, m: number): void {
    this.ex.dots(this.T.byteOffset, this.theta.byteOffset, idx.byteOffset, m, this.N, this.zb.byteOffset);
  }
  dotsInto(idx: Int32Array, m: number, out: Float64Array): void {
    this.ex.dots(this.T.byteOffset, this.theta.byteOffset, idx.byteOffset, m, this.N, out.byteOffset);
  }
  accumulate(idx: Int32Array, m: number): void {
    this.ex.accumulate(this.T.byteOffset, idx.byteOffset, this.wb.byteOffset, m, this.N, this.g.byteOffset);
  }
  batchGradient(m: number, B: number, ce: boolean, dots: boolean): void {
    const { T, theta, touched, zb, counts, wb, g } = this;
    this.ex.batch_gradient(T.byteOffset, theta.byteOffset, touched.byteOffset, m, this.N, zb.byteOffset, dots ? 1 : 0, counts.byteOffset, B, ce ? 1 : 0, wb.byteOffset, g.byteOffset);
  }
  thetaChanged(): void {}
}

/** Whether the WebAssembly kernels can be loaded here. */
export function geometryWasmAvailable(): boolean {
  return loadWasm() !== null;
}

function loadWasm(): LoadedWasm | null {
  // dist/src/models/geometry/workspace.js -> dist/asm/geometry.wasm
  return loadWasmModule(new URL("../../../asm/geometry.wasm", import.meta.url));
}

/** The float64 workspace, on the back-end useKernels("geometry", ...) chose (engine/kernels.ts). */
export function makeWorkspace(n: number, N: number, nTouched: number): Workspace {
  return selectKernels<Workspace>("geometry", {
    wasm: () => {
      const w = loadWasm();
      return w ? new WasmWorkspace(w, wasmMemory(w.api, n, N, nTouched), n, N, nTouched) : null;
    },
    js: () => new JsWorkspace(n, N, nTouched),
    unavailable: "geometry: WebAssembly kernels unavailable (build dist/asm/geometry.wasm)",
  });
}
