/**
 * Sweep throughput: the same sweep with --jobs 1 (in-process) and --jobs 2 (two worker
 * threads), through runSweep exactly as the CLI runs it (lines appended to a file). The aim
 * is a speed-up of at least 1.8x on 2 cores.
 *
 *   throughput  runs/s once every thread is warm: from the WARM-th finished run to the last
 *               (a long sweep's rate; the reported runs_per_s and speedup)
 *   whole call  runs / wall time of runSweep, which also pays for config validation, worker
 *               start-up and each worker's first, cold run (JIT and WebAssembly compilation:
 *               ~0.3 s for a Geometry run that takes ~0.03 s warm), so short sweeps gain less
 *
 * Runs: Geometry (ce loss, 200 random skill vectors, params 100, batch 256, adam lr 0.01,
 * 2000 steps), seed swept over SEEDS values; if `runModel` cannot run the Geometry model,
 * Resource runs with 200000 steps stand in. --jobs 1 and --jobs 2 alternate ROUNDS times so
 * that a change in the machine's load hits both alike; medians are reported. Both outputs
 * are checked to hold the same lines. On a shared machine a second thread may not get a
 * core of its own: the last line measures that ceiling with a pure arithmetic loop.
 *
 *   node dist/bench/sweep.js
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { loadConfig } from "../src/config/load.js";
import { runModel } from "../src/models/index.js";
import { planSweep } from "../src/sweep/grid.js";
import { runSweep } from "../src/sweep/run.js";

const SEEDS = 96;
const ROUNDS = 3;
const WARM = 8; // finished runs not counted in the throughput (4 per worker with --jobs 2)

const seeds = `[${Array.from({ length: SEEDS }, (_, i) => i).join(", ")}]`;

const GEOMETRY = `model: geometry
loss: ce
skills: {count: 200, vectors: random}
params: 100
batch: 256
optimizer: adam
lr: 0.01
steps: 2000
sweep: {seed: ${seeds}}
`;

const RESOURCE = `model: resource
skills: {count: 10, frequencies: {zipf: 2}}
N0: 0.1
steps: 200000
sweep: {seed: ${seeds}}
`;

function median(xs: number[]): number {
  const a = [...xs].sort((x, y) => x - y);
  return a.length % 2 ? a[a.length >> 1] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
}

function geometryRuns(): boolean {
  try {
    runModel(loadConfig("model: geometry\nskills: {count: 2}\nparams: 4\nsteps: 2\n", { file: "<bench>" }));
    return true;
  } catch {
    return false;
  }
}

/**
 * The most a second thread can give on this machine right now: a pure arithmetic loop on 1
 * and on 2 threads. On a shared or busy machine this is well under 2, and so is any sweep's
 * speed-up; it tells a slow sweep from a busy machine.
 */
async function cpuScaling(): Promise<number> {
  const code = `const { parentPort } = require("node:worker_threads");
parentPort.on("message", (n) => { let x = 0; for (let i = 0; i < n; i++) x += Math.sqrt(i); parentPort.postMessage(x); });`;
  const rate = async (k: number) => {
    const ws = Array.from({ length: k }, () => new Worker(code, { eval: true }));
    await Promise.all(ws.map((w) => new Promise((r) => (w.once("message", r), w.postMessage(1e6))))); // started and warm
    const t0 = performance.now();
    await Promise.all(ws.map((w) => new Promise((r) => (w.once("message", r), w.postMessage(2e8)))));
    const s = (performance.now() - t0) / 1000;
    await Promise.all(ws.map((w) => w.terminate()));
    return k / s;
  };
  const one = await rate(1);
  return (await rate(2)) / one;
}

export interface SweepBench {
  /** Warm throughput (runs/s), median over the rounds. */
  jobs1_runs_per_s: number;
  jobs2_runs_per_s: number;
  /** Median over the rounds of jobs2/jobs1 warm throughput. */
  speedup: number;
  /** The same ratio for whole runSweep calls (start-up included). */
  whole_call_speedup: number;
  /** The same ratio for a pure arithmetic loop: the ceiling this machine allows right now. */
  cpu_scaling: number;
  text: string;
}

export async function benchSweep(): Promise<SweepBench> {
  const geometry = geometryRuns();
  const plan = planSweep(geometry ? GEOMETRY : RESOURCE, { file: "<bench>" });
  const dir = mkdtempSync(join(tmpdir(), "skillsim-bench-sweep-"));
  try {
    const warm: Record<1 | 2, number[]> = { 1: [], 2: [] };
    const whole: Record<1 | 2, number[]> = { 1: [], 2: [] };
    const outputs: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const jobs of [1, 2] as const) {
        const out = join(dir, `r${round}-jobs${jobs}.jsonl`);
        const finishedAt: number[] = [];
        const t0 = performance.now();
        const s = await runSweep(plan, { out, jobs, onProgress: (done) => done > 0 && finishedAt.push(performance.now()) });
        const t1 = performance.now();
        whole[jobs].push(s.finished / ((t1 - t0) / 1000));
        warm[jobs].push((s.finished - WARM) / ((finishedAt[s.finished - 1] - finishedAt[WARM - 1]) / 1000));
        if (round === 0) outputs.push(readFileSync(out, "utf8").split("\n").filter(Boolean).sort().join("\n"));
      }
    }
    if (outputs[0] !== outputs[1]) throw new Error("--jobs 1 and --jobs 2 wrote different lines");
    const ratios = warm[2].map((r, i) => r / warm[1][i]);
    const wholeRatios = whole[2].map((r, i) => r / whole[1][i]);
    const r1 = median(warm[1]);
    const r2 = median(warm[2]);
    const speedup = median(ratios);
    const wholeSpeedup = median(wholeRatios);
    const ceiling = await cpuScaling();
    const what = geometry
      ? "geometry ce, 200 random skills, params 100, batch 256, adam lr 0.01, 2000 steps"
      : "resource, 10 skills, N0 0.1, 200000 steps (stand-in: runModel cannot run geometry here)";
    const f = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(", ");
    const text = [
      `sweep of ${plan.total} runs (${what}; seed swept), ${availableParallelism()} CPUs available, ${ROUNDS} rounds`,
      `  warm throughput   --jobs 1 (in-process): ${r1.toFixed(1)} runs/s   --jobs 2 (2 workers): ${r2.toFixed(1)} runs/s`,
      `  speed-up: ${speedup.toFixed(2)}x (rounds: ${f(ratios)}; goal >= 1.8x on 2 cores)`,
      `  whole runSweep call (start-up included): ${wholeSpeedup.toFixed(2)}x (rounds: ${f(wholeRatios)})`,
      `  this machine now: 2 threads of pure arithmetic give ${ceiling.toFixed(2)}x one thread (the ceiling; < 1.9 means other work shares the CPUs)`,
    ].join("\n");
    return { jobs1_runs_per_s: r1, jobs2_runs_per_s: r2, speedup, whole_call_speedup: wholeSpeedup, cpu_scaling: ceiling, text };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log((await benchSweep()).text);
}
