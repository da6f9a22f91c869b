/**
 * The shipped Chinchilla Figure 4 runs (data/chinchilla-fig4.csv) as the fitter's tests and
 * benchmarks use them: the 240 rows left after dropping the 5 highest-loss runs
 * (loss >= 3.4469), as the original analysis did (Besiroglu et al. 2024).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** <repo>/data/chinchilla-fig4.csv (from dist/test/chinchilla.js). */
export const CHINCHILLA_CSV = fileURLToPath(new URL("../../data/chinchilla-fig4.csv", import.meta.url));

export function loadChinchilla(): { N: number[]; D: number[]; L: number[] } {
  const lines = readFileSync(CHINCHILLA_CSV, "utf8").trim().split(/\r?\n/);
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
