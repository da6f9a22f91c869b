/**
 * Adaptive Dormand–Prince 5(4) integration (DOPRI5 / "RK45") with FSAL, the standard
 * 4th-order continuous extension per step, sampling on dense output (events
 * on it: ./ode-events.ts).
 *
 * Why our own: the Resource model's ODE is small (n ~ 10..1000) and non-stiff, so in SciPy a
 * solve is dominated by interpreter overhead per RHS call; here a step is a few hundred flops
 * on Float64Arrays allocated once per solve, and nothing is allocated per step.
 *
 * Step control follows SciPy's `solve_ivp(method="RK45")` (scipy/integrate/_ivp/rk.py and
 * common.py) on purpose — same initial-step heuristic (Hairer, Nørsett & Wanner, "Solving
 * ODEs I", II.4), RMS error norm with scale atol + rtol*max(|y|,|y_new|), safety 0.9,
 * factor bounds [0.2, 10], exponent -1/5, no growth right after a rejection, minimum step
 * 10 ulp(t) — so step counts and nfev can be compared one-for-one with the SciPy peer.
 * Difference: the time grid is not restricted for output; samples and events are taken from
 * each step's interpolant.
 *
 * Coefficients: Dormand & Prince (1980), "A family of embedded Runge-Kutta formulae",
 * J. Comput. Appl. Math. 6:19-26, as tabulated in Hairer-Nørsett-Wanner Table II.5.2 and
 * their code dopri5.f; the dense-output coefficients d_i are those of dopri5.f (CONTD5),
 * due to Shampine (1986), Math. Comp. 46:135-150.
 *
 * Pure code: no I/O, no globals, no randomness. Failures are reported in the result.
 */

/** Right-hand side: writes f(t, y) into dydt; must not allocate or keep references. */
export type Rhs = (t: number, y: Float64Array, dydt: Float64Array) => void;

/**
 * One accepted step, handed to `onStep`. A single object is reused for the whole solve:
 * its fields and arrays are valid only during the callback (copy what you need).
 */
export interface StepInfo {
  readonly tPrev: number;
  readonly t: number;
  /** Signed step, t - tPrev. */
  readonly h: number;
  /** State at tPrev and at t (after `project`). Read-only views into solver buffers. */
  readonly yPrev: Float64Array;
  readonly y: Float64Array;
  /** Dense output: writes y(tq) into out, for tq in [tPrev, t] (extrapolates outside). */
  evaluate(tq: number, out: Float64Array): void;
  /** Dense output of one component at tq. */
  component(i: number, tq: number): number;
}

export interface OdeOptions {
  /** Per-component error control: RMS over i of err_i / (atol + rtol*max(|y_i|,|y_new_i|)) <= 1. */
  rtol: number;
  atol: number;
  /** |h| of the first attempt; default: Hairer's / SciPy's heuristic (costs one RHS call). */
  firstStep?: number;
  maxStep?: number;
  /** Bound on step attempts (accepted + rejected); default 1e7. */
  maxSteps?: number;
  /**
   * Applied in place to y0 and to each accepted state (e.g. clamp u >= 0). When it changes
   * the state, the FSAL derivative is recomputed there (one extra RHS call, counted in
   * nfev and nproject), so the dense output joins the projected states with matching slopes.
   */
  project?: (y: Float64Array) => void;
  /** Called after each accepted step; return true to stop the integration there. */
  onStep?: (s: StepInfo) => boolean | void;
}

export interface OdeResult {
  /** Time reached (tEnd when done and not stopped early). */
  t: number;
  /** State at t. Owned by the caller (not reused by the solver). */
  y: Float64Array;
  nfev: number;
  naccept: number;
  nreject: number;
  /** Accepted states changed by `project` (each cost one extra RHS call). */
  nproject: number;
  status: "done" | "failed";
  /** True when onStep asked to stop before tEnd. */
  stopped: boolean;
  message?: string;
}

// Dormand–Prince 5(4) tableau (Hairer-Nørsett-Wanner Table II.5.2 / dopri5.f).
const C2 = 1 / 5, C3 = 3 / 10, C4 = 4 / 5, C5 = 8 / 9;
const A21 = 1 / 5;
const A31 = 3 / 40, A32 = 9 / 40;
const A41 = 44 / 45, A42 = -56 / 15, A43 = 32 / 9;
const A51 = 19372 / 6561, A52 = -25360 / 2187, A53 = 64448 / 6561, A54 = -212 / 729;
const A61 = 9017 / 3168, A62 = -355 / 33, A63 = 46732 / 5247, A64 = 49 / 176, A65 = -5103 / 18656;
// 5th-order weights (b2 = b7 = 0); the 7th stage is f(t+h, y_new), reused as the next k1 (FSAL).
const A71 = 35 / 384, A73 = 500 / 1113, A74 = 125 / 192, A75 = -2187 / 6784, A76 = 11 / 84;
// Error weights e = b5 - b4 (dopri5.f E1..E7).
const E1 = 71 / 57600, E3 = -71 / 16695, E4 = 71 / 1920, E5 = -17253 / 339200, E6 = 22 / 525, E7 = -1 / 40;
// Continuous extension (dopri5.f D1..D7, CONTD5).
const D1 = -12715105075 / 11282082432, D3 = 87487479700 / 32700410799;
const D4 = -10690763975 / 1880347072, D5 = 701980252875 / 199316789632;
const D6 = -1453857185 / 822651844, D7 = 69997945 / 29380423;

// Step-size control, as scipy.integrate RK45.
const SAFETY = 0.9, MIN_FACTOR = 0.2, MAX_FACTOR = 10, ERR_EXP = -1 / 5;

/**
 * The reusable StepInfo. The interpolant of the step is
 *   y(tPrev + θh) = yPrev + θ(r2 + (1-θ)(r3 + θ(r4 + (1-θ) r5)))
 * with r2 = y - yPrev, r3 = h k1 - r2, r4 = r2 - h k7 - r3, r5 = h Σ d_j k_j (dopri5.f).
 * The r's are built lazily on first use, so steps nobody interpolates cost nothing extra.
 */
class DenseStep implements StepInfo {
  tPrev = 0;
  t = 0;
  h = 0;
  yPrev: Float64Array;
  y: Float64Array;
  k1: Float64Array;
  k3: Float64Array;
  k4: Float64Array;
  k5: Float64Array;
  k6: Float64Array;
  k7: Float64Array;
  ready = false;
  private readonly r2: Float64Array;
  private readonly r3: Float64Array;
  private readonly r4: Float64Array;
  private readonly r5: Float64Array;

  constructor(n: number) {
    const z = new Float64Array(0);
    this.yPrev = this.y = this.k1 = this.k3 = this.k4 = this.k5 = this.k6 = this.k7 = z;
    this.r2 = new Float64Array(n);
    this.r3 = new Float64Array(n);
    this.r4 = new Float64Array(n);
    this.r5 = new Float64Array(n);
  }

  private prepare(): void {
    const { h, yPrev, y, k1, k3, k4, k5, k6, k7, r2, r3, r4, r5 } = this;
    for (let i = 0; i < r2.length; i++) {
      const dy = y[i] - yPrev[i];
      const bspl = h * k1[i] - dy;
      r2[i] = dy;
      r3[i] = bspl;
      r4[i] = dy - h * k7[i] - bspl;
      r5[i] = h * (D1 * k1[i] + D3 * k3[i] + D4 * k4[i] + D5 * k5[i] + D6 * k6[i] + D7 * k7[i]);
    }
    this.ready = true;
  }

  evaluate(tq: number, out: Float64Array): void {
    if (!this.ready) this.prepare();
    const th = (tq - this.tPrev) / this.h, th1 = 1 - th;
    const { yPrev, r2, r3, r4, r5 } = this;
    for (let i = 0; i < r2.length; i++) {
      out[i] = yPrev[i] + th * (r2[i] + th1 * (r3[i] + th * (r4[i] + th1 * r5[i])));
    }
  }

  component(i: number, tq: number): number {
    if (!this.ready) this.prepare();
    const th = (tq - this.tPrev) / this.h, th1 = 1 - th;
    return this.yPrev[i] + th * (this.r2[i] + th1 * (this.r3[i] + th * (this.r4[i] + th1 * this.r5[i])));
  }
}

/** RMS of v_i / (atol + rtol |y_i|), SciPy's norm for the initial-step heuristic. */
function rmsScaled(v: Float64Array, y: Float64Array, rtol: number, atol: number): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) {
    const q = v[i] / (atol + rtol * Math.abs(y[i]));
    s += q * q;
  }
  return Math.sqrt(s / v.length);
}

// Results are built by this non-capturing helper: a closure inside dopri5 over t, y and the
// counters would move them into a heap context and slow every access in the hot loop.
function mk(
  t: number, y: Float64Array, nfev: number, naccept: number, nreject: number, nproject: number,
  status: "done" | "failed", message?: string, stopped = false,
): OdeResult {
  return { t, y, nfev, naccept, nreject, nproject, status, stopped, ...(message ? { message } : {}) };
}

function allFinite(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
}

/**
 * Integrate y' = f(t, y) from (t0, y0) to tEnd (either direction). y0 is not modified.
 * Invariant: nfev = 1 + (firstStep given ? 0 : 1) + 6 (naccept + nreject) + nproject.
 * Throws RangeError only for invalid arguments; solver failures come back as status "failed".
 */
export function dopri5(f: Rhs, t0: number, y0: Float64Array, tEnd: number, opts: OdeOptions): OdeResult {
  const n = y0.length;
  const { rtol, atol, project, onStep } = opts;
  const maxStep = opts.maxStep ?? Infinity;
  const maxSteps = opts.maxSteps ?? 1e7;
  if (!(rtol > 0) || !(atol >= 0)) throw new RangeError(`dopri5: need rtol > 0 and atol >= 0 (got ${rtol}, ${atol})`);
  if (!Number.isFinite(t0) || !Number.isFinite(tEnd)) throw new RangeError("dopri5: t0 and tEnd must be finite");
  if (!(maxStep > 0)) throw new RangeError("dopri5: maxStep must be > 0");

  let y = Float64Array.from(y0);
  let yNew = new Float64Array(n);
  const yTmp = new Float64Array(n);
  let k1 = new Float64Array(n);
  const k2 = new Float64Array(n), k3 = new Float64Array(n), k4 = new Float64Array(n);
  const k5 = new Float64Array(n), k6 = new Float64Array(n);
  let k7 = new Float64Array(n);
  const dense = onStep ? new DenseStep(n) : null;
  const dir = tEnd >= t0 ? 1 : -1;
  let t = t0, nfev = 0, naccept = 0, nreject = 0, nproject = 0;

  if (project) project(y);
  if (t0 === tEnd || n === 0) return mk(t, y, nfev, naccept, nreject, nproject, "done");
  f(t, y, k1);
  nfev++;
  if (!allFinite(y) || !allFinite(k1)) {
    return mk(t, y, nfev, naccept, nreject, nproject, "failed", `non-finite initial state or derivative at t=${t}`);
  }

  const span = Math.abs(tEnd - t0);
  let hAbs: number;
  if (opts.firstStep !== undefined) {
    if (!(opts.firstStep > 0)) throw new RangeError("dopri5: firstStep must be > 0");
    hAbs = Math.min(opts.firstStep, span);
  } else {
    // SciPy select_initial_step (Hairer-Nørsett-Wanner II.4), error-estimator order 4.
    const d0 = rmsScaled(y, y, rtol, atol), d1 = rmsScaled(k1, y, rtol, atol);
    let h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1;
    h0 = Math.min(h0, span);
    for (let i = 0; i < n; i++) yTmp[i] = y[i] + h0 * dir * k1[i];
    f(t + h0 * dir, yTmp, k2);
    nfev++;
    for (let i = 0; i < n; i++) k2[i] -= k1[i];
    const d2 = rmsScaled(k2, y, rtol, atol) / h0;
    const h1 = d1 <= 1e-15 && d2 <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / Math.max(d1, d2), 1 / 5);
    hAbs = Math.min(100 * h0, h1, span, maxStep);
    if (!(hAbs > 0)) hAbs = Math.min(1e-6, span); // d2 non-finite: let step control sort it out
  }

  let steps = 0;
  while (dir * (t - tEnd) < 0) {
    // Minimum step 10 ulp(t) (SciPy uses nextafter; eps*|t| is within a factor 2 of an ulp).
    const minStep = 10 * Math.max(Number.EPSILON * Math.abs(t), Number.MIN_VALUE);
    if (hAbs > maxStep) hAbs = maxStep;
    else if (hAbs < minStep) hAbs = minStep;

    let rejected = false, nonFinite = false, tNew = t, h = 0;
    for (;;) {
      if (hAbs < minStep) {
        const why = `step size underflow at t=${t}` + (nonFinite ? " (non-finite values from the RHS)" : "");
        return mk(t, y, nfev, naccept, nreject, nproject, "failed", why);
      }
      if (steps >= maxSteps) {
        return mk(t, y, nfev, naccept, nreject, nproject, "failed", `maxSteps=${maxSteps} exceeded at t=${t}`);
      }
      steps++;
      tNew = t + hAbs * dir;
      if (dir * (tNew - tEnd) > 0) tNew = tEnd;
      h = tNew - t;
      hAbs = Math.abs(h);

      for (let i = 0; i < n; i++) yTmp[i] = y[i] + h * (A21 * k1[i]);
      f(t + C2 * h, yTmp, k2);
      for (let i = 0; i < n; i++) yTmp[i] = y[i] + h * (A31 * k1[i] + A32 * k2[i]);
      f(t + C3 * h, yTmp, k3);
      for (let i = 0; i < n; i++) yTmp[i] = y[i] + h * (A41 * k1[i] + A42 * k2[i] + A43 * k3[i]);
      f(t + C4 * h, yTmp, k4);
      for (let i = 0; i < n; i++) yTmp[i] = y[i] + h * (A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i]);
      f(t + C5 * h, yTmp, k5);
      for (let i = 0; i < n; i++) {
        yTmp[i] = y[i] + h * (A61 * k1[i] + A62 * k2[i] + A63 * k3[i] + A64 * k4[i] + A65 * k5[i]);
      }
      f(tNew, yTmp, k6); // c6 = c7 = 1
      for (let i = 0; i < n; i++) {
        yNew[i] = y[i] + h * (A71 * k1[i] + A73 * k3[i] + A74 * k4[i] + A75 * k5[i] + A76 * k6[i]);
      }
      f(tNew, yNew, k7);
      nfev += 6;

      let s = 0;
      for (let i = 0; i < n; i++) {
        const e = h * (E1 * k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * k7[i]);
        const q = e / (atol + rtol * Math.max(Math.abs(y[i]), Math.abs(yNew[i])));
        s += q * q;
      }
      const err = Math.sqrt(s / n);

      if (err < 1) {
        let factor = err === 0 ? MAX_FACTOR : Math.min(MAX_FACTOR, SAFETY * Math.pow(err, ERR_EXP));
        if (rejected) factor = Math.min(1, factor);
        hAbs *= factor;
        break;
      }
      // Rejected (a NaN/Inf error counts as a rejection with the smallest factor).
      nonFinite = !(err < Infinity);
      hAbs *= nonFinite ? MIN_FACTOR : Math.max(MIN_FACTOR, SAFETY * Math.pow(err, ERR_EXP));
      rejected = true;
      nreject++;
    }
    naccept++;

    if (project) {
      yTmp.set(yNew);
      project(yNew);
      for (let i = 0; i < n; i++) {
        if (yNew[i] !== yTmp[i]) {
          f(tNew, yNew, k7); // FSAL derivative at the projected state
          nfev++;
          nproject++;
          break;
        }
      }
    }

    let stop = false;
    if (dense) {
      dense.tPrev = t;
      dense.t = tNew;
      dense.h = h;
      dense.yPrev = y;
      dense.y = yNew;
      dense.k1 = k1;
      dense.k3 = k3;
      dense.k4 = k4;
      dense.k5 = k5;
      dense.k6 = k6;
      dense.k7 = k7;
      dense.ready = false;
      stop = onStep!(dense) === true;
    }
    // Advance by swapping buffers: y <- yNew, k1 <- k7 (FSAL).
    t = tNew;
    let sw = y;
    y = yNew;
    yNew = sw;
    sw = k1;
    k1 = k7;
    k7 = sw;
    if (stop && dir * (t - tEnd) < 0) {
      return mk(t, y, nfev, naccept, nreject, nproject, "done", `stopped by onStep at t=${t}`, true);
    }
  }
  return mk(t, y, nfev, naccept, nreject, nproject, "done");
}

/**
 * Records the dense solution at sorted output times (ascending in the direction of
 * integration). Rows are stored flat, row k = y.subarray(k*n, (k+1)*n); rows never reached
 * (failed or stopped solve) stay NaN. Usable on its own inside a larger onStep.
 */
export class Sampler {
  readonly y: Float64Array;
  /** Number of rows filled so far. */
  filled = 0;
  private readonly dir: number;

  constructor(readonly times: ArrayLike<number>, readonly n: number, t0: number, tEnd: number) {
    this.dir = tEnd >= t0 ? 1 : -1;
    for (let k = 0; k < times.length; k++) {
      const prev = k === 0 ? t0 : times[k - 1];
      if (!(this.dir * (times[k] - prev) >= 0)) {
        throw new RangeError(`Sampler: times must be sorted and start at or after t0 (index ${k})`);
      }
    }
    this.y = new Float64Array(times.length * n).fill(NaN);
  }

  row(k: number): Float64Array {
    return this.y.subarray(k * this.n, (k + 1) * this.n);
  }

  /** Fill rows at t0 from the initial state. */
  init(t0: number, y0: Float64Array): void {
    while (this.filled < this.times.length && this.times[this.filled] === t0) this.row(this.filled++).set(y0);
  }

  /** Fill every pending row inside this step; returns true when all rows are filled. */
  onStep(s: StepInfo): boolean {
    const { times, dir } = this;
    while (this.filled < times.length && dir * (times[this.filled] - s.t) <= 0) {
      const tq = times[this.filled], row = this.row(this.filled++);
      if (tq === s.t) row.set(s.y);
      else s.evaluate(tq, row);
    }
    return this.filled === times.length;
  }
}

export interface SolveAtResult {
  /** Flat row-major samples: y[k*n + i] = y_i(times[k]). */
  y: Float64Array;
  n: number;
  row(k: number): Float64Array;
  result: OdeResult;
}

/** Solve from t0 to the last output time and sample y at `times` on the dense output. */
export function solveAt(
  f: Rhs,
  t0: number,
  y0: Float64Array,
  times: ArrayLike<number>,
  opts: OdeOptions,
): SolveAtResult {
  const n = y0.length;
  const tEnd = times.length ? times[times.length - 1] : t0;
  const sampler = new Sampler(times, n, t0, tEnd);
  const y0p = Float64Array.from(y0);
  if (opts.project) opts.project(y0p);
  sampler.init(t0, y0p);
  const user = opts.onStep;
  const result = dopri5(f, t0, y0, tEnd, {
    ...opts,
    onStep: (s) => {
      sampler.onStep(s);
      return user ? user(s) : false;
    },
  });
  return { y: sampler.y, n, row: (k) => sampler.row(k), result };
}
