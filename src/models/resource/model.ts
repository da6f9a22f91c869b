/**
 * The Resource model: skills compete for a shared learning resource (docs/models.md, "Resource model").
 *
 *   unlearned fraction u_i = 1 - s_i,  u_i(0) = 1
 *   competitiveness    c_i = g_i p_i u_i           (g_i: dependency gate, 1 without parents)
 *   resource share     r_i = (C c)_i / (sum_j c_j + N0)
 *   map  (reference):  u_i <- max(0, u_i - eta_eff r_i)          one update per step
 *   rk45:              du_i/dt = -eta_eff r_i, u_i held at 0 once it reaches 0
 *   loss               L = sum_i p_i u_i^2
 *   ce variant:        z_i(0) = 0, s_i = sigmoid(z_i), c_i = g_i p_i (1 - s_i),
 *                      z_i <- z_i + eta_eff (C c)_i / (sum_j c_j + N0),
 *                      L = sum_i p_i log(1 + e^-z_i)
 *   gates              and: g_k = prod_{j in parents} (1 - u_j^a);  or: max_j (1 - u_j^a)
 *                      (ce: u_j = 1 - s_j)
 *   eta_eff = 2 eta sqrt(N) unless `rate` is given.
 *   correlation        identity, an explicit matrix, or {from: geometry, params, vectors, seed}:
 *                      C = T T^T with T the n skill vectors a Geometry config with that seed,
 *                      kind and params draws (models/geometry/vectors.ts `skillVectors`, the same code)
 *   clip: false        (map, mse) u is never clipped: u_i <- u_i - eta_eff r_i, c_i = g_i p_i u_i
 *                      and s_i = 1 - u_i even when u_i < 0 (the authors' Fig 8 top); levels may
 *                      then leave [0, 1]
 *   switches           state-dependent frequencies: p_k is replaced by the switch's frequency
 *                      while s_k >= at_level, judged on the state BEFORE each update (map); the
 *                      ODE integrates piecewise and locates each switch as an event on the
 *                      dense output. Several switches of one skill: of those on (s_k >= at_level),
 *                      the one with the highest at_level applies, whatever their order in the list
 *                      (as the level rises, the last one reached); the loss at step t uses the
 *                      frequencies in force at s(t), those of update t + 1
 *
 * When sum_j c_j + N0 = 0 (N0 = 0 and nothing left to learn) the share is 0, not 0/0.
 */
import type { ResourceConfig } from "../../config/schema.js";
import { CrossingTracker } from "../timeline.js";
import { recordTimes } from "../record.js";
import { DivergenceError, type ModelOutput, type RunHooks } from "../types.js";
import { divergenceCause, ResourceDynamics } from "./dynamics.js";
import { runOde } from "./ode.js";
import { newRecorder, output, record, resourceGuard, SwitchLog } from "./output.js";

export function runResource(cfg: ResourceConfig, hooks: RunHooks = {}): ModelOutput {
  const dyn = new ResourceDynamics(cfg);
  return cfg.integrator === "map" ? runMap(dyn, hooks) : runOde(dyn, hooks);
}

/**
 * One update of the map, in place: the frequencies for update t come from the state before it,
 * s(t - 1) (switches); then u <- max(0, u - eta_eff r) (mse; without the max when clip: false)
 * or z <- z + eta_eff r (ce). d is scratch. Returns whether a switch flipped.
 */
function mapStep(dyn: ResourceDynamics, y: Float64Array, d: Float64Array): boolean {
  const n = dyn.n;
  const switched = dyn.switches.length > 0 && dyn.updateSwitches(y);
  dyn.drive(y, d);
  if (dyn.cfg.loss !== "mse") for (let i = 0; i < n; i++) y[i] += d[i];
  else if (dyn.clip) for (let i = 0; i < n; i++) y[i] = Math.max(0, y[i] - d[i]);
  else for (let i = 0; i < n; i++) y[i] -= d[i];
  return switched;
}

/** The discrete map, one update per step (the reference convention). */
function runMap(dyn: ResourceDynamics, hooks: RunHooks): ModelOutput {
  const { n, cfg } = dyn;
  const steps = cfg.steps;
  const y = dyn.initialState();
  const d = new Float64Array(n);
  const s = new Float64Array(n);
  const times = recordTimes(steps, cfg.record, true);
  const rec = newRecorder(n);
  const tracker = new CrossingTracker(new Float64Array(n).fill(dyn.s0()), cfg.timeline);
  const guard = resourceGuard(dyn, y);
  const progressEvery = Math.max(1, Math.floor(steps / 200));
  dyn.levels(y, s);
  tracker.observe(0, s);
  const switchTimes = new SwitchLog(dyn);
  // The switches from s(t) right after each update (and at t = 0), so that the loss recorded at
  // t uses the frequencies in force at t (those of update t + 1); mapStep then finds no change.
  const setSwitches = (t: number) => { if (dyn.switches.length > 0 && dyn.updateSwitches(y)) switchTimes.note(t); };
  setSwitches(0);
  let k = 0;
  if (times[0] === 0) {
    record(rec, 0, dyn.loss(y), s);
    k++;
  }
  for (let t = 1; t <= steps; t++) {
    if (mapStep(dyn, y, d)) switchTimes.note(t - 1);
    setSwitches(t);
    // ce: z = +Infinity would read as level 1 and loss 0, an overflow that looks like mastery
    if (cfg.loss !== "mse") for (let i = 0; i < n; i++) if (!Number.isFinite(y[i])) throw new DivergenceError(t, `skill ${i + 1}'s logit z`, divergenceCause(cfg));
    dyn.levels(y, s);
    guard.levels(t, s);
    tracker.observe(t, s);
    if (t === times[k]) {
      const L = dyn.loss(y);
      guard.loss(t, L);
      record(rec, t, L, s);
      k++;
    }
    if (hooks.onProgress && t % progressEvery === 0) hooks.onProgress(t, steps);
  }
  return output(dyn, rec, tracker.result(), y, steps, switchTimes.extra(), guard);
}

/**
 * The levels at given times only, for calibration (src/calibrate/), which runs the
 * model thousands of times. out[i * K + k] = s_i(times[k]), K = times.length, times ascending,
 * >= 0 and <= cfg.steps. Time alignment: the map's s(t) is the state after t updates (s(1)
 * after the first); a time between two whole steps is interpolated linearly between them.
 * The map runs the same step as runMap (mapStep) with no trace, timeline or per-step
 * allocation; rk45 is runOde itself sampled at `times` (switch events included).
 * Returns false when the levels stop being finite or the run fails.
 */
export function resourceLevelsAt(cfg: ResourceConfig, times: Float64Array, out: Float64Array): boolean {
  const dyn = new ResourceDynamics(cfg);
  const n = dyn.n, K = times.length;
  if (K === 0) return true;
  if (cfg.integrator === "rk45") {
    let run: ModelOutput;
    try {
      run = runOde(dyn, {}, Array.from(times));
    } catch (e) {
      if (e instanceof DivergenceError) return false;
      throw e;
    }
    const lv = run.trace.level;
    if (run.trace.t.length !== K) return false;
    for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) out[i * K + k] = lv[i][k];
    return true;
  }
  const y = dyn.initialState();
  const d = new Float64Array(n), prev = new Float64Array(n), cur = new Float64Array(n);
  dyn.levels(y, cur);
  let k = 0;
  for (; k < K && times[k] <= 0; k++) for (let i = 0; i < n; i++) out[i * K + k] = cur[i];
  const last = Math.ceil(times[K - 1]);
  for (let t = 1; t <= last; t++) {
    prev.set(cur);
    mapStep(dyn, y, d);
    dyn.levels(y, cur);
    for (; k < K && times[k] <= t; k++) {
      const f = times[k] - (t - 1); // in (0, 1]: 1 at the whole step t
      for (let i = 0; i < n; i++) out[i * K + k] = f === 1 ? cur[i] : prev[i] + f * (cur[i] - prev[i]);
    }
  }
  for (let i = 0; i < n; i++) if (!Number.isFinite(cur[i])) return false;
  return true;
}
