/**
 * What a scaling fit cannot tell: identifiability and degeneracy warnings, each saying what
 * it means and what would help (docs/fit.md, "Warnings"). Pure: a fit and its data in, a list
 * of { code, message } out.
 *
 * Parameter correlations come from the curvature of the objective at the optimum (the
 * Hessian, by central differences of the analytic gradient; covariance ~ H^-1) and, with a
 * bootstrap, from the resampled fits. They are taken in centred coordinates: log A is
 * replaced by log(A / N^alpha) at the data's geometric-mean N (likewise B and D), so the
 * trivial link between an intercept and its slope, which only says the data sit far from
 * N = 1, does not hide the links that matter (E with alpha, alpha with beta).
 */
import type { Objective } from "../engine/optim/lbfgs.js";
import {
  chinchillaObjectiveFn, powerLawObjectiveFn,
  type FitResult, type Loss,
} from "./chinchilla.js";

export interface FitWarning {
  /** Stable identifier: narrow-range, correlated, wide-interval, E-near-zero, E-at-data-floor, constant-y, fixed-E-above-data, flat-direction. */
  code: string;
  message: string;
}

/** Correlation threshold above which two parameters are reported as not separately identified. */
export const CORRELATION_LIMIT = 0.999;

export interface DiagnosticsInput {
  form: "chinchilla" | "powerlaw";
  /** Column names of x (one, or N and D) and y. */
  x: string[];
  y: string;
  xs: Float64Array[];
  ys: Float64Array;
  fit: FitResult<object>;
  loss: Loss;
  /** The E held fixed (power law), or null. */
  fixE: number | null;
  /** Bootstrap percentile intervals and per-resample parameters, when a bootstrap ran. */
  intervals?: Record<string, [number, number]> | null;
  samples?: Record<string, Float64Array> | null;
}

function minMax(v: ArrayLike<number>): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < v.length; i++) {
    if (v[i] < lo) lo = v[i];
    if (v[i] > hi) hi = v[i];
  }
  return [lo, hi];
}

function meanLog(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += Math.log(v[i]);
  return s / v.length;
}

const short = (v: number): string => (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : String(Number(v.toPrecision(4))));

/** Invert a symmetric matrix (Gauss-Jordan, partial pivoting); null when (near) singular. */
function invert(m: number[][]): number[][] | null {
  const n = m.length;
  const a = m.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(m[i][i]));
  if (!(scale > 0)) return null;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    if (!(Math.abs(a[p][c]) > 1e-13 * scale)) return null;
    [a[c], a[p]] = [a[p], a[c]];
    const piv = a[c][c];
    for (let j = 0; j < 2 * n; j++) a[c][j] /= piv;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r][c];
      if (f !== 0) for (let j = 0; j < 2 * n; j++) a[r][j] -= f * a[c][j];
    }
  }
  return a.map((row) => row.slice(n));
}

/** Hessian of fn at x by central differences of its gradient, symmetrised. */
function hessian(fn: Objective, x: Float64Array): number[][] {
  const n = x.length;
  const gp = new Float64Array(n), gm = new Float64Array(n);
  const H = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const y = Float64Array.from(x);
  for (let j = 0; j < n; j++) {
    const h = 1e-6 * Math.max(1, Math.abs(x[j]));
    y[j] = x[j] + h;
    fn(y, gp);
    y[j] = x[j] - h;
    fn(y, gm);
    y[j] = x[j];
    for (let i = 0; i < n; i++) H[i][j] = (gp[i] - gm[i]) / (2 * h);
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) H[i][j] = H[j][i] = 0.5 * (H[i][j] + H[j][i]);
  return H;
}

/** Correlation matrix of a covariance matrix (null if a variance is not positive). */
function correlation(cov: number[][]): number[][] | null {
  const n = cov.length;
  for (let i = 0; i < n; i++) if (!(cov[i][i] > 0)) return null;
  return cov.map((row, i) => row.map((v, j) => v / Math.sqrt(cov[i][i] * cov[j][j])));
}

export interface Correlations {
  /** Parameter names, in the order of the matrix (A and B stand for their centred logs). */
  names: string[];
  corr: number[][];
}

/**
 * Fitted coordinates -> centred ones: returns the names and the linear map M (theta' = M theta).
 * Chinchilla theta = [a, b, e, alpha, beta]; power law [a, alpha(, e)].
 */
function centring(inp: DiagnosticsInput): { names: string[]; M: number[][] } {
  const dim = inp.fit.theta.length;
  const M: number[][] = Array.from({ length: dim }, (_, i) => Array.from({ length: dim }, (_, j) => (i === j ? 1 : 0)));
  if (inp.form === "chinchilla") {
    M[0][3] = -meanLog(inp.xs[0]);
    M[1][4] = -meanLog(inp.xs[1]);
    return { names: ["A", "B", "E", "alpha", "beta"], M };
  }
  M[0][1] = -meanLog(inp.xs[0]);
  return { names: dim === 3 ? ["A", "alpha", "E"] : ["A", "alpha"], M };
}

/** Parameter correlations from the Hessian at the optimum; null when it is singular or not positive definite. */
export function hessianCorrelations(inp: DiagnosticsInput): Correlations | null {
  const { names, M } = centring(inp);
  const fn = inp.form === "chinchilla"
    ? chinchillaObjectiveFn(inp.xs[0], inp.xs[1], inp.ys, inp.loss)
    : powerLawObjectiveFn(inp.xs[0], inp.ys, inp.loss, inp.fixE);
  if (!inp.fit.theta.every(Number.isFinite)) return null;
  const Hinv = invert(hessian(fn, inp.fit.theta));
  if (!Hinv) return null;
  const n = names.length;
  // cov' = M H^-1 M^T
  const MH = M.map((row) => Array.from({ length: n }, (_, j) => row.reduce((s, v, k) => s + v * Hinv[k][j], 0)));
  const cov = MH.map((row) => Array.from({ length: n }, (_, j) => row.reduce((s, v, k) => s + v * M[j][k], 0)));
  const corr = correlation(cov);
  return corr ? { names, corr } : null;
}

/** Parameter correlations over the bootstrap refits, in the same centred coordinates. */
export function bootstrapCorrelations(inp: DiagnosticsInput): Correlations | null {
  const s = inp.samples;
  if (!s) return null;
  const K = s.alpha?.length ?? 0;
  if (K < 3) return null;
  const cols: Record<string, Float64Array> = {};
  if (inp.form === "chinchilla") {
    const cN = meanLog(inp.xs[0]), cD = meanLog(inp.xs[1]);
    cols.A = s.A.map((A, r) => Math.log(A) - s.alpha[r] * cN);
    cols.B = s.B.map((B, r) => Math.log(B) - s.beta[r] * cD);
    cols.E = s.E.map((E) => Math.log(E));
    cols.alpha = s.alpha;
    cols.beta = s.beta;
  } else {
    const cx = meanLog(inp.xs[0]);
    cols.A = s.A.map((A, r) => Math.log(A) - s.alpha[r] * cx);
    cols.alpha = s.alpha;
    if (inp.fixE === null) cols.E = s.E.map((E) => Math.log(E));
  }
  const names = Object.keys(cols).filter((k) => cols[k].every(Number.isFinite));
  const mean = names.map((k) => cols[k].reduce((a, b) => a + b, 0) / K);
  const cov = names.map((ki, i) => names.map((kj, j) => {
    let c = 0;
    for (let r = 0; r < K; r++) c += (cols[ki][r] - mean[i]) * (cols[kj][r] - mean[j]);
    return c / (K - 1);
  }));
  const corr = correlation(cov);
  return corr ? { names, corr } : null;
}

const MEANING: Record<string, string> = {
  "E/alpha": "a steeper law with a lower floor fits about as well as a flatter one with a higher floor",
  "E/beta": "a steeper law in D with a lower floor fits about as well as a flatter one with a higher floor",
  "alpha/beta": "the data cannot tell whether the loss falls because of N or because of D (N and D grow together in these runs)",
  "A/alpha": "the size of the N term and its exponent trade off over this range of N",
  "B/beta": "the size of the D term and its exponent trade off over this range of D",
};

function pairMeaning(a: string, b: string): string {
  return MEANING[`${a}/${b}`] ?? MEANING[`${b}/${a}`] ?? "one can move with the other and leave the fit about as good";
}

/** Every warning for this fit (see the file comment and docs/fit.md). */
export function fitWarnings(inp: DiagnosticsInput): FitWarning[] {
  const out: FitWarning[] = [];
  const [ylo, yhi] = minMax(inp.ys);
  const p = inp.fit.params as Record<string, number>;

  if (yhi - ylo <= 1e-12 * Math.abs(yhi)) {
    out.push({
      code: "constant-y",
      message: `${inp.y} is the same (${short(ylo)}) in every row: there is no trend to fit, and every parameter but the level is arbitrary. Check the --where filters and the --y column.`,
    });
  }
  if (inp.fixE !== null && inp.fixE > 0 && inp.fixE >= ylo) {
    out.push({
      code: "fixed-E-above-data",
      message: `the fixed E = ${short(inp.fixE)} is at or above the lowest ${inp.y} (${short(ylo)}): the law E + A/x^alpha never falls below E, so it cannot reach those rows and the fit is pulled off the rest. Use a smaller --fix-E, or let E be fitted.`,
    });
  }
  inp.x.forEach((name, j) => {
    const [lo, hi] = minMax(inp.xs[j]);
    if (lo > 0 && hi / lo < 10) {
      out.push({
        code: "narrow-range",
        message: `${name} spans less than a decade (${short(lo)} to ${short(hi)}, a factor ${short(hi / lo)}): an exponent measured over so short a range is weakly determined and says little about extrapolation. Add runs over a wider range of ${name}.`,
      });
    }
  });
  if (inp.fixE === null && "E" in p && ylo > 0) {
    if (p.E < 0.01 * ylo) {
      out.push({
        code: "E-near-zero",
        message: `the fitted floor E = ${short(p.E)} is near 0 while ${inp.y} never falls below ${short(ylo)}: the data show no irreducible loss in their range, so E is not determined (any small value fits about as well) and the exponents describe this range only. Fix E (--fix-E) if it is known, or add runs closer to the floor.`,
      });
    } else if (p.E > 0.98 * ylo) {
      out.push({
        code: "E-at-data-floor",
        message: `the fitted floor E = ${short(p.E)} is at the lowest ${inp.y} (${short(ylo)}): the law flattens onto the data's floor, so the exponent is set by a few points near it. Check those points (noise, a plateau, too few steps), or fit a range where the loss still falls.`,
      });
    }
  }
  if (inp.intervals) {
    for (const [k, [lo, hi]] of Object.entries(inp.intervals)) {
      if (!(k in p) || !(p[k] > 0)) continue;
      if (lo <= 0 || hi / lo > 10) {
        out.push({
          code: "wide-interval",
          message: `the interval of ${k}, [${short(lo)}, ${short(hi)}], spans ${lo <= 0 ? "zero" : `a factor ${short(hi / lo)}`}: the data do not pin ${k} down, so its point value ${short(p[k])} should not be quoted alone. More data, a wider range, or fixing a parameter that is known would narrow it.`,
        });
      }
    }
  }
  const flagged = new Map<string, { a: string; b: string; r: number; sources: string[] }>();
  const scan = (c: Correlations | null, source: string): void => {
    if (!c) return;
    for (let i = 0; i < c.names.length; i++) {
      for (let j = i + 1; j < c.names.length; j++) {
        const r = c.corr[i][j];
        if (Math.abs(r) < CORRELATION_LIMIT) continue;
        const key = `${c.names[i]}/${c.names[j]}`;
        const f = flagged.get(key);
        if (f) f.sources.push(`${source} r = ${r.toFixed(3)}`);
        else flagged.set(key, { a: c.names[i], b: c.names[j], r, sources: [`${source} r = ${r.toFixed(3)}`] });
      }
    }
  };
  const hc = inp.fit.theta.every(Number.isFinite) ? hessianCorrelations(inp) : null;
  if (!hc && inp.fit.theta.every(Number.isFinite)) {
    out.push({
      code: "flat-direction",
      message: "the objective is flat in some direction at the optimum (its curvature matrix is singular or not positive definite): at least one parameter, or a combination of them, is not determined by the data. FLAT_HINT",
    });
  }
  scan(hc, "curvature at the optimum:");
  scan(bootstrapCorrelations(inp), "bootstrap:");
  for (const f of flagged.values()) {
    const name = (s: string): string => (s === "A" ? `A (at the data's centre in ${inp.x[0]})` : s === "B" ? `B (at the data's centre in ${inp.x[1]})` : s);
    out.push({
      code: "correlated",
      message: `${name(f.a)} and ${name(f.b)} are strongly correlated (${f.sources.join("; ")}): ${pairMeaning(f.a, f.b)}, so neither is determined alone. Read their intervals together; data over a wider range, or fixing one of them, would separate them.`,
    });
  }
  // "the warnings above" only when there are other warnings to look at
  const flat = out.find((w) => w.code === "flat-direction");
  if (flat) {
    const others = out.length > 1;
    const boot = inp.samples ? "the bootstrap intervals" : "the bootstrap intervals (--bootstrap K)";
    flat.message = flat.message.replace("FLAT_HINT", others ? `See the other warnings and ${boot}.` : `See ${boot}.`);
  }
  return out;
}
