/**
 * The Resource model: skills compete for a shared learning resource (spec: "Resource model").
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
 *
 * When sum_j c_j + N0 = 0 (N0 = 0 and nothing left to learn) the share is 0, not 0/0.
 */
import type { ResourceConfig } from "../config/schema.js";
import { CrossingTracker, thresholdList } from "../analysis/timeline.js";
import { recordTimes } from "../analysis/record.js";
import { dopri5, type StepInfo } from "../engine/ode.js";
import { effectiveRate, skillFrequencies } from "./skills.js";
import { DivergenceError, type Crossings, type ModelOutput, type RunHooks } from "./types.js";

/** The right-hand side shared by the map and the ODE: writes delta = eta_eff * r (or its ce form). */
class ResourceDynamics {
  readonly n: number;
  readonly p: Float64Array;
  readonly rate: number;
  private readonly c: Float64Array;
  private readonly gate: Float64Array;
  private readonly C: Float64Array | null; // row-major n x n, null for identity
  private readonly parents: { skill: number; requires: number[]; or: boolean; a: number }[];

  constructor(readonly cfg: ResourceConfig) {
    const n = (this.n = cfg.skills.count);
    this.p = skillFrequencies(cfg.skills.frequencies, n);
    this.rate = effectiveRate(cfg);
    this.c = new Float64Array(n);
    this.gate = new Float64Array(n).fill(1);
    const C = cfg.skills.correlation;
    this.C = C === "identity" ? null : Float64Array.from(C.flat());
    this.parents = cfg.skills.dependencies.map((d) => ({
      skill: d.skill - 1,
      requires: d.requires.map((r) => r - 1),
      or: d.gate === "or",
      a: d.sharpness,
    }));
  }

  /** u_i, the unlearned fraction, from the state (u itself for mse, 1 - sigmoid(z) for ce). */
  unlearned(y: Float64Array, i: number): number {
    return this.cfg.loss === "mse" ? Math.max(0, y[i]) : 1 / (1 + Math.exp(y[i]));
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
    const k = denom > 0 ? this.rate / denom : 0;
    const C = this.C;
    if (C === null) {
      for (let i = 0; i < n; i++) out[i] = k * c[i];
    } else {
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += C[i * n + j] * c[j];
        out[i] = k * s;
      }
    }
  }

  initialState(): Float64Array {
    return new Float64Array(this.n).fill(this.cfg.loss === "mse" ? 1 : 0);
  }

  /** Skill levels s_i from the state. */
  levels(y: Float64Array, s: Float64Array): void {
    if (this.cfg.loss === "mse") for (let i = 0; i < this.n; i++) s[i] = 1 - Math.max(0, y[i]);
    else for (let i = 0; i < this.n; i++) s[i] = 1 / (1 + Math.exp(-y[i]));
  }

  loss(y: Float64Array): number {
    let L = 0;
    if (this.cfg.loss === "mse") for (let i = 0; i < this.n; i++) L += this.p[i] * Math.max(0, y[i]) ** 2;
    else for (let i = 0; i < this.n; i++) L += this.p[i] * softplus(-y[i]);
    return L;
  }

  s0(): number {
    return this.cfg.loss === "mse" ? 0 : 0.5;
  }
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

function output(dyn: ResourceDynamics, rec: Recorder, crossings: Crossings, y: Float64Array, time: number, extra: Record<string, unknown>): ModelOutput {
  const s = new Float64Array(dyn.n);
  dyn.levels(y, s);
  return {
    frequencies: Array.from(dyn.p),
    initialLevel: new Array(dyn.n).fill(dyn.s0()),
    trace: rec,
    crossings,
    final: { loss: dyn.loss(y), level: Array.from(s), time },
    extra: { eta_eff: dyn.rate, ...extra },
  };
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
  const mse = cfg.loss === "mse";
  const progressEvery = Math.max(1, Math.floor(steps / 200));
  dyn.levels(y, s);
  tracker.observe(0, s);
  let k = 0;
  if (times[0] === 0) {
    record(rec, 0, dyn.loss(y), s);
    k++;
  }
  for (let t = 1; t <= steps; t++) {
    dyn.drive(y, d);
    if (mse) for (let i = 0; i < n; i++) y[i] = Math.max(0, y[i] - d[i]);
    else for (let i = 0; i < n; i++) y[i] += d[i];
    dyn.levels(y, s);
    tracker.observe(t, s);
    if (t === times[k]) {
      const L = dyn.loss(y);
      if (!Number.isFinite(L)) throw new DivergenceError(t, "loss", divergenceCause(cfg));
      record(rec, t, L, s);
      k++;
    }
    if (hooks.onProgress && t % progressEvery === 0) hooks.onProgress(t, steps);
  }
  return output(dyn, rec, tracker.result(), y, steps, {});
}

function divergenceCause(cfg: ResourceConfig): string {
  return Array.isArray(cfg.skills.correlation)
    ? "a correlation matrix with large or negative entries can drive levels without bound; check skills.correlation"
    : `rate too large (eta_eff = ${effectiveRate(cfg)})`;
}

/** The ODE, integrated by Dormand-Prince 5(4); crossings located on the dense output. */
function runOde(dyn: ResourceDynamics, hooks: RunHooks): ModelOutput {
  const { n, cfg } = dyn;
  const T = cfg.steps;
  const mse = cfg.loss === "mse";
  const y0 = dyn.initialState();
  const times = recordTimes(T, cfg.record, false);
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
    record(rec, t, dyn.loss(y), s);
  };
  if (times[0] === 0) {
    sample(0, y0);
    k++;
  }
  let lastProgress = 0;
  const onStep = (st: StepInfo) => {
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
  const res = dopri5(f, 0, y0, T, {
    rtol: cfg.rtol,
    atol: cfg.atol,
    project: mse ? (y) => { for (let i = 0; i < n; i++) if (y[i] < 0) y[i] = 0; } : undefined,
    onStep,
  });
  if (res.status !== "done") throw new DivergenceError(Math.round(res.t), "ODE state", `the integrator stopped: ${res.message ?? "unknown reason"}`);
  while (k < times.length) sample(times[k++], res.y); // only t = T can remain
  return output(dyn, rec, { onset: crossing[0], half: crossing[1], learned: crossing[2] }, res.y, T, {
    ode: { nfev: res.nfev, accepted: res.naccept, rejected: res.nreject },
  });
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
