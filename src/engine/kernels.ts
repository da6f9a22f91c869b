/**
 * Which back-end computes each family of kernels, and which one a run used. Every family has
 * a WebAssembly SIMD module (asm/*.ts, loaded by ./wasm.ts) and a JavaScript version that
 * gives the same bits, so the choice changes speed, never an output:
 *
 *   geometry  the Geometry model's overlaps and gradient (float64 and float32)
 *   dense     the network model's matrix products (./dense.ts)
 *   fit       the Chinchilla objective (fit/wasm.ts)
 *
 * A choice is "auto" (WebAssembly when its module loads here, else JavaScript; the default),
 * "js", or "wasm" (an error when the module cannot be used). SKILLSIM_FIT_KERNELS=js starts
 * the fit family on "js", to compare the two from the command line. The state is per thread:
 * a worker thread starts from the defaults.
 */

export type KernelFamily = "geometry" | "dense" | "fit";
export type KernelChoice = "auto" | "js" | "wasm";
export type Backend = "js" | "wasm";

const choices: Record<KernelFamily, KernelChoice> = {
  geometry: "auto",
  dense: "auto",
  fit: process.env.SKILLSIM_FIT_KERNELS === "js" ? "js" : "auto",
};

/** What the last run of each family used (tests and benchmarks read it; no output does). */
const used: Record<KernelFamily, Backend | null> = { geometry: null, dense: null, fit: null };

/** Choose the back-end of `family` from now on (this thread). */
export function useKernels(family: KernelFamily, choice: KernelChoice): void {
  choices[family] = choice;
}

export function kernelChoice(family: KernelFamily): KernelChoice {
  return choices[family];
}

/**
 * The kernels of `family` as the choice says: `wasm()` (null when its module is unavailable)
 * unless the choice is "js", else `js()`. Under "auto" an unavailable module or a failed
 * set-up (e.g. no memory for it) falls back to `js()`; under "wasm" it is an error
 * (`unavailable` says which module to build).
 */
export function selectKernels<T>(family: KernelFamily, make: { wasm: () => T | null; js: () => T; unavailable: string }): T {
  const choice = choices[family];
  if (choice !== "js") {
    let made: T | null = null;
    try {
      made = make.wasm();
    } catch (e) {
      if (choice === "wasm") throw e;
    }
    if (made !== null) return made;
    if (choice === "wasm") throw new Error(make.unavailable);
  }
  return make.js();
}

/** Record the back-end a run of `family` used. */
export function noteKernels(family: KernelFamily, backend: Backend): void {
  used[family] = backend;
}

/** The back-end the last run of `family` used (geometry: runGeometry; dense: runNetwork), or null. */
export function lastKernels(family: KernelFamily): Backend | null {
  return used[family];
}
