/**
 * Events on a Dormand-Prince solve (./ode.ts): the first time a component crosses a level, or
 * g(t, y) changes sign, located by Brent's method on each step's interpolant (dense output),
 * so an event costs a root search only in the step where its sign changes.
 *
 * Pure code: no I/O, no globals, no randomness.
 */
import { dopri5, type OdeOptions, type OdeResult, type Rhs, type StepInfo } from "./ode.js";

/**
 * An event: a component crossing a level, or a sign change of g(t, y).
 * direction +1: g goes from < 0 to >= 0 (rising); -1: from > 0 to <= 0 (falling);
 * 0 (default): either, i.e. away from the sign g first has. t0 itself is never an event, and
 * only the first crossing is reported.
 */
export type EventSpec =
  | { component: number; level: number; direction?: -1 | 0 | 1 }
  | { g: (t: number, y: Float64Array) => number; direction?: -1 | 0 | 1 };

export interface CrossingOptions {
  /** Relative tolerance on event times (of max |t| over the bracketing step); default 1e-12. */
  tTol?: number;
}

/**
 * First-crossing times of many events at once. Per accepted step it evaluates each pending
 * event at the step end only (O(1) for component events); the Brent root finder runs on the
 * step's interpolant only when a sign change is seen. Crossings that enter and leave within
 * one step are missed (bound the step with maxStep if that matters).
 * Accuracy: the root is located to tTol on the interpolant, which itself is accurate to
 * about the solve's tolerance, so choose rtol/atol for the event accuracy you need.
 */
export class CrossingFinder {
  /** First-crossing times; null while (or if never) crossed. */
  readonly times: (number | null)[];
  private readonly comp: Int32Array;
  private readonly level: Float64Array;
  private readonly want: Int8Array;
  /** 0 = not yet armed; else the sign s such that s*g < 0 at the last step end. */
  private readonly armed: Int8Array;
  private readonly lastG: Float64Array;
  private readonly gfun: (((t: number, y: Float64Array) => number) | null)[];
  private readonly pending: Int32Array;
  private npending: number;
  private readonly buf: Float64Array;
  private readonly tTol: number;

  constructor(events: readonly EventSpec[], n: number, opts: CrossingOptions = {}) {
    const m = events.length;
    this.times = new Array<number | null>(m).fill(null);
    this.comp = new Int32Array(m);
    this.level = new Float64Array(m);
    this.want = new Int8Array(m);
    this.armed = new Int8Array(m);
    this.lastG = new Float64Array(m);
    this.gfun = new Array(m).fill(null);
    this.pending = new Int32Array(m);
    this.npending = 0;
    this.buf = new Float64Array(n);
    this.tTol = opts.tTol ?? 1e-12;
    events.forEach((e, j) => {
      if ("g" in e) {
        this.comp[j] = -1;
        this.gfun[j] = e.g;
      } else {
        if (!(Number.isInteger(e.component) && e.component >= 0 && e.component < n)) {
          throw new RangeError(`CrossingFinder: component ${e.component} out of range`);
        }
        this.comp[j] = e.component;
        this.level[j] = e.level;
      }
      this.want[j] = e.direction ?? 0;
    });
  }

  get pendingCount(): number {
    return this.npending;
  }

  private g(j: number, t: number, y: Float64Array): number {
    const c = this.comp[j];
    return c >= 0 ? y[c] - this.level[j] : this.gfun[j]!(t, y);
  }

  /** Arm event j on value g if g is on the starting side of its crossing. */
  private arm(j: number, g: number): void {
    const w = this.want[j];
    if (w === 0) {
      if (g !== 0) this.armed[j] = g > 0 ? -1 : 1;
    } else if (w * g < 0) this.armed[j] = w;
  }

  /** Reset with the initial state; all events become pending. */
  init(t0: number, y0: Float64Array): void {
    this.npending = 0;
    for (let j = 0; j < this.times.length; j++) {
      this.times[j] = null;
      this.armed[j] = 0;
      const g = this.g(j, t0, y0);
      this.lastG[j] = g;
      this.arm(j, g);
      this.pending[this.npending++] = j;
    }
  }

  /** Check pending events over one step; returns true when none is pending any more. */
  onStep(s: StepInfo): boolean {
    let k = 0;
    while (k < this.npending) {
      const j = this.pending[k];
      const g = this.g(j, s.t, s.y);
      const a = this.armed[j];
      if (a !== 0 && a * g >= 0) {
        this.times[j] = a * g === 0 ? s.t : this.locate(j, s, a * this.lastG[j], a * g, a);
        this.pending[k] = this.pending[--this.npending]; // swap-remove; re-examine slot k
        continue;
      }
      if (a === 0) this.arm(j, g);
      this.lastG[j] = g;
      k++;
    }
    return this.npending === 0;
  }

  /** Root of a*g on [tPrev, t] (a*g(tPrev) = fa < 0 <= fb = a*g(t)) on the interpolant. */
  private locate(j: number, s: StepInfo, fa: number, fb: number, a: number): number {
    const c = this.comp[j];
    const gt =
      c >= 0
        ? (tq: number) => a * (s.component(c, tq) - this.level[j])
        : (tq: number) => {
            s.evaluate(tq, this.buf);
            return a * this.gfun[j]!(tq, this.buf);
          };
    const tol = this.tTol * Math.max(Math.abs(s.tPrev), Math.abs(s.t));
    return brent(gt, s.tPrev, s.t, fa, fb, tol);
  }
}

/**
 * Brent's method (Brent 1973, "Algorithms for Minimization without Derivatives", ch. 4;
 * the zeroin/zbrent form): bisection safeguarding inverse quadratic / secant steps.
 * Requires fa, fb of opposite signs (or one zero); returns b with |b - root| <~ tol.
 */
function brent(g: (x: number) => number, a: number, b: number, fa: number, fb: number, tol: number): number {
  let c = b, fc = fb, d = b - a, e = d;
  for (let iter = 0; iter < 200; iter++) {
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
      d = e = b - a;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol1 = 2 * Number.EPSILON * Math.abs(b) + 0.5 * tol;
    const xm = 0.5 * (c - b);
    if (Math.abs(xm) <= tol1 || fb === 0) return b;
    if (Math.abs(e) >= tol1 && Math.abs(fa) > Math.abs(fb)) {
      const s = fb / fa;
      let p: number, q: number;
      if (a === c) {
        p = 2 * xm * s; // secant
        q = 1 - s;
      } else {
        const qq = fa / fc, r = fb / fc; // inverse quadratic interpolation
        p = s * (2 * xm * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (2 * p < Math.min(3 * xm * q - Math.abs(tol1 * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = e = xm;
      }
    } else {
      d = e = xm;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol1 ? d : xm > 0 ? tol1 : -tol1;
    fb = g(b);
  }
  return b;
}

export interface CrossingsResult {
  /** First-crossing time per event, null if not crossed before the solve ended. */
  times: (number | null)[];
  result: OdeResult;
}

/**
 * Integrate from t0 towards tEnd and report each event's first crossing time. By default
 * the solve stops as soon as every event has been found (result.stopped = true).
 */
export function findCrossings(
  f: Rhs,
  t0: number,
  y0: Float64Array,
  tEnd: number,
  events: readonly EventSpec[],
  opts: OdeOptions & CrossingOptions & { stopWhenAllFound?: boolean },
): CrossingsResult {
  const finder = new CrossingFinder(events, y0.length, opts);
  const y0p = Float64Array.from(y0);
  if (opts.project) opts.project(y0p);
  finder.init(t0, y0p);
  const stopAll = opts.stopWhenAllFound ?? true;
  const user = opts.onStep;
  const result = dopri5(f, t0, y0, tEnd, {
    ...opts,
    onStep: (s) => {
      const done = finder.pendingCount > 0 ? finder.onStep(s) : true;
      const userStop = user ? user(s) === true : false;
      return userStop || (stopAll && done);
    },
  });
  return { times: finder.times, result };
}
