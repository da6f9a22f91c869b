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
import { CrossingTracker, thresholdList } from "../timeline.js";
import { recordTimes } from "../record.js";
import { CrossingFinder, dopri5, type EventSpec, type OdeResult, type StepInfo } from "../../engine/ode.js";
import { Rng } from "../../engine/rng.js";
import { skillVectors } from "../geometry/vectors.js";
import { effectiveRate, skillFrequencies } from "../skills.js";
import { RunGuard } from "../guard.js";
import { DivergenceError, type Crossings, type ModelOutput, type RunHooks } from "../types.js";

/** The right-hand side shared by the map and the ODE: writes delta = eta_eff * r (or its ce form). */
class ResourceDynamics {
  readonly n: number;
  /** Frequencies in use (the base ones, with any active switch applied). */
  readonly p: Float64Array;
  /** Frequencies as configured. */
  readonly pBase: Float64Array;
  readonly rate: number;
  readonly clip: boolean;
  /** Switches (0-based skill); `active[k]` whether switch k is in force. */
  readonly switches: { skill: number; at: number; frequency: number }[];
  /** Per skill: the switch that applies (-1: none), scratch for applySwitches. */
  private readonly winning: Int32Array;
  readonly active: Uint8Array;
  private readonly c: Float64Array;
  private readonly gate: Float64Array;
  private readonly C: Float64Array | null; // row-major n x n, null for identity
  private readonly parents: { skill: number; requires: number[]; or: boolean; a: number }[];

  constructor(readonly cfg: ResourceConfig) {
    const n = (this.n = cfg.skills.count);
    this.pBase = skillFrequencies(cfg.skills.frequencies, n);
    this.p = Float64Array.from(this.pBase);
    this.rate = effectiveRate(cfg);
    this.clip = cfg.clip ?? true;
    this.switches = (cfg.skills.switches ?? []).map((w) => ({ skill: w.skill - 1, at: w.at_level, frequency: w.frequency }));
    this.active = new Uint8Array(this.switches.length);
    this.winning = new Int32Array(cfg.skills.count);
    this.c = new Float64Array(n);
    this.gate = new Float64Array(n).fill(1);
    this.C = correlationMatrix(cfg);
    this.parents = cfg.skills.dependencies.map((d) => ({
      skill: d.skill - 1,
      requires: d.requires.map((r) => r - 1),
      or: d.gate === "or",
      a: d.sharpness,
    }));
  }

  /** u_i, the unlearned fraction, from the state (u itself for mse, 1 - sigmoid(z) for ce). */
  unlearned(y: Float64Array, i: number): number {
    if (this.cfg.loss !== "mse") return 1 / (1 + Math.exp(y[i]));
    return this.clip ? Math.max(0, y[i]) : y[i];
  }

  /** Skill i's level from the state. */
  level(y: Float64Array, i: number): number {
    return this.cfg.loss === "mse" ? 1 - this.unlearned(y, i) : 1 / (1 + Math.exp(-y[i]));
  }

  /** Set each switch from the state (level >= at_level) and the frequencies in use from them.
   * Returns whether any switch changed. */
  updateSwitches(y: Float64Array): boolean {
    let changed = false;
    for (let k = 0; k < this.switches.length; k++) {
      const on = this.level(y, this.switches[k].skill) >= this.switches[k].at ? 1 : 0;
      if (on !== this.active[k]) {
        this.active[k] = on;
        changed = true;
      }
    }
    if (changed) this.applySwitches();
    return changed;
  }

  /** p from the base frequencies and the active switches: of a skill's active switches, the one
   * with the highest at_level applies (list order does not matter; equal levels are refused). */
  applySwitches(): void {
    this.p.set(this.pBase);
    this.winning.fill(-1);
    for (let k = 0; k < this.switches.length; k++) {
      if (!this.active[k]) continue;
      const i = this.switches[k].skill, w = this.winning[i];
      if (w < 0 || this.switches[k].at > this.switches[w].at) this.winning[i] = k;
    }
    for (let i = 0; i < this.n; i++) if (this.winning[i] >= 0) this.p[i] = this.switches[this.winning[i]].frequency;
  }

  /** out_i = eta_eff * r_i: the amount u_i falls (mse) or z_i rises (ce) per unit time. */
  drive(y: Float64Array, out: Float64Array): void {
    const n = this.n, c = this.c, p = this.p, g = this.gate;
    for (const d of this.parents) {
      let v = d.or ? 0 : 1;
      for (const j of d.requires) {
        const open = 1 - Math.pow(this.unlearned(y, j), d.a);
        v = d.or ? Math.max(v, open) : v * open;
      }
      g[d.skill] = v;
    }
    let Z = 0;
    for (let i = 0; i < n; i++) {
      c[i] = g[i] * p[i] * this.unlearned(y, i);
      Z += c[i];
    }
    const denom = Z + this.cfg.N0;
    // eta_eff * ((C c)_i / denom), in the authors' order of operations (their notebooks compute
    // fg / (sum + N0), then multiply by lr): with gates (u^a jumps to 0 when u underflows to 0)
    // a one-ulp difference can move a crossing by many steps, so the order is kept the same.
    // denom < 0 only with clip: false (u < 0); denom = 0 gives a zero share, not 0/0.
    const rate = this.rate;
    const C = this.C;
    if (denom === 0) out.fill(0);
    else if (C === null) {
      for (let i = 0; i < n; i++) out[i] = rate * (c[i] / denom);
    } else {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += C[i * n + j] * c[j];
        out[i] = rate * (s / denom);
      }
    }
  }

  initialState(): Float64Array {
    return new Float64Array(this.n).fill(this.cfg.loss === "mse" ? 1 : 0);
  }

  /** Skill levels s_i from the state. */
  levels(y: Float64Array, s: Float64Array): void {
    for (let i = 0; i < this.n; i++) s[i] = this.level(y, i);
  }

  /** L = sum_i p_i u_i^2 (mse) with the frequencies in use. */
  loss(y: Float64Array): number {
    let L = 0;
    if (this.cfg.loss === "mse") for (let i = 0; i < this.n; i++) L += this.p[i] * this.unlearned(y, i) ** 2;
    else for (let i = 0; i < this.n; i++) L += this.p[i] * softplus(-y[i]);
    return L;
  }

  s0(): number {
    return this.cfg.loss === "mse" ? 0 : 0.5;
  }
}

/** The correlation matrix C (row-major n x n), or null for the identity. */
function correlationMatrix(cfg: ResourceConfig): Float64Array | null {
  const C = cfg.skills.correlation;
  if (C === "identity") return null;
  if (Array.isArray(C)) return Float64Array.from(C.flat());
  // C = T T^T from the Geometry model's own skill vectors
  const n = cfg.skills.count, N = C.params;
  const T = skillVectors(C.vectors, n, N, new Rng(C.seed));
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let d = 0;
      for (let k = 0; k < N; k++) d += T[i * N + k] * T[j * N + k];
      out[i * n + j] = out[j * n + i] = d;
    }
  return out;
}

/** log(1 + e^x), without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

export function runResource(cfg: ResourceConfig, hooks: RunHooks = {}): ModelOutput {
  const dyn = new ResourceDynamics(cfg);
  return cfg.integrator === "map" ? runMap(dyn, hooks) : runOde(dyn, hooks);
}

interface Recorder {
  t: number[];
  loss: number[];
  level: number[][];
}

function newRecorder(n: number): Recorder {
  return { t: [], loss: [], level: Array.from({ length: n }, () => []) };
}

function record(rec: Recorder, t: number, L: number, s: Float64Array): void {
  rec.t.push(t);
  rec.loss.push(L);
  for (let i = 0; i < s.length; i++) rec.level[i].push(s[i]);
}

function output(dyn: ResourceDynamics, rec: Recorder, crossings: Crossings, y: Float64Array, time: number, extra: Record<string, unknown>, guard: RunGuard): ModelOutput {
  const s = new Float64Array(dyn.n);
  dyn.levels(y, s);
  const why = Array.isArray(dyn.cfg.skills.correlation) ? ", driven there by the negative entries of skills.correlation" : "";
  return {
    frequencies: Array.from(dyn.pBase),
    initialLevel: new Array(dyn.n).fill(dyn.s0()),
    trace: rec,
    crossings: guard.withhold(crossings),
    final: { loss: dyn.loss(y), level: Array.from(s), time },
    extra: { eta_eff: dyn.rate, ...extra },
    warnings: guard.warnings(why),
  };
}

/** The run guard (./guard.ts): mse levels 1 - u live in [0, 1], and a correlation matrix with
 * negative entries can push u above 1 (a level below 0): a warning within LEVEL_TOL, beyond it
 * a divergence (with clip: false, a warning however far); ce levels are sigmoids, so only the
 * loss is guarded. */
function resourceGuard(dyn: ResourceDynamics, y0: Float64Array): RunGuard {
  const mse = dyn.cfg.loss === "mse";
  // Unclipped maps (clip: false) and correlations derived from Geometry vectors (Fig 8) leave
  // [0, 1] by design, by any amount: only the loss guard stops them; the range gives warnings.
  const c = dyn.cfg.skills.correlation;
  const unbounded = !dyn.clip || (typeof c === "object" && c !== null && !Array.isArray(c));
  const range = mse ? { lo: 0, hi: 1, ...(unbounded ? { tol: Infinity } : {}) } : null;
  return new RunGuard({ initialLoss: dyn.loss(y0), range, soft: true, cause: divergenceCause(dyn.cfg) });
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

/** When each switch turned on or off: `switches` in the run's summary (times in the model's units). */
class SwitchLog {
  private readonly events: { skill: number; at_level: number; frequency: number; on: number[]; off: number[] }[];
  constructor(private readonly dyn: ResourceDynamics) {
    this.events = dyn.switches.map((w) => ({ skill: w.skill + 1, at_level: w.at, frequency: w.frequency, on: [], off: [] }));
  }
  /** Record the current `active` flags as of time t (call after they changed). */
  note(t: number): void {
    const a = this.dyn.active;
    for (let k = 0; k < a.length; k++) {
      const e = this.events[k];
      const was = e.on.length > e.off.length;
      if (a[k] && !was) e.on.push(t);
      if (!a[k] && was) e.off.push(t);
    }
  }
  extra(): Record<string, unknown> {
    return this.events.length > 0 ? { switches: this.events } : {};
  }
}

function divergenceCause(cfg: ResourceConfig): string {
  return Array.isArray(cfg.skills.correlation)
    ? "a correlation matrix with large or negative entries can drive levels without bound; check skills.correlation"
    : `rate too large (eta_eff = ${effectiveRate(cfg)})`;
}


/** The ODE, integrated by Dormand-Prince 5(4); crossings located on the dense output. */
function runOde(dyn: ResourceDynamics, hooks: RunHooks, sampleTimes?: number[]): ModelOutput {
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
