import { test } from "node:test";
import assert from "node:assert/strict";
import { runDomino, frequencyRanks } from "../../src/models/domino/model.js";
import type { DominoConfig } from "../../src/config/schema.js";
import { cfgFrom } from "../helpers.js";

const domino = (extra = "") => cfgFrom(`model: domino\nlr: 3.0e-4\nparams: 1000\nsteps: 600\n${extra}`) as DominoConfig;

test("t0 = 1/(2 lr sqrt(N)) = 52.7046 for lr 3e-4, N 1000", () => {
  const out = runDomino(domino());
  assert.equal(Number((out.extra.t0 as number).toFixed(4)), 52.7046);
});

test("serial: skill of rank r learns over [(r-1) t0, r t0]; crossings exact", () => {
  const out = runDomino(domino("skills: {count: 4, frequencies: [0.1, 0.4, 0.2, 0.3]}\nrecord: every\n"));
  const t0 = out.extra.t0 as number;
  const rank = [3, 0, 2, 1]; // by frequency, most frequent first
  for (let i = 0; i < 4; i++) {
    assert.ok(Math.abs(out.crossings.onset[i]! - (rank[i] + 0.1) * t0) < 1e-9);
    assert.ok(Math.abs(out.crossings.learned[i]! - (rank[i] + 0.9) * t0) < 1e-9);
    const t = Math.round((rank[i] + 0.5) * t0);
    assert.ok(Math.abs(out.trace.level[i][t] - (t / t0 - rank[i])) < 1e-12);
  }
  assert.deepEqual(Array.from(frequencyRanks([0.1, 0.4, 0.2, 0.3])), rank);
});

test("parallel: s_i = 1 - exp(-p_i t / tau)", () => {
  const out = runDomino(domino("variant: parallel\ntau: 20\nrecord: every\n"));
  const p = out.frequencies;
  for (const t of [0, 7, 100, 600]) for (let i = 0; i < 10; i++) assert.ok(Math.abs(out.trace.level[i][t] - (1 - Math.exp((-p[i] * t) / 20))) < 1e-12);
  assert.ok(Math.abs(out.crossings.half[0]! - (20 * Math.LN2) / p[0]) < 1e-9);
});

test("modules: balanced k modules finish sqrt(k) times sooner; unbalanced less", () => {
  for (const [k, expected] of [[1, 1], [4, 2], [16, 4]] as const) {
    const out = runDomino(cfgFrom(`model: domino\nskills: {count: 64, frequencies: {zipf: 1}}\nmodules: ${k}\nparams: 1024\nsteps: 3500\n`) as DominoConfig);
    const m = out.extra.modules as { speedup: number; predicted_speedup: number };
    assert.ok(Math.abs(m.speedup - expected) < 1e-12, `k=${k}: ${m.speedup}`);
    assert.equal(m.predicted_speedup, expected);
  }
  const out = runDomino(domino("modules: 4\n"));
  assert.ok(Math.abs((out.extra.modules as { speedup: number }).speedup - 10 / 6) < 1e-12); // 10 skills: 3 per module at sqrt(4) t0
});
