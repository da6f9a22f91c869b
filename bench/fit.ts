/**
 * Benchmark: the full 4500-start Chinchilla fit (src/analysis/scaling.ts) on the 240 Chinchilla
 * Figure 4 runs (data/chinchilla-fig4.csv, the 5 highest-loss runs dropped).
 * Run alone with `node dist/bench/fit.js`, or call benchFit() from a bench driver.
 */

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fitChinchilla } from "../src/analysis/scaling.js";

/** <repo>/data/chinchilla-fig4.csv, from dist/bench/fit.js. */
const CSV = fileURLToPath(new URL("../../data/chinchilla-fig4.csv", import.meta.url));

function loadRows(path: string): { N: number[]; D: number[]; L: number[] } {
  const lines = readFileSync(path, "utf8").trim().split(/\r?\n/);
  const head = lines[0].split(",");
  const iN = head.indexOf("N"), iD = head.indexOf("D"), iL = head.indexOf("loss");
  const N: number[] = [], D: number[] = [], L: number[] = [];
  for (const line of lines.slice(1)) {
    const c = line.split(",").map(Number);
    if (c[iL] >= 3.4469) continue; // the 5 highest-loss runs, dropped as in the original analysis
    N.push(c[iN]); D.push(c[iD]); L.push(c[iL]);
  }
  return { N, D, L };
}

export async function benchFit(): Promise<{ ms: number; text: string }> {
  const { N, D, L } = loadRows(CSV);
  const t0 = performance.now();
  const r = fitChinchilla(N, D, L);
  const ms = performance.now() - t0;
  const p = r.params;
  const text =
    `chinchilla fit: ${r.n} rows, ${r.starts} starts, ${r.evaluations} evaluations, ${(ms / 1000).toFixed(2)} s ` +
    `(${((ms * 1000) / r.evaluations).toFixed(1)} us/evaluation)\n` +
    `  E=${p.E.toFixed(4)} A=${p.A.toFixed(2)} B=${p.B.toFixed(1)} alpha=${p.alpha.toFixed(5)} beta=${p.beta.toFixed(5)} ` +
    `objective=${r.objective.toExponential(10)} rmse_log=${r.rmse_log.toFixed(5)}`;
  return { ms, text };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { text } = await benchFit();
  process.stdout.write(text + "\n");
}
