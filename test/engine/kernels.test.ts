/** engine/kernels.ts: the one place that chooses between WebAssembly and JavaScript kernels. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { kernelChoice, lastKernels, noteKernels, selectKernels, useKernels, type KernelChoice } from "../../src/engine/kernels.js";

/** selectKernels under `choice` with a wasm maker that returns `wasm` (or throws it); what came back and what was called. */
function pick(choice: KernelChoice, wasm: "ok" | "unavailable" | Error): { got: string; calls: string[] } {
  const calls: string[] = [];
  useKernels("dense", choice);
  try {
    const got = selectKernels("dense", {
      wasm: () => {
        calls.push("wasm");
        if (wasm instanceof Error) throw wasm;
        return wasm === "ok" ? "wasm" : null;
      },
      js: () => (calls.push("js"), "js"),
      unavailable: "dense: unavailable",
    });
    return { got, calls };
  } finally {
    useKernels("dense", "auto");
  }
}

test("auto: WebAssembly when it can be had, else JavaScript (unavailable or a failed set-up)", () => {
  assert.deepEqual(pick("auto", "ok"), { got: "wasm", calls: ["wasm"] });
  assert.deepEqual(pick("auto", "unavailable"), { got: "js", calls: ["wasm", "js"] });
  assert.deepEqual(pick("auto", new RangeError("no memory")), { got: "js", calls: ["wasm", "js"] });
});

test("js: JavaScript without trying WebAssembly", () => {
  assert.deepEqual(pick("js", "ok"), { got: "js", calls: ["js"] });
});

test("wasm: WebAssembly or an error (the set-up's own, or which module to build)", () => {
  assert.deepEqual(pick("wasm", "ok"), { got: "wasm", calls: ["wasm"] });
  assert.throws(() => pick("wasm", "unavailable"), /^Error: dense: unavailable$/);
  assert.throws(() => pick("wasm", new RangeError("no memory")), /^RangeError: no memory$/);
});

test("a family's choice is its own; what a run used is recorded per family", () => {
  useKernels("geometry", "js");
  assert.equal(kernelChoice("geometry"), "js");
  assert.equal(kernelChoice("dense"), "auto");
  useKernels("geometry", "auto");
  noteKernels("dense", "wasm");
  noteKernels("geometry", "js");
  assert.equal(lastKernels("dense"), "wasm");
  assert.equal(lastKernels("geometry"), "js");
  assert.equal(lastKernels("fit"), null);
});

test("SKILLSIM_FIT_KERNELS=js starts the fit family on JavaScript; the others stay auto", () => {
  const url = new URL("../../src/engine/kernels.js", import.meta.url).href;
  const code = `import(${JSON.stringify(url)}).then((k) => console.log(["fit", "geometry", "dense"].map(k.kernelChoice).join(" ")))`;
  const run = (env: Record<string, string>) => spawnSync(process.execPath, ["-e", code], { env: { ...process.env, ...env }, encoding: "utf8" }).stdout.trim();
  assert.equal(run({ SKILLSIM_FIT_KERNELS: "js" }), "js auto auto");
  assert.equal(run({ SKILLSIM_FIT_KERNELS: "" }), "auto auto auto");
});
