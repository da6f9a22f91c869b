/**
 * Small, hand-made inputs for the report figure tests (fixed numbers, no randomness):
 * a 4-skill Domino-like run, a 2×3×2 sweep, and power-law and Chinchilla fits.
 */
import type { FitData, FitResult, RunFigureInput as RunResult, SweepLine } from "../../src/report/figure/index.js";

const T = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
/** Logistic ramp from 0 to 1 centred at `mid` with width `w` (rounded to 3 decimals). */
const ramp = (mid: number, w: number) => T.map((t) => Math.round(1000 / (1 + Math.exp(-(t - mid) / w))) / 1000);

export const runFixture: RunResult = {
  model: "domino",
  config: { model: "domino", steps: 100, lr: 0.05, params: 64, seed: 7, skills: { count: 4, frequencies: { zipf: 2 } } },
  skills: [
    { index: 1, frequency: 0.7, onset: 10, half: 15, learned: 20, final: 1 },
    { index: 2, frequency: 0.175, onset: 30, half: 35, learned: 40, final: 1 },
    { index: 3, frequency: 0.078, onset: 50, half: 60, learned: 70, final: 0.99 },
    { index: 4, frequency: 0.044, onset: 80, half: null, learned: null, final: 0.3 },
  ],
  final: { loss: 0.031 },
  trace: {
    t: T,
    loss: [1, 0.8, 0.35, 0.3, 0.12, 0.1, 0.08, 0.06, 0.05, 0.04, 0.031],
    level: [ramp(15, 2.5), ramp(35, 2.5), ramp(60, 4), ramp(110, 12)],
  },
};

export const sweepFixture: SweepLine[] = (() => {
  const out: SweepLine[] = [];
  let id = 0;
  for (const zipf of [1, 2]) {
    for (const params of [20, 40, 80]) {
      for (const seed of [1, 2]) {
        const loss = Math.round(0.5 * Math.pow(params, -0.35) * (zipf === 1 ? 1 : 1.2) * (seed === 1 ? 0.97 : 1.03) * 1e5) / 1e5;
        out.push({ id: id++, overrides: { params, seed, "skills.frequencies.zipf": zipf }, final: { loss }, skills: [], trace: { t: [0, 100], loss: [1, loss] } });
      }
    }
  }
  return out;
})();

export const powerFit: FitResult = {
  form: "powerlaw",
  n: 5,
  params: { E: 0.1, A: 2, alpha: 0.5 },
  objective: 0.001,
  rmse_log: 0.02,
  intervals: { alpha: [0.45, 0.55] },
};
export const powerData: FitData = { x: [10, 100, 1000, 10000, 100000], y: [0.74, 0.3, 0.16, 0.12, 0.106] };

export const chinchillaFit: FitResult = {
  form: "chinchilla",
  n: 8,
  params: { E: 1.82, A: 482, B: 2085, alpha: 0.35, beta: 0.37 },
  objective: 0.01,
  rmse_log: 0.015,
  intervals: { E: [1.7, 1.9], alpha: [0.3, 0.4] },
};
export const chinchillaData: FitData = {
  N: [1e7, 1e8, 1e9, 1e10, 1e7, 1e8, 1e9, 1e10],
  D: [1e9, 1e9, 1e9, 1e9, 1e11, 1e11, 1e11, 1e11],
  y: [3.9, 3.1, 2.8, 2.7, 3.3, 2.5, 2.2, 2.05],
};
