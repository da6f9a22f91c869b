/**
 * The Resource model as an ODE, du_i/dt = -eta_eff r_i (mse; u_i held at 0 once it reaches 0) or
 * dz_i/dt = eta_eff r_i (ce), integrated by Dormand-Prince 5(4); threshold crossings are located
 * on the dense output, and frequency switches are events that cut the integration into segments.
 */
import { thresholdList } from "../timeline.js";
import { recordTimes } from "../record.js";
import { dopri5, type OdeResult, type StepInfo } from "../../engine/ode.js";
import { CrossingFinder, type EventSpec } from "../../engine/ode-events.js";
import { DivergenceError, type ModelOutput, type RunHooks } from "../types.js";
import type { ResourceDynamics } from "./dynamics.js";
import { newRecorder, output, record, resourceGuard, SwitchLog } from "./output.js";

/** The ODE, integrated by Dormand-Prince 5(4); crossings located on the dense output. */
export function runOde(dyn: ResourceDynamics, hooks: RunHooks, sampleTimes?: number[]): ModelOutput {
  const { n, cfg } = dyn;
  const T = cfg.steps;
  const mse = cfg.loss === "mse";
  const y0 = dyn.initialState();
  const guard = resourceGuard(dyn, y0);
  const times = sampleTimes ?? recordTimes(T, cfg.record, false); // (calibration asks for its own times)
  const rec = newRecorder(n);
  const s = new Float64Array(n);
  const ybuf = new Float64Array(n);
  const th = thresholdList(cfg.timeline);
  const onLevel = cfg.timeline.on === "level";
  // progress pi_i > th  <=>  u_i < 1 - th (mse)  or  z_i > logit((1 + th) / 2) (ce);
  // on: level, s_i > th  <=>  u_i < 1 - th (mse)  or  z_i > logit(th) (ce)
  const level = th.map((x) => (mse ? 1 - x : onLevel ? Math.log(x / (1 - x)) : Math.log((1 + x) / (1 - x))));
  const crossing: (number | null)[][] = th.map(() => new Array(n).fill(null));
  const nextTh = new Int32Array(n);
  const f = (_t: number, y: Float64Array, dydt: Float64Array) => {
    dyn.drive(y, dydt);
    if (mse) for (let i = 0; i < n; i++) dydt[i] = y[i] > 0 ? -dydt[i] : 0;
  };
  let k = 0;
  const sample = (t: number, y: Float64Array) => {
    dyn.levels(y, s);
    const L = dyn.loss(y);
    guard.loss(t, L);
    record(rec, t, L, s);
  };
  if (times[0] === 0) {
    sample(0, y0);
    k++;
  }
  let lastProgress = 0;
  const onStep = (st: StepInfo) => {
    dyn.levels(st.y, s);
    guard.levels(st.t, s);
    while (k < times.length && times[k] <= st.t) {
      st.evaluate(times[k], ybuf);
      sample(times[k], ybuf);
      k++;
    }
    // Threshold crossings: sign change over the step, then a root on the interpolant.
    for (let i = 0; i < n; i++) {
      while (nextTh[i] < 3) {
        const j = nextTh[i];
        const g = (t: number) => (mse ? level[j] - st.component(i, t) : st.component(i, t) - level[j]); // > 0 once crossed
        if (!(g(st.t) > 0)) break;
        crossing[j][i] = g(st.tPrev) > 0 ? st.tPrev : bisectRoot(g, st.tPrev, st.t);
        nextTh[i]++;
      }
    }
    if (hooks.onProgress && st.t - lastProgress > T / 200) {
      lastProgress = st.t;
      hooks.onProgress(st.t, T);
    }
  };
  const odeOpts = {
    rtol: cfg.rtol,
    atol: cfg.atol,
    project: mse ? (y: Float64Array) => { for (let i = 0; i < n; i++) if (y[i] < 0) y[i] = 0; } : undefined,
  };
  const stats = { nfev: 0, accepted: 0, rejected: 0 };
  const count = (r: OdeResult) => {
    stats.nfev += r.nfev;
    stats.accepted += r.naccept;
    stats.rejected += r.nreject;
  };
  const fail = (r: OdeResult) => new DivergenceError(Math.round(r.t), "ODE state", `the integrator stopped: ${r.message ?? "unknown reason"}`);
  let yEnd: Float64Array;
  const log = new SwitchLog(dyn);
  if (dyn.switches.length === 0) {
    const res = dopri5(f, 0, y0, T, { ...odeOpts, onStep });
    count(res);
    if (res.status !== "done") throw fail(res);
    yEnd = res.y;
  } else {
    yEnd = integrateWithSwitches(dyn, f, y0, T, odeOpts, onStep, count, fail, log);
  }
  while (k < times.length) sample(times[k++], yEnd); // only t = T can remain
  return output(dyn, rec, { onset: crossing[0], half: crossing[1], learned: crossing[2] }, yEnd, T, {
    ode: stats,
    ...log.extra(),
  }, guard);
}

/**
 * The ODE with state-dependent frequencies: piecewise smooth, so it is integrated segment by
 * segment. In each segment the active switches are fixed; each switch is an event (its skill's
 * level crossing at_level, watched in the direction that would flip it) located on the dense
 * output. At the first event the step is cut there (records and threshold crossings see only
 * [tPrev, t_event]), the switch flips, and a new solve starts from y(t_event).
 */
function integrateWithSwitches(
  dyn: ResourceDynamics,
  f: (t: number, y: Float64Array, dydt: Float64Array) => void,
  y0: Float64Array,
  T: number,
  odeOpts: { rtol: number; atol: number; project?: (y: Float64Array) => void },
  onStep: (st: StepInfo) => void,
  count: (r: OdeResult) => void,
  fail: (r: OdeResult) => Error,
  log: SwitchLog,
): Float64Array {
  const n = dyn.n;
  const mse = dyn.cfg.loss === "mse";
  const m = dyn.switches.length;
  // event function for switch k: g = u - (1 - a) (mse; on while g <= 0) or z - logit(a) (ce; on while g >= 0)
  const onSide = mse ? -1 : 1;
  const level = dyn.switches.map((w) => (mse ? 1 - w.at : Math.log(w.at / (1 - w.at))));
  const y = Float64Array.from(y0);
  if (dyn.updateSwitches(y)) log.note(0);
  const cut = new CutStep(n);
  let t = 0;
  for (let segment = 0; t < T; segment++) {
    if (segment > 100000) throw new DivergenceError(Math.round(t), "frequency switches", "the switches flip back and forth without end (a level hovering at at_level)");
    const events: EventSpec[] = dyn.switches.map((w, k) => ({
      component: w.skill,
      level: level[k],
      direction: (dyn.active[k] ? -onSide : onSide) as -1 | 1,
    }));
    // A switch whose level is outside (0, 1) for ce can never fire: watch nothing (NaN level).
    const finder = new CrossingFinder(events, n);
    finder.init(t, y);
    let hit = -1;
    let tHit = Infinity;
    const res = dopri5(f, t, y, T, {
      ...odeOpts,
      onStep: (st) => {
        finder.onStep(st);
        for (let k = 0; k < m; k++) {
          const tk = finder.times[k];
          if (tk !== null && tk < tHit) {
            tHit = tk;
            hit = k;
          }
        }
        if (hit < 0) {
          onStep(st);
          return false;
        }
        cut.set(st, tHit);
        onStep(cut);
        return true;
      },
    });
    count(res);
    if (res.status !== "done") throw fail(res);
    if (hit < 0) {
      y.set(res.y);
      t = T;
      break;
    }
    y.set(cut.y);
    odeOpts.project?.(y);
    t = tHit;
    // flip every switch found at this same time (a simultaneous event), by its crossing
    for (let k = 0; k < m; k++) if (finder.times[k] === tHit) dyn.active[k] ^= 1;
    dyn.applySwitches();
    log.note(t);
  }
  return y;
}

/** A step cut short at tCut: the same interpolant, ending at tCut with y = y(tCut). */
class CutStep implements StepInfo {
  tPrev = 0;
  t = 0;
  h = 0;
  yPrev: Float64Array = new Float64Array(0);
  readonly y: Float64Array;
  private inner: StepInfo | null = null;
  constructor(n: number) {
    this.y = new Float64Array(n);
  }
  set(st: StepInfo, tCut: number): void {
    this.inner = st;
    this.tPrev = st.tPrev;
    this.t = tCut;
    this.h = tCut - st.tPrev;
    this.yPrev = st.yPrev;
    st.evaluate(tCut, this.y);
  }
  evaluate(tq: number, out: Float64Array): void {
    this.inner!.evaluate(tq, out);
  }
  component(i: number, tq: number): number {
    return this.inner!.component(i, tq);
  }
}

/** Root of a function that is <= 0 at a and > 0 at b: Illinois-modified regula falsi to ~1e-13 in t. */
function bisectRoot(g: (t: number) => number, a: number, b: number): number {
  let fa = g(a), fb = g(b);
  let side = 0;
  for (let it = 0; it < 200 && b - a > 1e-13 * Math.max(1, Math.abs(b)); it++) {
    const c = (a * fb - b * fa) / (fb - fa);
    const fc = g(c);
    if (fc > 0) {
      b = c;
      fb = fc;
      if (side === -1) fa /= 2;
      side = -1;
    } else {
      a = c;
      fa = fc;
      if (side === 1) fb /= 2;
      side = 1;
    }
  }
  return b;
}
