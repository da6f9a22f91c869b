/**
 * Calibration speed (`npm run bench -- calibrate`): calibrating a 10-skill, 1000-step run
 * (the paper's Fig 7 Geometry setting with noise 0.005, every step recorded: 10,010 points) against the
 * Resource map, fitting N0 (rate from the config) and N0 and rate together. Goal: under a
 * second. No peer: the authors fit N0 by a grid search in a notebook.
 *
 * Also the paper's Fig 7 (bottom) measurement, run by run through the same code as
 * `skillsim run` + `skillsim calibrate`:
 *   node dist/bench/calibrate.js fig7 configs/calibrate/geometry-noise.yaml [more configs]
 * prints, for each value of the swept key, the fitted N0 per seed.
 */
import { readFileSync } from "node:fs";
import { calibrate, parseObserved, plan } from "../src/calibrate/index.js";
import { loadConfig } from "../src/config/load.js";
import { runModel } from "../src/models/index.js";
import { buildResult } from "../src/report/result.js";
import { planSweep } from "../src/sweep/grid.js";

const FIG7 = `model: geometry
skills: {count: 10, frequencies: {zipf: 2}, vectors: random}
params: 1000
loss: mse
batch: 128
optimizer: signgd
lr: 1.0e-3
noise: 0.005
steps: 1000
record: every
`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function benchCalibrate(): Promise<{ text: string }> {
  const cfg = loadConfig(FIG7, { file: "<bench>" });
  const json = JSON.stringify(buildResult(cfg, runModel(cfg)));
  const lines: string[] = [];
  for (const fit of [undefined, ["N0", "rate"]]) {
    const times: number[] = [], fits: number[] = [];
    let evals = 0, n0 = 0, points = 0;
    for (let rep = 0; rep < 7; rep++) {
      const t0 = performance.now();
      const p = plan([parseObserved(json, "fig7.json")], { model: "resource", fit });
      const t1 = performance.now();
      const r = calibrate(p, { model: "resource" });
      const t2 = performance.now();
      times.push(t2 - t0);
      fits.push(t2 - t1);
      evals = r.search.evaluations;
      n0 = r.params.N0;
      points = r.n_points;
    }
    const ms = median(times), fitMs = median(fits);
    lines.push(
      `calibrate --fit ${fit ? fit.join(",") : "N0 (default)"}: ${points} points, ${evals} model runs, ` +
        `${ms.toFixed(1)} ms median of 7 (min ${Math.min(...times).toFixed(1)} ms; reading and planning ${(ms - fitMs).toFixed(1)} ms, ` +
        `${((fitMs * 1000) / evals).toFixed(1)} us/model run); N0 = ${n0.toPrecision(4)}; goal < 1000 ms`,
    );
  }
  return { text: lines.join("\n") };
}

/** Fig 7: every run of each config's sweep, calibrated; a markdown table per config. */
function fig7(files: string[]): string {
  const out: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const sp = planSweep(text, { file });
    sp.validate(Array.from({ length: sp.total }, (_, i) => i));
    const key = sp.keys.find((k) => k.key !== "seed")!.key;
    const rows = new Map<string, { seed: unknown; N0: number; rmse: number }[]>();
    for (let id = 0; id < sp.total; id++) {
      const run = sp.run(id);
      const json = JSON.stringify(buildResult(run.cfg, runModel(run.cfg)));
      const r = calibrate(plan([parseObserved(json, `${file}#${id}`)], { model: "resource" }), { model: "resource" });
      const v = JSON.stringify(run.overrides[key]);
      if (!rows.has(v)) rows.set(v, []);
      rows.get(v)!.push({ seed: run.overrides.seed, N0: r.params.N0, rmse: r.rmse });
      process.stderr.write(`${file} run ${id}: ${key}=${v} seed=${String(run.overrides.seed)} N0=${r.params.N0.toPrecision(4)} rmse=${r.rmse.toPrecision(3)}\n`);
    }
    out.push(`${file}`, "", `| ${key} | fitted N0 per seed | mean N0 | rmse |`, "| --- | --- | --- | --- |");
    for (const [v, rs] of rows) {
      const mean = rs.reduce((a, b) => a + b.N0, 0) / rs.length;
      const rm = rs.map((x) => x.rmse);
      out.push(`| ${v} | ${rs.map((x) => x.N0.toPrecision(3)).join(", ")} | ${mean.toPrecision(3)} | ${Math.min(...rm).toPrecision(2)}-${Math.max(...rm).toPrecision(2)} |`);
    }
    out.push("");
  }
  return out.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv[2] === "fig7") process.stdout.write(fig7(process.argv.slice(3)) + "\n");
  else process.stdout.write((await benchCalibrate()).text + "\n");
}
