/**
 * The Geometry model's per-step scalar work in WebAssembly (asm/geometry-step.ts, in both the
 * float64 and the float32 module): the batch's alias draws give the same batches as
 * AliasSampler.sampleCounts drawing from the same generator, batch after batch; the fused
 * batch gradient (dots, weights, accumulate by blocks of rows) the same bits as the JavaScript
 * kernels one after another, extreme and NaN overlaps included; the due-skill scan the same
 * list as OverlapWatch's loop.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { AliasSampler } from "../../../src/engine/sampling.js";
import { Rng } from "../../../src/engine/rng.js";
import { useKernels } from "../../../src/engine/kernels.js";
import { makeWorkspace, geometryWasmAvailable, type Workspace } from "../../../src/models/geometry/workspace.js";
import { makeWorkspace32, geometry32WasmAvailable } from "../../../src/models/geometry/float32.js";
import { OverlapWatch } from "../../../src/models/timeline.js";

const skip = geometryWasmAvailable() && geometry32WasmAvailable() ? false : "dist/asm/geometry*.wasm not built";

/** A workspace of each precision on the WebAssembly back-end. */
function wasmWorkspaces(n: number, nTouched: number): Workspace[] {
  useKernels("geometry", "wasm");
  try {
    return [makeWorkspace(n, 3, nTouched), makeWorkspace32(n, 3, nTouched)];
  } finally {
    useKernels("geometry", "auto");
  }
}

const DISTRIBUTIONS: [string, number[]][] = [
  ["zipf 1, 1000 skills", Array.from({ length: 1000 }, (_, i) => 1 / (i + 1))],
  ["uniform 7", Array(7).fill(1)],
  ["one outcome", [3]],
  ["zeros among the weights", [0, 1, 0, 0, 2, 0.5, 0]],
  ["zipf 4, 50 skills", Array.from({ length: 50 }, (_, i) => (i + 1) ** -4)],
];

test("WebAssembly batch draws = AliasSampler.sampleCounts from the same generator, batch after batch", { skip }, () => {
  for (const [name, p] of DISTRIBUTIONS) {
    for (const B of [1, 5, 64, 1024]) {
      const n = p.length, nTouched = Math.min(B, n) + 1;
      for (const ws of wasmWorkspaces(n, nTouched)) {
        const rngJs = new Rng(11, B), rngWasm = new Rng(11, B);
        rngJs.nextDouble(); // a generator part-way through its stream
        rngWasm.nextDouble();
        const js = new AliasSampler(p, rngJs);
        ws.useSampler(new AliasSampler(p, rngWasm), rngWasm, true);
        const counts = new Int32Array(n), touched = new Int32Array(nTouched);
        for (let batch = 0; batch < 40; batch++) {
          const m = js.sampleCounts(B, counts, touched);
          const mw = ws.sample(B);
          assert.equal(mw, m, `${name}, B ${B}, batch ${batch}: distinct draws`);
          assert.deepEqual(Array.from(ws.touched.subarray(0, m)), Array.from(touched.subarray(0, m)), `${name}, B ${B}, batch ${batch}`);
          assert.deepEqual(Array.from(ws.counts), Array.from(counts), `${name}, B ${B}, batch ${batch}: counts`);
          for (let k = 0; k < m; k++) counts[touched[k]] = 0;
          ws.counts.fill(0);
        }
      }
    }
  }
});

test("a shared generator (noise draws from it too): the workspace draws through the AliasSampler itself", { skip }, () => {
  const p = [1, 2, 3, 4];
  for (const ws of wasmWorkspaces(4, 5)) {
    const rngJs = new Rng(5), rngWs = new Rng(5);
    const js = new AliasSampler(p, rngJs);
    ws.useSampler(new AliasSampler(p, rngWs), rngWs, false);
    const counts = new Int32Array(4), touched = new Int32Array(5);
    const m = js.sampleCounts(16, counts, touched);
    assert.equal(ws.sample(16), m);
    assert.deepEqual(Array.from(ws.counts), Array.from(counts));
    assert.equal(rngWs.nextUint32(), rngJs.nextUint32(), "the run's generator moved on as the sampler drew");
  }
});

test("WebAssembly batch gradient = dots, batchWeights and accumulate in JavaScript, bit for bit (mse and ce; extreme, signed-zero and NaN overlaps)", { skip }, () => {
  const rng = new Rng(2);
  const special = [0, -0, 1e-300, -1e-300, 2 ** -29, -(2 ** -29), 0.34, -0.35, 0.52, -1.03, 1.04, 20, -20, 707.9, -707.9, 709.8, -709.8, 745.2, -745.2, 800, -800, Infinity, -Infinity, NaN, 1e308, -1e308];
  const z: number[] = [...special];
  for (let k = 0; k < 3000; k++) z.push((rng.nextDouble() - 0.5) * 2 * 10 ** (rng.nextDouble() * 4 - 2));
  const n = z.length, B = 1024;
  const touched = Int32Array.from({ length: n }, (_, k) => (k * 7919) % n); // a permutation
  const countsOf = () => Int32Array.from({ length: n }, (_, i) => 1 + (i % 5));
  for (const N of [7, 12]) {
    const rows = Float64Array.from({ length: n * N }, () => rng.normal() / Math.sqrt(N));
    const theta = Float64Array.from({ length: N }, () => rng.normal());
    for (const f32 of [false, true])
      for (const ce of [false, true])
        for (const dots of [false, true])
          for (const m of [n, n - 1, 6, 1]) {
            const [js, wasm] = (["js", "wasm"] as const).map((k) => {
              useKernels("geometry", k);
              try {
                const ws = f32 ? makeWorkspace32(n, N, n) : makeWorkspace(n, N, n);
                ws.T.set(rows);
                if (f32) (ws as ReturnType<typeof makeWorkspace32>).roundVectors();
                ws.theta.set(theta);
                ws.thetaChanged();
                ws.zb.set(z);
                ws.touched.set(touched);
                ws.counts.set(countsOf());
                ws.batchGradient(m, B, ce, dots);
                assert.equal(ws.kind, k);
                return ws;
              } finally {
                useKernels("geometry", "auto");
              }
            });
            const what = `N ${N}, ${f32 ? "float32" : "float64"}, ${ce ? "ce" : "mse"}, dots ${dots}, m ${m}`;
            for (const ws of [js, wasm]) for (let k = 0; k < m; k++) assert.equal(ws.counts[touched[k]], 0, `${what}: counts reset`);
            for (const name of ["zb", "wb", "g"] as const) {
              const a = js[name], b = wasm[name], len = name === "g" ? N : m;
              for (let k = 0; k < len; k++) assert.ok(Object.is(a[k], b[k]), `${what}: ${name}[${k}] ${b[k]} vs ${a[k]} (z ${z[k]})`);
            }
          }
  }
});

test("WebAssembly listDue = OverlapWatch's own loop, step after step (checkpoints, evaluations, margins 0 and infinite)", { skip }, () => {
  const n = 203, N = 9, rng = new Rng(4);
  const norms = Float64Array.from({ length: n }, (_, i) => (i % 17 === 0 ? 0 : 0.5 + rng.nextDouble()));
  const distance = (i: number) => (i % 13 === 0 ? 0 : i % 11 === 0 ? Infinity : rng.nextDouble() * 0.3);
  for (const ws of wasmWorkspaces(n, 2)) {
    const scan = ws.dueScan();
    assert.ok(scan, "the WebAssembly workspace scans");
    const js = new OverlapWatch(n, N, norms), wasm = new OverlapWatch(n, N, norms, undefined, scan);
    const theta = new Float64Array(N), out = new Int32Array(n);
    let partial = 0; // steps at which some but not all skills are due
    for (let t = 0; t < 300; t++) {
      if (t % 60 === 0) {
        const d = Array.from({ length: n }, (_, i) => distance(i));
        js.checkpoint(theta, (i) => d[i]);
        wasm.checkpoint(theta, (i) => d[i]);
      }
      for (let j = 0; j < N; j++) theta[j] += (rng.nextDouble() - 0.5) * 0.01;
      const len = rng.nextDouble() * 0.01;
      js.advance(theta, len);
      wasm.advance(theta, len);
      const q = js.listDue(out);
      const expected = Array.from(out.subarray(0, q));
      const qw = wasm.listDue(ws.dueIdx);
      assert.deepEqual(Array.from(ws.dueIdx.subarray(0, qw)), expected, `step ${t}`);
      if (q > 0 && q < n) partial++;
      for (const i of expected.slice(0, 5)) {
        const d = distance(i);
        js.evaluated(i, d);
        wasm.evaluated(i, d);
      }
    }
    assert.ok(partial > 100, `${partial} steps with some skills due`);
  }
});
