/**
 * `npm run bench`: skillsim against the NumPy/SciPy peers in bench/peers/, side by side
 * on this machine, reported as ratios. Timing lives here, never in tests' pass/fail.
 * Usage: npm run bench [-- resource geometry fit sweep calibrate network table fig10]   (default:
 * all but fig10; `table` is the issue-20 table of every workload against its peer, see ./table.ts;
 * `fig10` projects the paper's full Fig 10 from a measured slice, see ./geometry.ts)
 */
import { benchCalibrate } from "./calibrate.js";
import { benchFit } from "./fit.js";
import { benchFig10Projection, benchGeometry, benchGeometryProcess } from "./geometry.js";
import { benchNetwork } from "./network.js";
import { benchResource } from "./resource.js";
import { benchSweep } from "./sweep.js";
import { benchTable } from "./table.js";

const benches: Record<string, () => Promise<{ text: string }>> = {
  resource: benchResource,
  geometry: async () => {
    const kernels = await benchGeometry();
    const processes = benchGeometryProcess(undefined, 3, [{ name: "skillsim run, float32", set: ["precision=float32"] }]);
    return { text: `${kernels.text}\n${processes.text}` };
  },
  fit: benchFit,
  sweep: benchSweep,
  calibrate: benchCalibrate,
  network: async () => {
    const parity = await benchNetwork("parity");
    const modular = await benchNetwork("modular");
    return { text: `${parity.text}
${modular.text}` };
  },
  // Last: the issue-20 table, every workload against its peer in one run.
  table: () => benchTable(),
  // Only when named (a few minutes): the full Fig 10's projected wall time from a measured slice.
  fig10: async () => benchFig10Projection(),
};

const wanted = process.argv.slice(2).filter((a) => a in benches);
const names = wanted.length ? wanted : Object.keys(benches).filter((b) => b !== "fig10");
for (const name of names) {
  process.stderr.write(`bench ${name}: running...\n`);
  try {
    const r = await benches[name]();
    process.stdout.write(`== ${name}\n${r.text.trimEnd()}\n\n`);
  } catch (e) {
    process.stdout.write(`== ${name}\nfailed: ${(e as Error).message}\n\n`);
    process.exitCode = 1;
  }
}
