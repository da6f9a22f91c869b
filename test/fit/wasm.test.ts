/**
 * The WebAssembly Chinchilla objectives (asm/fit.ts via src/fit/wasm.ts) against the
 * JavaScript ones in src/fit/chinchilla.ts: the same objective and gradient bit for bit at
 * every kind of point (both sides of Huber's zone, the flushed product, the shifted path for
 * overflow and underflow, the odd tail of the two-lane exp), for every loss, and the same fit.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/engine/rng.js";
import { chinchillaObjectiveFn, fitChinchilla, makeLoss, type ChinchillaGrid } from "../../src/fit/chinchilla.js";
import { fitWasmAvailable } from "../../src/fit/wasm.js";
import { CHINCHILLA_CSV, loadChinchilla } from "../chinchilla.js";
import { cli } from "../helpers.js";
import { useKernels } from "../../src/engine/kernels.js";

const skip = !fitWasmAvailable() && "dist/asm/fit.wasm not built";

function data(rows: number, seed: number): { N: number[]; D: number[]; L: number[] } {
  const rng = new Rng(seed);
  const N: number[] = [], D: number[] = [], L: number[] = [];
  for (let k = 0; k < rows; k++) {
    const n = 1e7 * Math.pow(10, 3 * rng.nextDouble());
    N.push(k % 4 === 0 ? N[0] ?? n : n); // repeated N: fewer distinct values than rows
    D.push(1e9 * Math.pow(10, 2 * rng.nextDouble()));
    L.push(2 + 0.5 * rng.nextDouble());
  }
  return { N, D, L };
}

function both<T>(f: () => T): [T, T] {
  try {
    useKernels("fit", "js");
    const js = f();
    useKernels("fit", "wasm");
    return [js, f()];
  } finally {
    useKernels("fit", "auto");
  }
}

test("WebAssembly and JavaScript Chinchilla objectives agree bit for bit (every loss, every path)", { skip }, () => {
  const rng = new Rng(11);
  const fixed = [
    [6, 7.5, 0.6, 0.35, 0.37],
    [25, 0, -1, 0, 2],
    [0, 25, 1, 2, 0],
    [-50, -50, -50, 0, 0],
    [800, 3, 0.5, 0.1, 0.2],
    [-900, -900, -800, 0.1, 0.1],
    [3000, 2, 0, 0.1, 0.1],
  ];
  const points = [...fixed];
  for (let i = 0; i < 300; i++) {
    points.push([30 * rng.nextDouble() - 2, 30 * rng.nextDouble() - 2, 3 * rng.nextDouble() - 1.5, 2.5 * rng.nextDouble(), 2.5 * rng.nextDouble()]);
  }
  for (const rows of [41, 240]) {
    const { N, D, L } = data(rows, rows);
    for (const loss of [makeLoss("huber", 1e-3), makeLoss("huber", 0.05), makeLoss("mse"), makeLoss("asymmetric", undefined, 10)]) {
      const [js, wasm] = both(() => chinchillaObjectiveFn(N, D, L, loss));
      const gj = new Float64Array(5), gw = new Float64Array(5);
      for (const p of points) {
        const x = Float64Array.from(p);
        const fj = js(x, gj), fw = wasm(x, gw);
        assert.ok(Object.is(fj, fw), `${loss.name} rows ${rows} at ${p}: f ${fj} (js) vs ${fw} (wasm)`);
        for (let i = 0; i < 5; i++) assert.ok(Object.is(gj[i], gw[i]), `${loss.name} at ${p}: g[${i}] ${gj[i]} vs ${gw[i]}`);
      }
    }
  }
});

test("WebAssembly and JavaScript agree bit for bit on tiny and extreme problems (odd tails, one lane out of range or flushed, non-finite x)", { skip }, () => {
  const losses = [makeLoss("huber", 1e-3), makeLoss("huber", 0.5), makeLoss("huber", 5), makeLoss("mse"), makeLoss("asymmetric", undefined, 10)];
  const nonFinite = [NaN, Infinity, -Infinity];
  const points: number[][] = [[6, 7.5, 0.6, 0.35, 0.37], [-0, -0, -0, -0, -0], [0, 0, 0, 0, 0], [20, 20, 5, 0.1, 0.1], [700, 700, 700, -0.1, -0.1]];
  // u1 = 1/N alone (the others vanish): rows with N = 1e290 have s < 1e-280, the rest do not.
  points.push([0, -1000, -1000, 1, 0], [0, -1000, -800, 1, 0], [0, -1000, 650, 1, 0], [-700, -700, -700, 0.1, 0.1]);
  for (let i = 0; i < 5; i++) for (const v of nonFinite) points.push(points[0].map((y, j) => (j === i ? v : y)));
  const problems: { N: number[]; D: number[]; L: number[]; what: string }[] = [];
  for (let n = 1; n <= 5; n++) {
    for (const off of [0, 1]) {
      const N: number[] = [], D: number[] = [], L: number[] = [];
      for (let k = 0; k < n; k++) {
        N.push((k + off) % 3 === 0 ? 1e290 : 10 ** (k + 8));
        D.push(1e9 * (k + 1));
        L.push((k + off) % 2 ? 1e-15 : 3); // one parity's ratios beyond 1e20: that lane's product flushes
      }
      problems.push({ N, D, L, what: `${n} rows, offset ${off}` });
    }
    problems.push({ N: Array(n).fill(3e8), D: Array(n).fill(5e9), L: Array.from({ length: n }, (_, k) => 2 + 0.1 * k), what: `${n} rows, one N and one D` });
  }
  const gj = new Float64Array(5), gw = new Float64Array(5);
  for (const { N, D, L, what } of problems) {
    for (const loss of losses) {
      const [js, wasm] = both(() => chinchillaObjectiveFn(N, D, L, loss));
      for (const p of points) {
        const x = Float64Array.from(p);
        const fj = js(x, gj), fw = wasm(x, gw);
        assert.ok(Object.is(fj, fw), `${what}, ${loss.name} ${loss.delta} at ${p}: f ${fj} (js) vs ${fw} (wasm)`);
        for (let i = 0; i < 5; i++) assert.ok(Object.is(gj[i], gw[i]), `${what}, ${loss.name} ${loss.delta} at ${p}: g[${i}] ${gj[i]} vs ${gw[i]}`);
      }
    }
  }
});

test("WebAssembly and JavaScript give the same Chinchilla fit on the Figure 4 data", { skip }, () => {
  const { N, D, L } = loadChinchilla();
  const grid: ChinchillaGrid = { alpha: [0, 0.5, 1], beta: [0, 0.5, 1], e: [-1, 0, 1], a: [0, 10, 20], b: [0, 10, 20] };
  for (const loss of [makeLoss("huber"), makeLoss("asymmetric")]) {
    const [js, wasm] = both(() => fitChinchilla(N, D, L, { grid, loss }));
    assert.deepEqual(wasm.params, js.params);
    assert.ok(Object.is(wasm.objective, js.objective));
    assert.equal(wasm.evaluations, js.evaluations);
  }
});

test("SKILLSIM_FIT_KERNELS=js (the JavaScript objective) gives byte-identical fit output", { skip }, () => {
  const args = ["fit", CHINCHILLA_CSV, "--where", "N<4e8", "--loss", "huber", "--json", "-q", "--jobs", "1"];
  const wasm = cli(args);
  const js = cli(args, { env: { SKILLSIM_FIT_KERNELS: "js" } });
  assert.equal(wasm.code, 0, wasm.stderr);
  assert.equal(js.code, 0, js.stderr);
  assert.ok(JSON.parse(wasm.stdout).n > 20);
  assert.equal(js.stdout, wasm.stdout);
});
