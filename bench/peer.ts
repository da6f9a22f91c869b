import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Running a NumPy peer from bench/peers/ unchanged: the script prints its own wall-clock
 * figures, and this wrapper adds the CPU time of the run (time.process_time around it), which
 * is steadier on a busy machine. runPeer below does it all.
 */
export const PEER_WRAPPER = [
  "import runpy, sys, time",
  "sys.argv = sys.argv[1:]",
  "c = time.process_time()",
  "runpy.run_path(sys.argv[0], run_name='__main__')",
  "print(f'cpu_s={time.process_time() - c}')",
].join("\n");

/**
 * A peer's figures: wall-clock and CPU microseconds per step (the CPU time of its own loop when
 * it prints cpu_us/step=, else of the whole script), and its final loss (NaN if not printed).
 */
export interface PeerResult { us: number; cpuUs: number; loss: number }

/**
 * Run bench/peers/NAME (e.g. "geometry_numpy.py") with args through PEER_WRAPPER and read the
 * `us/step=`, `final_loss=` and `cpu_s=` it prints; null when the script, python3 or NumPy is
 * missing or the run fails.
 */
export function runPeer(name: string, args: string[], steps: number, env: NodeJS.ProcessEnv = process.env): PeerResult | null {
  // dist/bench/peer.js -> <repo>/bench/peers/NAME
  const script = fileURLToPath(new URL(`../../bench/peers/${name}`, import.meta.url));
  if (!existsSync(script)) return null;
  try {
    const out = execFileSync("python3", ["-c", PEER_WRAPPER, script, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env });
    const us = /us\/step=([0-9.]+)/.exec(out);
    const loss = /final_loss=([0-9.eE+-]+)/.exec(out);
    const cpu = /cpu_s=([0-9.eE+-]+)/.exec(out);
    const loopCpu = /cpu_us\/step=([0-9.eE+-]+)/.exec(out); // the peer's own loop, when it says
    if (!us) return null;
    return { us: Number(us[1]), cpuUs: loopCpu ? Number(loopCpu[1]) : cpu ? (Number(cpu[1]) * 1e6) / steps : NaN, loss: loss ? Number(loss[1]) : NaN };
  } catch {
    return null;
  }
}

/** min-max of repeated measurements, with `digits` decimals (one figure when they agree to those). */
export function range(v: number[], digits = 2): string {
  const lo = Math.min(...v), hi = Math.max(...v);
  return lo.toFixed(digits) === hi.toFixed(digits) ? lo.toFixed(digits) : `${lo.toFixed(digits)}-${hi.toFixed(digits)}`;
}
