import { test } from "node:test";
import assert from "node:assert/strict";
import { AliasSampler } from "../../src/engine/sampling.js";
import { Rng } from "../../src/engine/rng.js";

function zipf(n: number, a: number): number[] {
  const w = Array.from({ length: n }, (_, i) => (i + 1) ** -a);
  const z = w.reduce((s, x) => s + x, 0);
  return w.map((x) => x / z);
}

/** The distribution an alias table encodes: P(i) = (prob_i + sum_{j: alias_j = i} (1 - prob_j)) / n. */
function implied(sampler: AliasSampler): number[] {
  const { prob, alias, n } = sampler as unknown as { prob: Float64Array; alias: Int32Array; n: number };
  const P = new Array<number>(n).fill(0);
  for (let j = 0; j < n; j++) {
    P[j] += prob[j] / n;
    P[alias[j]] += (1 - prob[j]) / n;
  }
  return P;
}

test("the alias table encodes p exactly (Vose), including zeros and unnormalised weights", () => {
  const cases: number[][] = [zipf(10, 1), zipf(1000, 2), [0.95, 0.05], [1], [0, 3, 0, 1], [0.3, 1, 3]];
  for (const w of cases) {
    const total = w.reduce((s, x) => s + x, 0);
    const P = implied(new AliasSampler(w, new Rng(0)));
    w.forEach((x, i) => assert.ok(Math.abs(P[i] - x / total) < 1e-14, `p_${i}: ${P[i]} vs ${x / total}`));
  }
  assert.throws(() => new AliasSampler([], new Rng(0)));
  assert.throws(() => new AliasSampler([0, 0], new Rng(0)));
  assert.throws(() => new AliasSampler([1, -1], new Rng(0)));
});

test("sampleCounts: counts sum to B, touched lists each drawn skill exactly once", () => {
  const p = zipf(50, 1);
  const s = new AliasSampler(p, new Rng(3));
  const counts = new Int32Array(50), touched = new Int32Array(51);
  for (const B of [1, 7, 64, 1024]) {
    const m = s.sampleCounts(B, counts, touched);
    const list = Array.from(touched.subarray(0, m));
    assert.equal(new Set(list).size, m);
    assert.equal(list.reduce((acc, i) => acc + counts[i], 0), B);
    for (let i = 0; i < 50; i++) if (!list.includes(i)) assert.equal(counts[i], 0);
    for (const i of list) counts[i] = 0; // the caller's reset
  }
});

test("empirical frequencies match p (chi-square, 200k draws)", () => {
  const p = zipf(10, 1);
  const s = new AliasSampler(p, new Rng(12345));
  const counts = new Int32Array(10), touched = new Int32Array(11), total = new Float64Array(10);
  const B = 1000, reps = 200;
  for (let r = 0; r < reps; r++) {
    const m = s.sampleCounts(B, counts, touched);
    for (let k = 0; k < m; k++) {
      total[touched[k]] += counts[touched[k]];
      counts[touched[k]] = 0;
    }
  }
  const D = B * reps;
  let chi2 = 0;
  for (let i = 0; i < 10; i++) chi2 += (total[i] - D * p[i]) ** 2 / (D * p[i]);
  // 9 degrees of freedom: P(chi2 > 33.7) = 1e-4
  assert.ok(chi2 < 33.7, `chi2 = ${chi2}`);
  // and single draws agree with the same distribution
  const single = new Float64Array(10);
  for (let r = 0; r < 50000; r++) single[s.draw()]++;
  let chi2b = 0;
  for (let i = 0; i < 10; i++) chi2b += (single[i] - 50000 * p[i]) ** 2 / (50000 * p[i]);
  assert.ok(chi2b < 33.7, `chi2 (draw) = ${chi2b}`);
});

test("a zero-probability skill is never drawn; each draw uses one nextDouble; same seed, same draws", () => {
  const s = new AliasSampler([0.5, 0, 0.5], new Rng(1));
  const counts = new Int32Array(3), touched = new Int32Array(4);
  s.sampleCounts(100000, counts, touched);
  assert.equal(counts[1], 0);

  const a = new AliasSampler(zipf(20, 1), new Rng(9));
  const b = new AliasSampler(zipf(20, 1), new Rng(9));
  const xa = Array.from({ length: 200 }, () => a.draw());
  const xb = Array.from({ length: 200 }, () => b.draw());
  assert.deepEqual(xa, xb);

  // stream position: B draws consume exactly B doubles
  const r1 = new Rng(5), r2 = new Rng(5);
  new AliasSampler(zipf(20, 1), r1).sampleCounts(37, new Int32Array(20), new Int32Array(21));
  for (let i = 0; i < 37; i++) r2.nextDouble();
  assert.equal(r1.nextUint32(), r2.nextUint32());
});
