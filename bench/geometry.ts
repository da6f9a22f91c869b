/**
 * Geometry-model speed against the NumPy peer (bench/peers/geometry_numpy.py), measured
 * side by side on this machine: the paper's scaling-law setting (ce loss, n = 1000 random
 * skill vectors, zipf 1, batch 1024, adam lr 0.01) at N = 220 for 20,000 steps.
 *
 *   node dist/bench/geometry.js [steps] [--js]     (--js: time the JavaScript fallback kernels)
 *   node dist/bench/geometry.js [steps] --process  (whole processes against the C peer, 5 runs each)
 *   node dist/bench/geometry.js --fig10            (the full Fig 10's projected wall time from a measured slice)
 *
 * Wall-clock us/step is what the peer prints; CPU time is shown too because it is steadier
 * when the machine is busy. Both runs are single-threaded on our side. The run is timed with
 * exact timelines (as every run has them) and, side by side, with thresholds checked only at
 * the recorded steps (the cost before timelines were exact); their ratio is the exact
 * timeline's cost (budget: 1.3x).
 */
import type { GeometryConfig } from "../src/config/schema.js";
import {
  lastGeometryTimelineStats,
  runGeometry,
  type GeometryTimeline,
} from "../src/models/geometry/model.js";
import type { ModelOutput } from "../src/models/types.js";
import { range, runPeer, type PeerResult } from "./peer.js";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { useKernels, lastKernels, type KernelChoice } from "../src/engine/kernels.js";
import { planSweep } from "../src/sweep/grid.js";

const N = 220;
const STEPS = 20000;

export function benchConfig(steps = STEPS): GeometryConfig {
  return {
    model: "geometry",
    seed: 0,
    params: N,
    lr: 0.01,
    steps,
    record: { points: 50, spacing: "log" },
    skills: { count: 1000, frequencies: { zipf: 1 }, vectors: "random" },
    loss: "ce",
    batch: 1024,
    noise: 0,
    optimizer: { name: "adam", beta1: 0.9, beta2: 0.999, eps: 1e-8 },
    diagnostics: false,
    timeline: { onset: 0.1, half: 0.5, learned: 0.9, on: "progress" },
  };
}

function numpyPeer(steps: number): PeerResult | null {
  return runPeer("geometry_numpy.py", [String(N), String(steps)], steps);
}

/** One timed run: wall-clock and CPU us/step. */
export function timed(steps: number, mode: GeometryTimeline, precision?: "float32"): { us: number; cpuUs: number; out: ModelOutput } {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const out = runGeometry({ ...benchConfig(steps), precision }, {}, mode);
  const us = Number(process.hrtime.bigint() - t0) / 1e3 / steps;
  const cpu = process.cpuUsage(c0);
  return { us, cpuUs: (cpu.user + cpu.system) / steps, out };
}

export async function benchGeometry(
  steps = STEPS,
  kernels: KernelChoice = "auto",
): Promise<{ ours_us: number; numpy_us: number | null; ratio: number | null; exactCost: number; text: string }> {
  useKernels("geometry", kernels);
  runGeometry(benchConfig(500)); // warm-up: let V8 optimise the hot loops first
  runGeometry(benchConfig(500), {}, "recorded-only");
  // Exact timelines (every run) against thresholds checked at recorded steps only (what a run
  // cost before timelines were exact), interleaved twice; the faster of each pair is kept,
  // as the machine's neighbours only ever add time.
  runGeometry({ ...benchConfig(500), precision: "float32" });
  const exactRuns = [], coarseRuns = [], f32Runs = [];
  for (let r = 0; r < 2; r++) {
    coarseRuns.push(timed(steps, "recorded-only"));
    exactRuns.push(timed(steps, "exact"));
    f32Runs.push(timed(steps, "exact", "float32"));
  }
  const best = (rs: ReturnType<typeof timed>[]) => rs.reduce((a, b) => (b.cpuUs < a.cpuUs ? b : a));
  const exactRun = best(exactRuns), coarseRun = best(coarseRuns), f32Run = best(f32Runs);
  const stats = lastGeometryTimelineStats();
  const out = exactRun.out;
  const ours_us = exactRun.us;
  const oursCpuUs = exactRun.cpuUs;
  const exactCost = exactRun.cpuUs / coarseRun.cpuUs;
  const used = lastKernels("geometry");
  useKernels("geometry", "auto");
  const peer = numpyPeer(steps);
  const numpy_us = peer ? peer.us : null;
  const ratio = numpy_us === null ? null : numpy_us / ours_us;
  const distinct = out.extra.meanDistinctSkillsPerStep as number;
  const row = (name: string, us: number, cpuUs: number, loss: number) =>
    `  ${name.padEnd(18)} ${us.toFixed(1).padStart(7)} us/step  ${(1e6 / us).toFixed(0).padStart(6)} steps/s  (cpu ${cpuUs.toFixed(1)} us/step)  final loss ${loss.toFixed(5)}`;
  const lines = [
    `geometry: N=${N}, n=1000 random, zipf 1, ce, batch 1024, adam lr 0.01, ${steps} steps (${distinct.toFixed(0)} distinct skills/step)`,
    row(`skillsim (${used})`, ours_us, oursCpuUs, out.final.loss),
    row("  recorded-only", coarseRun.us, coarseRun.cpuUs, coarseRun.out.final.loss),
    row("  float32", f32Run.us, f32Run.cpuUs, f32Run.out.final.loss),
    `  float32: ${(exactRun.cpuUs / f32Run.cpuUs).toFixed(2)}x the float64 run (cpu time; wall ${(exactRun.us / f32Run.us).toFixed(2)}x; goal at least 1.6x), ` +
      `final loss ${Math.abs(f32Run.out.final.loss - out.final.loss).toExponential(1)} from float64's`,
    `  exact timelines cost ${exactCost.toFixed(3)}x the recorded-only run (cpu time; wall ${(exactRun.us / coarseRun.us).toFixed(3)}x; budget 1.3x): ` +
      `${stats ? `${stats.checkpoints} checkpoints, ${stats.dueDotsPerStep.toFixed(1)} due-skill dot products/step` : ""}`,
    peer ? row("numpy", peer.us, peer.cpuUs, peer.loss) : "  numpy    (peer not available: python3 with numpy needed for bench/peers/geometry_numpy.py)",
    ratio === null ? "" : `  speed-up  ${ratio.toFixed(2)}x NumPy wall-clock (cpu-time ratio ${(peer!.cpuUs / oursCpuUs).toFixed(2)}x), single-threaded`,
  ];
  return { ours_us, numpy_us, ratio, exactCost, text: lines.filter((l) => l).join("\n") };
}

// ---------------------------------------------------------------------------------------
// Whole processes: `skillsim run` (start-up, config, the run, the JSON report) against the C
// peer (bench/peers/geometry_c.c, the same sparse-batch algorithm, no timeline, no trace).

/** The scaling setting as a YAML config (what a user would run). */
function scalingYaml(steps: number): string {
  return [
    "model: geometry",
    "seed: 0",
    `params: ${N}`,
    "lr: 0.01",
    `steps: ${steps}`,
    "record: {points: 50, spacing: log}",
    "skills: {count: 1000, frequencies: {zipf: 1}, vectors: random}",
    "loss: ce",
    "batch: 1024",
    "optimizer: adam",
    "",
  ].join("\n");
}

/** Wall and CPU seconds of one child process (CPU: the shell's `times` for its children). */
function processTime(cmd: string[]): { wall: number; cpu: number } {
  const quoted = cmd.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  const t0 = process.hrtime.bigint();
  const r = spawnSync("/bin/sh", ["-c", `${quoted} >/dev/null || exit 1; times`], { encoding: "utf8" });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd.join(" ")} failed: ${r.stderr.trim()}`);
  const m = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s\s*$/.exec(r.stdout.trim());
  if (!m) throw new Error(`cannot read the CPU time of ${cmd[0]}`);
  return { wall, cpu: 60 * Number(m[1]) + Number(m[2]) + 60 * Number(m[3]) + Number(m[4]) };
}

/** Compile bench/peers/geometry_c.c with cc -O3 -march=native; the binary, or why not. */
function buildCPeer(dir: string): { bin: string } | { reason: string } {
  const src = fileURLToPath(new URL("../../bench/peers/geometry_c.c", import.meta.url));
  if (!existsSync(src)) return { reason: "bench/peers/geometry_c.c missing" };
  const bin = join(dir, "geometry_c");
  const r = spawnSync("cc", ["-O3", "-march=native", "-o", bin, src, "-lm"], { encoding: "utf8" });
  if (r.error) return { reason: "no C compiler (cc) on this machine" };
  if (r.status !== 0) return { reason: `cc failed: ${r.stderr.trim().split("\n")[0]}` };
  return { bin };
}

/**
 * The scaling setting as whole processes, `reps` times each, interleaved: skillsim run
 * (exact timelines, --json), its fixed cost (steps=1), and the C limit. Ranges, not means: on a
 * shared machine the neighbours only ever add time. Ratios: skillsim / C, best against best
 * and over the range (goal: at most 1.5x).
 */
export function benchGeometryProcess(steps = STEPS, reps = 3, extra: { name: string; set: string[] }[] = []): { text: string } {
  const dir = mkdtempSync(join(tmpdir(), "skillsim-bench-"));
  try {
    const cfgFile = join(dir, "scaling.yaml");
    writeFileSync(cfgFile, scalingYaml(steps));
    const bin = fileURLToPath(new URL("../../bin/skillsim.js", import.meta.url));
    const peer = buildCPeer(dir);
    const ours = (set: string[]) => [process.execPath, bin, "run", cfgFile, "--json", "-q", ...set.flatMap((s) => ["--set", s])];
    const rows: { name: string; cmd: string[] }[] = [
      { name: "skillsim run", cmd: ours([]) },
      ...extra.map((e) => ({ name: e.name, cmd: ours(e.set) })),
      { name: "  fixed cost, steps=1", cmd: ours(["steps=1"]) },
    ];
    if ("bin" in peer) rows.push({ name: "C -O3 -march=native", cmd: [peer.bin, String(N), String(steps)] });
    const times = rows.map(() => [] as { wall: number; cpu: number }[]);
    for (let r = 0; r < reps; r++) rows.forEach((row, k) => times[k].push(processTime(row.cmd)));
    const lines = [`geometry, whole processes: the scaling setting (N=${N}, 1000 random skills, zipf 1, ce, batch 1024, adam, ${steps} steps, exact timelines), ${reps} runs each`];
    rows.forEach((row, k) => {
      const w = times[k].map((t) => t.wall), c = times[k].map((t) => t.cpu);
      lines.push(`  ${row.name.padEnd(28)} wall ${range(w).padStart(9)} s   cpu ${range(c).padStart(9)} s`);
    });
    const c = "bin" in peer ? times[times.length - 1] : null;
    if (c) {
      const cWall = c.map((t) => t.wall), cCpu = c.map((t) => t.cpu);
      for (let k = 0; k < rows.length - 2; k++) {
        const w = times[k].map((t) => t.wall), u = times[k].map((t) => t.cpu);
        lines.push(
          `  ${rows[k].name.trim()} / C: wall ${(Math.min(...w) / Math.min(...cWall)).toFixed(2)}x best-to-best (${(Math.min(...w) / Math.max(...cWall)).toFixed(2)}-${(Math.max(...w) / Math.min(...cWall)).toFixed(2)}x), ` +
            `cpu ${(Math.min(...u) / Math.min(...cCpu)).toFixed(2)}x (${(Math.min(...u) / Math.max(...cCpu)).toFixed(2)}-${(Math.max(...u) / Math.min(...cCpu)).toFixed(2)}x); goal at most 1.5x`,
        );
      }
    } else lines.push(`  C peer skipped: ${(peer as { reason: string }).reason}`);
    return { text: lines.join("\n") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}


// ---------------------------------------------------------------------------------------
// The paper's full Fig 10 (configs/paper/fig10-full.yaml: 3,200 runs of 100,000 steps):
// too long to run in a bench on a shared 2-core machine, so a PROJECTION from a measured slice.

const FIG10 = fileURLToPath(new URL("../../configs/paper/fig10-full.yaml", import.meta.url));

/** CPU seconds of runGeometry on a config, in this process. */
function runCpu(cfg: GeometryConfig): number {
  const c0 = process.cpuUsage();
  runGeometry(cfg);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

/**
 * The projection: (1) the cost of each (optimizer, zipf, N) cell, in this process: a run of
 * `short` steps and one of `short / 10` at N = 20, 500 and 1000, seed 0, giving the set-up
 * and the per-step CPU time; every cell of the grid (N = 20, 40, ..., 1000) interpolated
 * linearly in N between them (the step's cost is linear in N: dot products, accumulation,
 * optimizer); the 3,200 runs' CPU time summed (four seeds each). (2) Measured, as one sweep
 * of whole processes with --jobs 2: full-length runs of both optimizers at the largest N
 * (zipf 1, seed 0), against what (1) predicts for them, and the CPU/wall ratio the two worker
 * threads reach; every cell is scaled by measured / predicted there (the first steps, where
 * the exact timeline has most to evaluate, cost more than the average step of a long run).
 * (3) `sweep --dry-run` of the whole grid (planning and validating 3,200 configs). Projected
 * wall time = summed CPU / cpu-per-wall-second + the dry run, at 2 (both cores ours) and at
 * the sweep's measured --jobs 2 scaling. Both precisions.
 */
export function benchFig10Projection(short = 4000, precisions: ("float64" | "float32")[] = ["float64", "float32"]): { text: string } {
  const text = readFileSync(FIG10, "utf8");
  const plan = planSweep(text, { file: FIG10 });
  const bin = fileURLToPath(new URL("../../bin/skillsim.js", import.meta.url));
  const lines = [`fig10-full: ${plan.total} runs (${plan.keys.map((k) => `${k.key} x${k.values.length}`).join(", ")}), ${(plan.run(0).cfg as GeometryConfig).steps} steps each; load average ${loadavg().map((x) => x.toFixed(1)).join(" ")}`];
  const NS = [20, 500, 1000];
  const dir = mkdtempSync(join(tmpdir(), "skillsim-fig10-"));
  try {
    const dry = processTime([process.execPath, bin, "sweep", FIG10, "--dry-run"]);
    lines.push(`  sweep --dry-run of the whole grid: wall ${dry.wall.toFixed(2)} s, cpu ${dry.cpu.toFixed(2)} s (measured)`);
    for (const precision of precisions) {
      // (1) per-cell cost
      const cell = new Map<string, { setup: number; perStep: number }>();
      const key = (opt: string, zipf: number, N: number) => `${opt} ${zipf} ${N}`;
      const base = plan.run(0).cfg as GeometryConfig;
      runGeometry({ ...base, steps: 200, params: 100, precision }); // warm-up
      for (const opt of ["signgd", "adam"] as const)
        for (const zipf of [0.5, 1, 1.2, 1.4, 1.6, 1.8, 2, 4])
          for (const N of NS) {
            const cfg: GeometryConfig = { ...base, optimizer: { name: opt }, params: N, skills: { ...base.skills, frequencies: { zipf } }, seed: 0, precision };
            const a = runCpu({ ...cfg, steps: short / 10 }), b = runCpu({ ...cfg, steps: short });
            const perStep = Math.max(0, (b - a) / (short - short / 10));
            cell.set(key(opt, zipf, N), { setup: Math.max(0, a - (perStep * short) / 10), perStep });
          }
      const predict = (opt: string, zipf: number, N: number, steps: number): number => {
        let lo = NS[0], hi = NS[NS.length - 1];
        for (let k = 0; k + 1 < NS.length; k++) if (N >= NS[k] && N <= NS[k + 1]) [lo, hi] = [NS[k], NS[k + 1]];
        const A = cell.get(key(opt, zipf, lo))!, B = cell.get(key(opt, zipf, hi))!;
        const f = hi === lo ? 0 : (N - lo) / (hi - lo);
        return A.setup + (B.setup - A.setup) * f + steps * (A.perStep + (B.perStep - A.perStep) * f);
      };
      let total = 0;
      for (let id = 0; id < plan.total; id++) {
        const o = plan.overridesOf(id) as Record<string, number | string>;
        total += predict(String(o.optimizer), Number(o["skills.frequencies.zipf"]), Number(o.params), base.steps);
      }
      const us = (opt: string, N: number) => [0.5, 1, 2, 4].map((z) => `zipf ${z}: ${(cell.get(key(opt, z, N))!.perStep * 1e6).toFixed(0)}`).join(", ");
      lines.push(`  ${precision}: per-step CPU us at N=1000 (${short}-step runs, in-process) signgd ${us("signgd", 1000)}; adam ${us("adam", 1000)}`);
      // (2) full-length runs at the largest N as one sweep, whole process, --jobs 2
      const out = join(dir, `${precision}.jsonl`);
      const sets = ["sweep.params=[1000]", "sweep.seed=[0]", "sweep.skills.frequencies.zipf=[1]", `precision=${precision}`];
      const sw = processTime([process.execPath, bin, "sweep", FIG10, "--jobs", "2", "-q", "--out", out, ...sets.flatMap((s) => ["--set", s])]);
      const predicted = predict("signgd", 1, 1000, base.steps) + predict("adam", 1, 1000, base.steps);
      const efficiency = sw.cpu / sw.wall; // worker threads busy per wall second
      lines.push(
        `  ${precision}: measured, one sweep of 2 full-length runs (signgd and adam, N=1000, zipf 1, ${base.steps} steps), --jobs 2: wall ${sw.wall.toFixed(1)} s, cpu ${sw.cpu.toFixed(1)} s ` +
          `(the in-process cell costs predict ${predicted.toFixed(1)} s cpu: ratio ${(sw.cpu / predicted).toFixed(2)}); cpu/wall ${efficiency.toFixed(2)}`,
      );
      // The full-length runs are the ground truth at the largest N: scale every cell by them
      // (short runs start where the exact timeline has most to evaluate).
      const scale = sw.cpu / predicted;
      const cpuH = (total * scale) / 3600;
      const at = (eff: number) => `${(cpuH / eff + dry.wall / 3600).toFixed(2)} h at cpu/wall ${eff.toFixed(2)}`;
      lines.push(
        `  ${precision}: PROJECTION (not measured): the grid's summed CPU ${cpuH.toFixed(2)} h (the cells' ${(total / 3600).toFixed(2)} h x ${scale.toFixed(2)}, the full-length check); ` +
          `wall on 2 cores: ${at(2)} (both cores ours), ${at(1.7)} (the sweep's --jobs 2 scaling on a quiet machine, docs/bench.md), ${at(Math.min(2, efficiency))} (this bench's, load-dependent); goal: at most 2 h`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { text: lines.join("\n") };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const stepsArg = args.find((a) => /^\d+$/.test(a));
  const steps = stepsArg ? Number(stepsArg) : STEPS;
  if (args.includes("--fig10")) console.log(benchFig10Projection(stepsArg ? steps : undefined).text);
  else if (args.includes("--process")) console.log(benchGeometryProcess(steps, 5, [{ name: "skillsim run, float32", set: ["precision=float32"] }]).text);
  else console.log((await benchGeometry(steps, args.includes("--js") ? "js" : "auto")).text);
}
