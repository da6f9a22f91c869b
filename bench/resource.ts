/**
 * Resource-model ODE speed against SciPy's solve_ivp(RK45, dense_output=True), the peer in
 * bench/peers/resource_scipy.py: n = 10 skills, p_i ∝ i^-2, rate = 2*3e-4*sqrt(1000),
 * N0 = 0.003, u(0) = 1, T = 1000, rtol = 1e-8, atol = 1e-12. Ours also samples 200 points
 * on the dense output (SciPy only builds its interpolant), so ours does at least as much work.
 * Both use the same step control, so nfev should agree; s_end = 1 - u(T) shows both solved
 * the same problem.
 *
 *   node dist/bench/resource.js
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { solveAt, type Rhs, type SolveAtResult } from "../src/engine/ode.js";

const N = 10, T = 1000, RTOL = 1e-8, ATOL = 1e-12, N0 = 0.003, SAMPLES = 200, SCIPY_REPS = 20;

/** du_i/dt = -rate p_i u_i^+ / (Σ p_j u_j^+ + N0), u^+ = max(u, 0): as rhs_factory in the peer. */
function resourceRhs(n: number): Rhs {
  const p = new Float64Array(n);
  let ps = 0;
  for (let i = 0; i < n; i++) ps += p[i] = (i + 1) ** -2;
  for (let i = 0; i < n; i++) p[i] /= ps;
  const rate = 2 * 3e-4 * Math.sqrt(1000);
  const c = new Float64Array(n);
  return (_t, u, d) => {
    let s = N0;
    for (let i = 0; i < n; i++) {
      const ci = p[i] * (u[i] > 0 ? u[i] : 0);
      c[i] = ci;
      s += ci;
    }
    const q = -rate / s;
    for (let i = 0; i < n; i++) d[i] = q * c[i];
  };
}

function solveOnce(f: Rhs, times: Float64Array): SolveAtResult {
  return solveAt(f, 0, new Float64Array(N).fill(1), times, { rtol: RTOL, atol: ATOL });
}

interface ScipyRun { ms: number; nfev: number | null; s0: string | null; sLast: string | null }

async function runScipy(): Promise<ScipyRun | string> {
  const script = fileURLToPath(new URL("../../bench/peers/resource_scipy.py", import.meta.url));
  if (!existsSync(script)) return `SciPy peer not found at ${script}`;
  try {
    const args = [script, String(N), String(T), String(RTOL), String(SCIPY_REPS)];
    const { stdout } = await promisify(execFile)("python3", args, { timeout: 300_000 });
    const ms = /ms\/solve=([\d.eE+-]+)/.exec(stdout);
    if (!ms) return `could not parse SciPy output: ${stdout.trim()}`;
    return {
      ms: Number(ms[1]),
      nfev: Number(/nfev=(\d+)/.exec(stdout)?.[1] ?? NaN) || null,
      s0: /s_end\[0\]=(\S+)/.exec(stdout)?.[1] ?? null,
      sLast: /s_end\[-1\]=(\S+)/.exec(stdout)?.[1] ?? null,
    };
  } catch (e) {
    return `python3 run failed: ${(e as Error).message.split("\n")[0]}`;
  }
}

export interface ResourceBench {
  ours_ms: number;
  scipy_ms: number | null;
  ratio: number | null;
  text: string;
}

export async function benchResource(): Promise<ResourceBench> {
  const f = resourceRhs(N);
  const times = new Float64Array(SAMPLES);
  for (let k = 0; k < SAMPLES; k++) times[k] = (T * k) / (SAMPLES - 1);

  // Warm up (JIT), then the median over batches of the mean time per solve.
  let sol = solveOnce(f, times);
  for (let i = 0; i < 200; i++) sol = solveOnce(f, times);
  const batch = 100, perBatch: number[] = [];
  for (let b = 0; b < 11; b++) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) sol = solveOnce(f, times);
    perBatch.push((performance.now() - t0) / batch);
  }
  perBatch.sort((a, b) => a - b);
  const ours = perBatch[perBatch.length >> 1];
  const r = sol.result, last = sol.row(SAMPLES - 1);
  const lines = [
    `resource model n=${N} T=${T} rtol=${RTOL} atol=${ATOL}`,
    `  skillsim dopri5: ${ours.toFixed(3)} ms/solve (${SAMPLES} dense samples; median of 11x${batch})` +
      ` nfev=${r.nfev} accepted=${r.naccept} rejected=${r.nreject} status=${r.status}` +
      ` s_end[0]=${(1 - last[0]).toFixed(10)} s_end[-1]=${(1 - last[N - 1]).toFixed(10)}`,
  ];

  const sc = await runScipy();
  if (typeof sc === "string") {
    lines.push(`  scipy: unavailable (${sc})`);
    return { ours_ms: ours, scipy_ms: null, ratio: null, text: lines.join("\n") };
  }
  const ratio = sc.ms / ours;
  lines.push(
    `  scipy RK45 (dense_output): ${sc.ms.toFixed(2)} ms/solve (${SCIPY_REPS} solves) nfev=${sc.nfev}` +
      ` s_end[0]=${sc.s0} s_end[-1]=${sc.sLast}`,
    `  speed-up scipy/ours: ${ratio.toFixed(1)}x (goal >= 20x)`,
  );
  return { ours_ms: ours, scipy_ms: sc.ms, ratio, text: lines.join("\n") };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log((await benchResource()).text);
}
