/**
 * Unconstrained L-BFGS (Nocedal 1980; Liu & Nocedal 1989) with the Moré–Thuente line search
 * (Moré & Thuente 1994, the MINPACK-2 routines dcsrch/dcstep), written to behave like SciPy's
 * L-BFGS-B with no bounds and default options:
 *
 * - memory m = 10, two-loop recursion with the initial Hessian scaled by s'y / y'y;
 * - first step of a (re)started run 1 / ||d||_2, later steps start at 1; line search
 *   ftol = 1e-3, gtol = 0.9, xtol = 0.1 (strong Wolfe), at most 20 evaluations per search;
 * - stop when ||g||_inf <= pgtol (1e-5), when (f_old - f) <= factr * eps * max(|f_old|, |f|, 1)
 *   (factr 1e7, i.e. about 2.2e-9), or after maxiter (15000) iterations / maxfun (15000)
 *   evaluations;
 * - a failed line search discards the memory and retries along -g; a second failure in a row
 *   ends the run.
 * Deviation from L-BFGS-B: a line search that ends on a Moré–Thuente warning (rounding errors,
 * xtol) is accepted only if it lowered f; otherwise it counts as a failure. So the returned
 * point is always the best point seen along the accepted iterates.
 *
 * `ftolFloor` replaces the 1 in max(|f_old|, |f|, 1): 0 makes the f test purely relative
 * (used to polish an optimum whose objective is far below 1).
 *
 * All work arrays are allocated once per `Lbfgs` instance, sized for n; `minimize` allocates
 * nothing, so one instance serves thousands of starts.
 */

/** Objective: return f(x) and write the gradient into g. Must not keep references to x or g. */
export type Objective = (x: Float64Array, g: Float64Array) => number;

export interface LbfgsOptions {
  /** Number of correction pairs kept (default 10). */
  m?: number;
  /** Stop when max_i |g_i| <= pgtol (default 1e-5). */
  pgtol?: number;
  /** Relative f-decrease tolerance factor, in units of machine epsilon (default 1e7). */
  factr?: number;
  /** Floor of the denominator in the f test (default 1, as L-BFGS-B). */
  ftolFloor?: number;
  /** Maximum iterations (default 15000). */
  maxiter?: number;
  /** Maximum objective evaluations (default 15000). */
  maxfun?: number;
}

export type LbfgsStatus = "pgtol" | "ftol" | "maxiter" | "maxfun" | "linesearch" | "nonfinite";

export interface LbfgsResult {
  /** Objective at the returned x. */
  f: number;
  iterations: number;
  evaluations: number;
  status: LbfgsStatus;
}

const EPS = 2.220446049250313e-16;
const STPMAX = 1e10;
// Moré–Thuente parameters as L-BFGS-B's lnsrlb.
const LS_FTOL = 1e-3;
const LS_GTOL = 0.9;
const LS_XTOL = 0.1;
const LS_MAXFEV = 20;
const XTRAPL = 1.1;
const XTRAPU = 4.0;

/** Moré–Thuente state (MINPACK-2 dcsrch), driven by reverse communication. */
class MoreThuente {
  // interval and function/derivative values at its ends
  stx = 0; fx = 0; gx = 0;
  sty = 0; fy = 0; gy = 0;
  stmin = 0; stmax = 0;
  brackt = false;
  stage = 1;
  finit = 0; ginit = 0; gtest = 0;
  width = 0; width1 = 0;
  stpmin = 0; stpmax = 0;
  /** Next trial step after `start` / `next`. */
  stp = 0;

  start(f0: number, g0: number, stp: number, stpmin: number, stpmax: number): void {
    this.brackt = false;
    this.stage = 1;
    this.finit = f0;
    this.ginit = g0;
    this.gtest = LS_FTOL * g0;
    this.width = stpmax - stpmin;
    this.width1 = this.width / 0.5;
    this.stx = 0; this.fx = f0; this.gx = g0;
    this.sty = 0; this.fy = f0; this.gy = g0;
    this.stmin = 0;
    this.stmax = stp + XTRAPU * stp;
    this.stpmin = stpmin;
    this.stpmax = stpmax;
    this.stp = stp;
  }

  /**
   * Report f and the directional derivative g at the current trial step `this.stp`.
   * Returns 0: evaluate again at the new `this.stp`; 1: converged (strong Wolfe holds);
   * 2: stopped on a warning (rounding errors, xtol, stpmax, stpmin) at the current step.
   */
  next(f: number, g: number): number {
    const stp = this.stp;
    const ftest = this.finit + stp * this.gtest;
    if (this.stage === 1 && f <= ftest && g >= 0) this.stage = 2;
    let warn = false;
    if (this.brackt && (stp <= this.stmin || stp >= this.stmax)) warn = true;
    if (this.brackt && this.stmax - this.stmin <= LS_XTOL * this.stmax) warn = true;
    if (stp === this.stpmax && f <= ftest && g <= this.gtest) warn = true;
    if (stp === this.stpmin && (f > ftest || g >= this.gtest)) warn = true;
    if (f <= ftest && Math.abs(g) <= LS_GTOL * -this.ginit) return 1;
    if (warn) return 2;

    if (this.stage === 1 && f <= this.fx && f > ftest) {
      // Modified function psi(stp) = f(stp) - f(0) - stp * gtest while in stage 1.
      const gtest = this.gtest;
      this.fx -= this.stx * gtest; this.fy -= this.sty * gtest;
      this.gx -= gtest; this.gy -= gtest;
      this.dcstep(stp, f - stp * gtest, g - gtest);
      this.fx += this.stx * gtest; this.fy += this.sty * gtest;
      this.gx += gtest; this.gy += gtest;
    } else {
      this.dcstep(stp, f, g);
    }

    if (this.brackt) {
      if (Math.abs(this.sty - this.stx) >= 0.66 * this.width1) this.stp = this.stx + 0.5 * (this.sty - this.stx);
      this.width1 = this.width;
      this.width = Math.abs(this.sty - this.stx);
      this.stmin = Math.min(this.stx, this.sty);
      this.stmax = Math.max(this.stx, this.sty);
    } else {
      this.stmin = this.stp + XTRAPL * (this.stp - this.stx);
      this.stmax = this.stp + XTRAPU * (this.stp - this.stx);
    }
    this.stp = Math.min(Math.max(this.stp, this.stpmin), this.stpmax);
    if (
      (this.brackt && (this.stp <= this.stmin || this.stp >= this.stmax)) ||
      (this.brackt && this.stmax - this.stmin <= LS_XTOL * this.stmax)
    ) {
      this.stp = this.stx;
    }
    return 0;
  }

  /** MINPACK-2 dcstep: safeguarded cubic/quadratic step; updates the interval and this.stp. */
  private dcstep(stp: number, fp: number, dp: number): void {
    const stx = this.stx, fx = this.fx, dx = this.gx;
    const sty = this.sty, fy = this.fy, dy = this.gy;
    const stpmin = this.stmin, stpmax = this.stmax;
    const sgnd = dp * (dx / Math.abs(dx));
    let stpf: number;
    if (fp > fx) {
      // Case 1: higher function value; the minimum is bracketed.
      const { theta, gamma: root } = cubic(fx, fp, dx, dp, stx, stp);
      const gamma = stp < stx ? -root : root;
      const p = gamma - dx + theta;
      const q = gamma - dx + gamma + dp;
      const r = p / q;
      const stpc = stx + r * (stp - stx);
      const stpq = stx + (dx / ((fx - fp) / (stp - stx) + dx) / 2) * (stp - stx);
      stpf = Math.abs(stpc - stx) < Math.abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2;
      this.brackt = true;
    } else if (sgnd < 0) {
      // Case 2: lower value, derivatives of opposite sign; bracketed.
      const { theta, gamma: root } = cubic(fx, fp, dx, dp, stx, stp);
      const gamma = stp > stx ? -root : root;
      const p = gamma - dp + theta;
      const q = gamma - dp + gamma + dx;
      const r = p / q;
      const stpc = stp + r * (stx - stp);
      const stpq = stp + (dp / (dp - dx)) * (stx - stp);
      stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
      this.brackt = true;
    } else if (Math.abs(dp) < Math.abs(dx)) {
      // Case 3: lower value, same-sign derivative decreasing in magnitude.
      const { theta, gamma: root } = cubic(fx, fp, dx, dp, stx, stp);
      const gamma = stp > stx ? -root : root;
      const p = gamma - dp + theta;
      const q = gamma + (dx - dp) + gamma;
      const r = p / q;
      let stpc: number;
      if (r < 0 && gamma !== 0) stpc = stp + r * (stx - stp);
      else if (stp > stx) stpc = stpmax;
      else stpc = stpmin;
      const stpq = stp + (dp / (dp - dx)) * (stx - stp);
      if (this.brackt) {
        stpf = Math.abs(stpc - stp) < Math.abs(stpq - stp) ? stpc : stpq;
        if (stp > stx) stpf = Math.min(stp + 0.66 * (sty - stp), stpf);
        else stpf = Math.max(stp + 0.66 * (sty - stp), stpf);
      } else {
        stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
        stpf = Math.min(stpmax, stpf);
        stpf = Math.max(stpmin, stpf);
      }
    } else {
      // Case 4: lower value, same-sign derivative not decreasing in magnitude.
      if (this.brackt) {
        const { theta, gamma: root } = cubic(fp, fy, dy, dp, stp, sty);
        const gamma = stp > sty ? -root : root;
        const p = gamma - dp + theta;
        const q = gamma - dp + gamma + dy;
        const r = p / q;
        stpf = stp + r * (sty - stp);
      } else if (stp > stx) {
        stpf = stpmax;
      } else {
        stpf = stpmin;
      }
    }
    // Update the interval that contains a minimiser.
    if (fp > fx) {
      this.sty = stp; this.fy = fp; this.gy = dp;
    } else {
      if (sgnd < 0) {
        this.sty = stx; this.fy = fx; this.gy = dx;
      }
      this.stx = stp; this.fx = fp; this.gx = dp;
    }
    this.stp = stpf;
  }
}

/**
 * dcstep's cubic through the step ends (t1, f1, d1) and (t2, f2, d2): theta and the
 * square-root term gamma >= 0 (scaled by the largest of |theta|, |d1|, |d2| against
 * overflow); each case gives gamma its sign.
 */
function cubic(f1: number, f2: number, d1: number, d2: number, t1: number, t2: number): { theta: number; gamma: number } {
  const theta = (3 * (f1 - f2)) / (t2 - t1) + d1 + d2;
  const s = Math.max(Math.abs(theta), Math.abs(d1), Math.abs(d2));
  return { theta, gamma: s * Math.sqrt(Math.max(0, (theta / s) * (theta / s) - (d1 / s) * (d2 / s))) };
}

function dot(a: Float64Array, b: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

function normInf(a: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const v = Math.abs(a[i]);
    if (v > s) s = v;
  }
  return s;
}

/** L-BFGS minimiser for objectives of a fixed dimension n; reusable across starts. */
export class Lbfgs {
  readonly n: number;
  private readonly m: number;
  private readonly pgtol: number;
  private readonly ftol: number;
  private readonly ftolFloor: number;
  private readonly maxiter: number;
  private readonly maxfun: number;
  private readonly S: Float64Array[];
  private readonly Y: Float64Array[];
  private readonly rho: Float64Array;
  private readonly alphaBuf: Float64Array;
  private readonly g: Float64Array;
  private readonly d: Float64Array;
  private readonly xt: Float64Array;
  private readonly gt: Float64Array;
  private sSpare: Float64Array;
  private ySpare: Float64Array;
  private readonly ls = new MoreThuente();

  constructor(n: number, opts: LbfgsOptions = {}) {
    this.n = n;
    this.m = opts.m ?? 10;
    this.pgtol = opts.pgtol ?? 1e-5;
    this.ftol = (opts.factr ?? 1e7) * EPS;
    this.ftolFloor = opts.ftolFloor ?? 1;
    this.maxiter = opts.maxiter ?? 15000;
    this.maxfun = opts.maxfun ?? 15000;
    this.S = Array.from({ length: this.m }, () => new Float64Array(n));
    this.Y = Array.from({ length: this.m }, () => new Float64Array(n));
    this.rho = new Float64Array(this.m);
    this.alphaBuf = new Float64Array(this.m);
    this.g = new Float64Array(n);
    this.d = new Float64Array(n);
    this.xt = new Float64Array(n);
    this.gt = new Float64Array(n);
    this.sSpare = new Float64Array(n);
    this.ySpare = new Float64Array(n);
  }

  /** Minimise fn from x (overwritten with the solution). */
  minimize(fn: Objective, x: Float64Array): LbfgsResult {
    const n = this.n, m = this.m;
    const { S, Y, rho, alphaBuf: al, g, d, xt, gt, ls } = this;
    let f = fn(x, g);
    let nfev = 1;
    let iter = 0;
    if (!Number.isFinite(f)) return { f, iterations: 0, evaluations: nfev, status: "nonfinite" };
    if (normInf(g, n) <= this.pgtol) return { f, iterations: 0, evaluations: nfev, status: "pgtol" };

    let col = 0; // stored pairs
    let head = 0; // index of the oldest pair
    let failures = 0; // consecutive failed line searches

    for (;;) {
      // Search direction d = -H g (two-loop recursion).
      for (let i = 0; i < n; i++) d[i] = -g[i];
      if (col > 0) {
        for (let j = col - 1; j >= 0; j--) {
          const k = (head + j) % m;
          const a = rho[k] * dot(S[k], d, n);
          al[k] = a;
          const y = Y[k];
          for (let i = 0; i < n; i++) d[i] -= a * y[i];
        }
        const kn = (head + col - 1) % m;
        const gamma = 1 / (rho[kn] * dot(Y[kn], Y[kn], n)); // s'y / y'y
        for (let i = 0; i < n; i++) d[i] *= gamma;
        for (let j = 0; j < col; j++) {
          const k = (head + j) % m;
          const b = rho[k] * dot(Y[k], d, n);
          const s = S[k];
          const c = al[k] - b;
          for (let i = 0; i < n; i++) d[i] += c * s[i];
        }
      }
      const gd0 = dot(g, d, n);
      let ok = false;
      let stp = 0;
      let fnew = f;
      if (gd0 < 0) {
        const dnorm = Math.sqrt(dot(d, d, n));
        stp = col === 0 ? Math.min(1 / dnorm, STPMAX) : 1;
        ls.start(f, gd0, stp, 0, STPMAX);
        for (let it = 0; it < LS_MAXFEV; it++) {
          stp = ls.stp;
          for (let i = 0; i < n; i++) xt[i] = x[i] + stp * d[i];
          fnew = fn(xt, gt);
          nfev++;
          const gd = dot(gt, d, n);
          if (!Number.isFinite(fnew) || !Number.isFinite(gd)) {
            // Overflow at this step: restart the search at a tenth of it, never going beyond half.
            ls.start(f, gd0, 0.1 * stp, 0, 0.5 * stp);
            continue;
          }
          const code = ls.next(fnew, gd);
          if (code === 1) { ok = true; break; }
          if (code === 2) { ok = fnew < f; break; }
          if (nfev >= this.maxfun) { ok = fnew < f; break; }
        }
      }
      if (!ok) {
        if (nfev >= this.maxfun) return { f, iterations: iter, evaluations: nfev, status: "maxfun" };
        if (col === 0 || failures >= 1) return { f, iterations: iter, evaluations: nfev, status: "linesearch" };
        failures++;
        col = 0;
        head = 0;
        continue;
      }
      failures = 0;
      iter++;
      // Accept: s = stp d, y = gt - g, written into the spare pair (swapped in below if kept).
      const s = this.sSpare, y = this.ySpare;
      for (let i = 0; i < n; i++) {
        s[i] = stp * d[i];
        y[i] = gt[i] - g[i];
        x[i] = xt[i];
        g[i] = gt[i];
      }
      const fold = f;
      f = fnew;
      if (normInf(g, n) <= this.pgtol) return { f, iterations: iter, evaluations: nfev, status: "pgtol" };
      if (fold - f <= this.ftol * Math.max(Math.abs(fold), Math.abs(f), this.ftolFloor)) {
        return { f, iterations: iter, evaluations: nfev, status: "ftol" };
      }
      if (iter >= this.maxiter) return { f, iterations: iter, evaluations: nfev, status: "maxiter" };
      if (nfev >= this.maxfun) return { f, iterations: iter, evaluations: nfev, status: "maxfun" };
      // Keep the pair only if the curvature s'y is safely positive (as L-BFGS-B).
      const sy = dot(s, y, n);
      if (sy > EPS * -gd0 * stp) {
        const slot = col < m ? (head + col) % m : head;
        this.sSpare = S[slot];
        this.ySpare = Y[slot];
        S[slot] = s;
        Y[slot] = y;
        rho[slot] = 1 / sy;
        if (col < m) col++;
        else head = (head + 1) % m;
      }
    }
  }
}
