/**
 * The table-driven exp of src/engine/exp.ts against e^x from Python's decimal module at 60
 * digits (test/engine/reference/exp.json, made by exp_decimal.py next to it): the error must
 * stay below 1 ulp everywhere (measured when written: 0.78 ulp at worst, 4% of results not the
 * correctly rounded double; V8's Math.exp: 0.79 ulp, 10%), and the special cases must be
 * Math.exp's.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expAffine, fdlibmExp } from "../../src/engine/exp.js";
import { ACT_SILU, biasActivation, DenseArena, denseWasmAvailable, expShifted } from "../../src/engine/dense.js";
import { useKernels } from "../../src/engine/kernels.js";

const REF = fileURLToPath(new URL("../../../test/engine/reference/exp.json", import.meta.url));
const rows = (JSON.parse(readFileSync(REF, "utf8")) as { rows: [string, string, number][] }).rows;

/** ulp(v) for a positive normal double: the gap to the next double up. */
function ulp(v: number): number {
  const b = new Float64Array([v]);
  const i = new BigInt64Array(b.buffer);
  i[0] += 1n;
  return b[0] - v;
}

test("expAffine is within 1 ulp of e^x on 3000 reference arguments in (-700, 700)", () => {
  const n = rows.length;
  const x = Float64Array.from(rows, (r) => Number(r[0]));
  const out = new Float64Array(n);
  expAffine(out, 0, -1, x, n); // e^(0 - (-1) x) = e^x exactly: 0 - (-1 * x) = x
  let worst = 0, misrounded = 0;
  for (let k = 0; k < n; k++) {
    const cr = Number(rows[k][1]);
    const err = Math.abs((out[k] - cr) / ulp(cr) + rows[k][2]);
    if (out[k] !== cr) misrounded++;
    worst = Math.max(worst, err);
  }
  assert.ok(worst < 1, `worst error ${worst} ulp`);
  assert.ok(misrounded < 0.1 * n, `${misrounded} of ${n} not correctly rounded`);
});

test("expAffine computes e^(a - b v) and hands the range ends and NaN to Math.exp", () => {
  const v = Float64Array.from([0, 1, 2, 699.9, -699.9, 700, -700, 800, -800, NaN, Infinity, -Infinity]);
  const out = new Float64Array(v.length);
  expAffine(out, 0, -1, v, v.length);
  assert.equal(out[0], 1);
  assert.equal(out[1], Math.E);
  for (let k = 5; k < v.length; k++) assert.ok(Object.is(out[k], Math.exp(v[k])), `x=${v[k]}`);
  assert.ok(Math.abs(out[3] / Math.exp(699.9) - 1) < 3e-16 && Math.abs(out[4] / Math.exp(-699.9) - 1) < 3e-16);
  const w = new Float64Array(3);
  expAffine(w, 2, 0.5, Float64Array.from([4, 2, 0]), 3); // e^(2 - 0.5 v): e^0, e^1, e^2
  assert.deepEqual(Array.from(w), [1, Math.E, Math.exp(2)].map((y, i) => (i === 2 ? w[2] : y)));
  assert.ok(Math.abs(w[2] / Math.exp(2) - 1) < 3e-16);
});

// fdlibm's exp: the JavaScript port, V8's Math.exp and the WebAssembly SIMD kernel
// (asm/dense.ts, two lanes at a time) must agree bit for bit.

/** Arguments that reach every path of fdlibm's exp, then random ones of several scales and
 * random bit patterns (NaNs, infinities, subnormals included). */
function expArguments(n: number): Float64Array {
  const edges = [
    0, -0, 1, -1, 0.5, -0.5, 2, Infinity, -Infinity, NaN, 1e-300, -1e-300, 5e-324, -5e-324,
    2 ** -28, -(2 ** -28), 2 ** -29, 0.5 * Math.LN2, -0.5 * Math.LN2, 0.3465735902799726, 0.34657359027997264,
    1.5 * Math.LN2, -1.5 * Math.LN2, 1.0397207708399179, 1.039720770839918, 707.99, -707.99, 708, -708,
    708.3964185322641, -708.3964185322641, 709.782712893384, 709.7827128933841, 710, -745.1332191019411,
    -745.1332191019412, -746, 1e308, -1e308, Math.LN2, -Math.LN2, 100, -100, 36.7, -36.7,
  ];
  const out = new Float64Array(n);
  out.set(edges);
  const bits = new Float64Array(1), words = new Uint32Array(bits.buffer);
  let s = 20261205;
  const rnd = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
  for (let i = edges.length; i < n; i++) {
    switch (i % 5) {
      case 0: out[i] = (2 * rnd() - 1) * 750; break;
      case 1: out[i] = (2 * rnd() - 1) * 8; break;
      case 2: out[i] = (2 * rnd() - 1) * 2 ** (-40 + 45 * rnd()); break;
      case 3: words[0] = (rnd() * 2 ** 32) >>> 0; words[1] = (rnd() * 2 ** 32) >>> 0; out[i] = bits[0]; break;
      default: out[i] = edges[Math.floor(rnd() * edges.length)] * (rnd() < 0.5 ? 1 : 1 + 2 ** -52);
    }
  }
  return out;
}

const sameBits = (a: number, b: number): boolean => Object.is(a, b);

test("fdlibmExp is V8's Math.exp bit for bit (edge cases and 400,000 arguments)", () => {
  const x = expArguments(400_000);
  let bad = 0, first = "";
  for (let i = 0; i < x.length; i++) {
    const a = fdlibmExp(x[i]), b = Math.exp(x[i]);
    if (!sameBits(a, b) && bad++ === 0) first = `exp(${x[i]}): port ${a}, Math.exp ${b}`;
  }
  assert.equal(bad, 0, first);
});

/** expShifted on the given back-end, in an arena of that kind. */
function expOn(kind: "js" | "wasm", x: Float64Array, n: number, shift: number): Float64Array {
  useKernels("dense", kind);
  try {
    const arena = new DenseArena(2 * x.length + 8);
    assert.equal(arena.kind, kind);
    const src = arena.alloc(x.length), dst = arena.alloc(x.length);
    src.set(x);
    expShifted(n, src, 1, shift, dst, 1); // odd offsets: unaligned pairs and a tail
    return Float64Array.from(dst);
  } finally {
    useKernels("dense", "auto");
  }
}

test("the WebAssembly SIMD exp (expShifted) is fdlibmExp bit for bit, on both lanes and the tail", { skip: !denseWasmAvailable() && "dist/asm/dense.wasm not built" }, () => {
  const x = expArguments(200_001);
  for (const shift of [0, 0.75, -3]) {
    const n = x.length - 2 - (shift === 0 ? 0 : 1); // odd and even counts
    const w = expOn("wasm", x, n, shift), j = expOn("js", x, n, shift);
    let bad = 0, first = "";
    for (let i = 1; i <= n; i++) {
      const ref = fdlibmExp(x[i] - shift);
      if ((!sameBits(w[i], ref) || !sameBits(j[i], ref)) && bad++ === 0) first = `exp(${x[i]} - ${shift}): wasm ${w[i]}, js ${j[i]}, fdlibm ${ref}`;
    }
    assert.equal(bad, 0, first);
    assert.equal(w[0], 0); // nothing written outside [1, n]
    assert.equal(w[n + 1], 0);
  }
});

test("silu's fused epilogue (exp on two lanes) equals the JavaScript loop on extreme pre-activations", { skip: !denseWasmAvailable() && "dist/asm/dense.wasm not built" }, () => {
  const M = 7, N = 13; // odd: a scalar tail in every row
  const x = expArguments(M * N + 40);
  const run = (kind: "js" | "wasm"): Float64Array[] => {
    useKernels("dense", kind);
    try {
      const arena = new DenseArena(4 * M * N + N + 16);
      const b = arena.alloc(N), Z = arena.alloc(M * N), H = arena.alloc(M * N), S = arena.alloc(M * N);
      for (let j = 0; j < N; j++) b[j] = x[M * N + j] / 1e3;
      Z.set(x.subarray(0, M * N));
      biasActivation(M, N, b, 0, Z, H, 0, N, ACT_SILU, S);
      return [Z, H, S].map((a) => Float64Array.from(a));
    } finally {
      useKernels("dense", "auto");
    }
  };
  const js = run("js"), wasm = run("wasm");
  for (let q = 0; q < 3; q++)
    for (let i = 0; i < M * N; i++) assert.ok(sameBits(js[q][i], wasm[q][i]), `output ${q} at ${i}: js ${js[q][i]}, wasm ${wasm[q][i]}`);
});
