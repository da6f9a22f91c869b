/**
 * The Geometry model in `precision: float32` (the authors' runs are torch float32): the skill
 * vectors, the parameters the kernels read, the overlaps z_i = t_i . theta and the gradient
 * estimate g = sum_k w_k t_k are float32, computed by f32x4 WebAssembly kernels
 * (asm/geometry32.ts) or by this file's JavaScript fallback, which rounds with Math.fround
 * after every operation in the kernels' order, so both give identical bits (tested).
 *
 * What stays float64 (evaluated in float64 and rounded to float32 where it enters a kernel):
 * the per-skill scalars (sigmoid, the batch weights w_k, rounded to float32) and the optimizer,
 * whose state and a master copy of theta stay float64 (theta is rounded to float32 for the
 * kernels after every update), as in mixed-precision training. The skill vectors are drawn
 * exactly as in float64 (the same random numbers) and rounded to float32.
 *
 * The workspace keeps float64 views of T (the rounded vectors, exact), theta (the master copy)
 * and g (the float32 gradient, widened exactly), so the rest of the model reads them as in
 * float64.
 */
import { loadWasmModule, type LoadedWasm } from "../../engine/wasm.js";
import { WorkspaceArrays, wasmMemory, type WasmExports, type WasmMemory, type Workspace } from "./workspace.js";
import { batchWeights } from "./step.js";
import { selectKernels } from "../../engine/kernels.js";

const f = Math.fround;

/** t_i . x in float32 (Math.fround at every operation): eight partial sums over j mod 8,
 * the tail added to the first, ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)). */
export function dotRow32(T: Float32Array, off: number, x: Float32Array, N: number): number {
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
  let j = 0;
  const end8 = N - (N & 7);
  for (; j < end8; j += 8) {
    const o = off + j;
    a0 = f(a0 + f(T[o] * x[j]));
    a1 = f(a1 + f(T[o + 1] * x[j + 1]));
    a2 = f(a2 + f(T[o + 2] * x[j + 2]));
    a3 = f(a3 + f(T[o + 3] * x[j + 3]));
    a4 = f(a4 + f(T[o + 4] * x[j + 4]));
    a5 = f(a5 + f(T[o + 5] * x[j + 5]));
    a6 = f(a6 + f(T[o + 6] * x[j + 6]));
    a7 = f(a7 + f(T[o + 7] * x[j + 7]));
  }
  for (; j < N; j++) a0 = f(a0 + f(T[off + j] * x[j]));
  return f(f(f(a0 + a1) + f(a2 + a3)) + f(f(a4 + a5) + f(a6 + a7)));
}

/** y += w t_i in float32 (w a float32 value), y_j = fround(y_j + fround(w t_ij)). */
export function axpyRow32(y: Float32Array, w: number, T: Float32Array, off: number, N: number): void {
  for (let j = 0; j < N; j++) y[j] = f(y[j] + f(w * T[off + j]));
}

interface Arrays32 {
  T32: Float32Array;
  theta32: Float32Array;
  g32: Float32Array;
}

/** The float32 kernels over float64 views; `kind` says which back-end computes. */
abstract class Workspace32 extends WorkspaceArrays implements Workspace {
  abstract readonly kind: "js" | "wasm";
  readonly precision = "float32" as const;
  protected abstract readonly a: Arrays32;
  protected abstract kDots(idx: Int32Array, m: number, out: Float64Array): void;
  protected abstract kAccumulate(idx: Int32Array, m: number): void;
  /** zb (when dots), wb and g32 as batchGradient (./workspace.ts) describes. */
  protected abstract kBatchGradient(m: number, B: number, ce: boolean, dots: boolean): void;
  /** T64 holds the vectors (float64, as drawn): round them to float32, in both views. */
  roundVectors(): void {
    this.a.T32.set(this.T);
    for (let i = 0; i < this.T.length; i++) this.T[i] = this.a.T32[i];
  }
  thetaChanged(): void {
    this.a.theta32.set(this.theta);
  }
  dots(idx: Int32Array, m: number): void {
    this.kDots(idx, m, this.zb);
  }
  dotsInto(idx: Int32Array, m: number, out: Float64Array): void {
    this.kDots(idx, m, out);
  }
  /** g = sum_k w_k t_k with the weights rounded to float32 (the kernel's first operation). */
  accumulate(idx: Int32Array, m: number): void {
    this.kAccumulate(idx, m);
    this.g.set(this.a.g32);
  }
  batchGradient(m: number, B: number, ce: boolean, dots: boolean): void {
    this.kBatchGradient(m, B, ce, dots);
    this.g.set(this.a.g32);
  }
}

class JsWorkspace32 extends Workspace32 {
  readonly kind = "js" as const;
  protected readonly ex = null;
  protected readonly a: Arrays32;
  constructor(n: number, N: number, nTouched: number) {
    super(n, N, nTouched);
    this.a = { T32: new Float32Array(n * N), theta32: new Float32Array(N), g32: new Float32Array(N) };
  }
  protected kDots(idx: Int32Array, m: number, out: Float64Array): void {
    const { T32, theta32 } = this.a, N = this.N;
    for (let k = 0; k < m; k++) out[k] = dotRow32(T32, idx[k] * N, theta32, N);
  }
  protected kAccumulate(idx: Int32Array, m: number): void {
    const { T32, g32 } = this.a, wb = this.wb, N = this.N;
    g32.fill(0);
    for (let k = 0; k < m; k++) axpyRow32(g32, f(wb[k]), T32, idx[k] * N, N); // the weight as float32, as the WebAssembly kernel reads it
  }
  protected kBatchGradient(m: number, B: number, ce: boolean, dots: boolean): void {
    if (dots) this.kDots(this.touched, m, this.zb);
    batchWeights(this.zb, this.touched, this.counts, m, B, ce, this.wb);
    this.kAccumulate(this.touched, m);
  }
}

class WasmWorkspace32 extends Workspace32 {
  readonly kind = "wasm" as const;
  protected readonly a: Arrays32;
  protected readonly ex: WasmExports;
  /** `mem`: wasmMemory with the float32 arrays (T, theta, g) after the float64 views. */
  constructor(w: LoadedWasm, mem: WasmMemory, n: number, N: number, nTouched: number) {
    super(n, N, nTouched, mem);
    this.ex = new w.api.Instance(w.module, { env: { memory: mem.memory } }).exports as WasmExports;
    const { buffer, offsets } = mem;
    const k = offsets.length - 3; // the float32 arrays come last
    this.a = { T32: new Float32Array(buffer, offsets[k], n * N), theta32: new Float32Array(buffer, offsets[k + 1], N), g32: new Float32Array(buffer, offsets[k + 2], N) };
  }
  protected kDots(idx: Int32Array, m: number, out: Float64Array): void {
    this.ex.dots(this.a.T32.byteOffset, this.a.theta32.byteOffset, idx.byteOffset, m, this.N, out.byteOffset);
  }
  protected kAccumulate(idx: Int32Array, m: number): void {
    this.ex.accumulate(this.a.T32.byteOffset, idx.byteOffset, this.wb.byteOffset, m, this.N, this.a.g32.byteOffset);
  }
  protected kBatchGradient(m: number, B: number, ce: boolean, dots: boolean): void {
    const { T32, theta32, g32 } = this.a, { touched, zb, counts, wb } = this;
    this.ex.batch_gradient(T32.byteOffset, theta32.byteOffset, touched.byteOffset, m, this.N, zb.byteOffset, dots ? 1 : 0, counts.byteOffset, B, ce ? 1 : 0, wb.byteOffset, g32.byteOffset);
  }
}

function loadWasm32(): LoadedWasm | null {
  // dist/src/models/geometry/float32.js -> dist/asm/geometry32.wasm
  return loadWasmModule(new URL("../../../asm/geometry32.wasm", import.meta.url));
}

/** Whether the float32 WebAssembly kernels can be loaded here. */
export function geometry32WasmAvailable(): boolean {
  return loadWasm32() !== null;
}

/** A float32 workspace, on the back-end useKernels("geometry", ...) chose (engine/kernels.ts). */
export function makeWorkspace32(n: number, N: number, nTouched: number): Workspace & { roundVectors(): void } {
  return selectKernels<Workspace & { roundVectors(): void }>("geometry", {
    wasm: () => {
      const w = loadWasm32();
      return w ? new WasmWorkspace32(w, wasmMemory(w.api, n, N, nTouched, [4 * n * N, 4 * N, 4 * N]), n, N, nTouched) : null;
    },
    js: () => new JsWorkspace32(n, N, nTouched),
    unavailable: "geometry: float32 WebAssembly kernels unavailable (build dist/asm/geometry32.wasm)",
  });
}
