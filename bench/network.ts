/**
 * Network-model speed against the NumPy peers (bench/peers/network_numpy.py), side by side on
 * this machine, single-threaded on both sides (the peer limits OpenBLAS to one thread):
 *   parity   the paper's Fig 2 setting: 32-50-2 ReLU, 10,000 samples, full batch, Adam,
 *            masked mse (accuracy of every task read every step), against the lean NumPy
 *            loop (issue 20's goal: at least 1.5x) and the bench peer
 *   modular  Fig 13: (a + b) mod 59, embedding 128, 256-100-100-59 SiLU, ce, full batch of
 *            80% of the pairs, AdamW; held-out accuracy every step (goal: at least 1x the peer)
 *
 *   node dist/bench/network.js [parity|modular] [steps] [--js]   (--js: JavaScript kernels)
 *
 * CPU time per step, skillsim and each peer interleaved, `repeats` times (ranges; the ratio
 * range is that of the pairs). Both sides time their training loop: the peer's own loop
 * (cpu_us/step, without Python's start-up, NumPy's import and its data generation), skillsim's
 * whole runNetwork in this process (its data generation and set-up included).
 */
import { loadConfig } from "../src/config/load.js";
import { runNetwork } from "../src/models/network/model.js";
import type { NetworkConfig } from "../src/config/schema.js";
import { range, runPeer, type PeerResult } from "./peer.js";
import { useKernels, lastKernels, type KernelChoice } from "../src/engine/kernels.js";

const SETTINGS = {
  parity: {
    steps: 300,
    peers: ["parity-lean", "parity"],
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
    peers: ["modular"],
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

function peer(name: string, steps: number): PeerResult | null {
  return runPeer("network_numpy.py", [name, String(steps)], steps, { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" });
}

export async function benchNetwork(setting: Setting = "parity", steps?: number, kernels: KernelChoice = "auto", repeats = 3): Promise<{ text: string; ratio: number | null }> {
  const s = SETTINGS[setting];
  const n = steps ?? s.steps;
  const config = (k: number) => loadConfig(s.yaml, { file: "<bench>", sets: [`steps=${k}`] }) as NetworkConfig;
  useKernels("dense", kernels);
  try {
    runNetwork(config(5)); // warm-up
    const ours: number[] = [], losses: number[] = [];
    const theirs = s.peers.map(() => ({ cpu: [] as number[], ratio: [] as number[], loss: NaN }));
    for (let r = 0; r < repeats; r++) {
      const c0 = process.cpuUsage();
      const out = runNetwork(config(n));
      const cpu = process.cpuUsage(c0);
      const ms = (cpu.user + cpu.system) / 1000 / n;
      ours.push(ms);
      losses.push(out.final.loss);
      s.peers.forEach((name, q) => {
        const p = peer(name, n);
        if (!p || !Number.isFinite(p.cpuUs)) return;
        theirs[q].cpu.push(p.cpuUs / 1000);
        theirs[q].ratio.push(p.cpuUs / 1000 / ms);
        theirs[q].loss = p.loss;
      });
    }
    const used = lastKernels("dense");
    const lines = [
      `network ${setting}: ${s.what}, ${n} steps, CPU ms per step, ${repeats} interleaved runs (ranges)`,
      `  ${`skillsim (${used})`.padEnd(26)} ${range(ours).padStart(11)} ms/step  final loss ${losses[0].toPrecision(5)}`,
    ];
    s.peers.forEach((name, q) => {
      const t = theirs[q];
      lines.push(t.cpu.length
        ? `  ${`numpy ${name}`.padEnd(26)} ${range(t.cpu).padStart(11)} ms/step  final loss ${t.loss.toPrecision(5)}  ratio ${range(t.ratio)}x (peer / skillsim)`
        : `  numpy ${name}: not available (python3 with numpy needed for bench/peers/network_numpy.py)`);
    });
    const first = theirs[0].ratio;
    return { text: lines.join("\n"), ratio: first.length ? Math.min(...first) : null };
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
