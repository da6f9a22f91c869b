/**
 * Network-model speed against the NumPy peer (bench/peers/network_numpy.py), side by side on
 * this machine, single-threaded on both sides (the peer limits OpenBLAS to one thread):
 *   parity   the paper's Fig 2 setting: 32-50-2 ReLU, 10,000 samples, full batch, Adam,
 *            masked mse, 1000 steps (accuracy of every task read every step)
 *   modular  Fig 13: (a + b) mod 59, embedding 128, 256-100-100-59 SiLU, ce, full batch of
 *            80% of the pairs, AdamW; held-out accuracy every step; reported per step
 *
 *   node dist/bench/network.js [parity|modular] [steps] [--js]   (--js: JavaScript kernels)
 *
 * Wall-clock is what the peer prints; CPU time is shown too (steadier on a busy machine).
 */
import { loadConfig } from "../src/config/load.js";
import { runNetwork } from "../src/models/network/model.js";
import type { NetworkConfig } from "../src/config/schema.js";
import { runPeer, type PeerResult } from "./peer.js";
import { useKernels, lastKernels, type KernelChoice } from "../src/engine/kernels.js";

const SETTINGS = {
  parity: {
    steps: 1000,
    yaml: `model: network
task: {kind: sparse-parity, bits: 32, samples: 10000, subtasks: [[1, 2], [3, 4]]}
skills: {frequencies: [1, 0.05]}
network: {hidden: [50], activation: relu}
loss: mse
optimizer: adam
lr: 1.0e-3
record: {points: 50}`,
    what: "Fig 2: sparse parity 32-50-2 ReLU, 10,000 samples, full batch, Adam, masked mse",
  },
  modular: {
    steps: 100,
    yaml: `model: network
task: {kind: modular-addition, modulus: 59, train_fraction: 0.8}
network: {hidden: [100, 100], activation: silu, embedding: 128}
loss: ce
optimizer: {name: adamw, weight_decay: 0.03}
lr: 0.01
record: {points: 50}`,
    what: "Fig 13: (a+b) mod 59, embedding 128, 256-100-100-59 SiLU, ce, 2784 pairs full batch, AdamW",
  },
} as const;
type Setting = keyof typeof SETTINGS;

function peer(setting: Setting, steps: number): PeerResult | null {
  return runPeer("network_numpy.py", [setting, String(steps)], steps, { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" });
}

export async function benchNetwork(setting: Setting = "parity", steps?: number, kernels: KernelChoice = "auto"): Promise<{ text: string; ratio: number | null }> {
  const s = SETTINGS[setting];
  const n = steps ?? s.steps;
  const config = (k: number) => loadConfig(s.yaml, { file: "<bench>", sets: [`steps=${k}`] }) as NetworkConfig;
  useKernels("dense", kernels);
  try {
    runNetwork(config(5)); // warm-up
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const out = runNetwork(config(n));
    const us = Number(process.hrtime.bigint() - t0) / 1e3 / n;
    const cpu = process.cpuUsage(c0);
    const cpuUs = (cpu.user + cpu.system) / n;
    const used = lastKernels("dense");
    const p = peer(setting, n);
    const row = (name: string, u: number, c: number, loss: number) =>
      `  ${name.padEnd(18)} ${(u / 1000).toFixed(2).padStart(8)} ms/step  (cpu ${(c / 1000).toFixed(2)} ms/step)  final loss ${loss.toPrecision(5)}`;
    const ratio = p ? p.us / us : null;
    const lines = [
      `network ${setting}: ${s.what}, ${n} steps`,
      row(`skillsim (${used})`, us, cpuUs, out.final.loss),
      p ? row("numpy", p.us, p.cpuUs, p.loss) : "  numpy    (peer not available: python3 with numpy needed for bench/peers/network_numpy.py)",
      ratio === null ? "" : `  speed-up  ${ratio.toFixed(2)}x NumPy wall-clock (cpu-time ratio ${(p!.cpuUs / cpuUs).toFixed(2)}x), single-threaded`,
    ];
    return { text: lines.filter((l) => l).join("\n"), ratio };
  } finally {
    useKernels("dense", "auto");
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const setting = (args.find((a) => a in SETTINGS) ?? "parity") as Setting;
  const stepsArg = args.find((a) => /^\d+$/.test(a));
  const r = await benchNetwork(setting, stepsArg ? Number(stepsArg) : undefined, args.includes("--js") ? "js" : "auto");
  console.log(r.text);
}
