/**
 * Exact natural-gradient preconditioning for the Geometry model (Amari 1998): the update
 * direction is (F + lambda I)^-1 g, with the Fisher of the model's own loss
 *
 *     F = T^T W T = sum_i w_i t_i t_i^T,   w_i = p_i                 (mse)
 *                                          w_i = p_i s_i (1 - s_i)   (ce, from the current s)
 *
 * (T: the n x N matrix of skill vectors as rows; lambda: the damping). Two exact ways to solve:
 *   n <= N  (push-through / Woodbury identity, an n x n solve):
 *     (lambda I_N + T^T W T)^-1 g = (g - T^T W^1/2 u) / lambda,
 *     where (lambda I_n + W^1/2 G W^1/2) u = W^1/2 T g and G = T T^T (computed once)
 *   n > N   (an N x N solve): (T^T W T + lambda I_N) x = g
 * Both by Cholesky on buffers allocated once; with constant weights (mse) the factor is
 * computed once and each step costs only O(n N) (two products with T) plus two triangular
 * solves. The solve dimension m = min(n, N) is limited to MAX_NATURAL_DIM: beyond it an
 * m x m factorisation per step is no longer a sensible simulation (see `naturalLimitError`).
 * Pure code, no I/O.
 */

/** Largest solve dimension m = min(skills, params) accepted for the natural-gradient optimizer. */
export const MAX_NATURAL_DIM = 1024;

/** Why a natural-gradient run of this size is refused, or null when it is fine. */
export function naturalLimitError(n: number, N: number): string | null {
  const m = Math.min(n, N);
  if (m <= MAX_NATURAL_DIM) return null;
  return (
    `the natural-gradient optimizer solves an m x m system with m = min(skills, params) = ${m}, ` +
    `above the limit of ${MAX_NATURAL_DIM} (an m^3/3 factorisation per step); use fewer skills or parameters, or another optimizer`
  );
}

/** In-place Cholesky A = L L^T of the m x m row-major SPD matrix A (lower triangle overwritten). */
export function cholesky(A: Float64Array, m: number): void {
  for (let j = 0; j < m; j++) {
    const rj = j * m;
    let d = A[rj + j];
    for (let k = 0; k < j; k++) d -= A[rj + k] * A[rj + k];
    if (!(d > 0)) throw new Error(`natural gradient: the damped Fisher is not positive definite (pivot ${j}: ${d}); increase damping`);
    const ljj = Math.sqrt(d);
    A[rj + j] = ljj;
    for (let i = j + 1; i < m; i++) {
      const ri = i * m;
      let s = A[ri + j];
      for (let k = 0; k < j; k++) s -= A[ri + k] * A[rj + k];
      A[ri + j] = s / ljj;
    }
  }
}

/** Solve L L^T x = b in place (b becomes x) with the factor from `cholesky`. */
export function choleskySolve(L: Float64Array, m: number, b: Float64Array): void {
  for (let i = 0; i < m; i++) {
    const ri = i * m;
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[ri + k] * b[k];
    b[i] = s / L[ri + i];
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < m; k++) s -= L[k * m + i] * b[k];
    b[i] = s / L[i * m + i];
  }
}

export class NaturalPreconditioner {
  readonly m: number;
  private readonly small: boolean; // n <= N: the n x n (Woodbury) form
  private readonly G: Float64Array | null; // T T^T (n x n), small form only
  private readonly A: Float64Array; // the m x m system, factored in place
  private readonly y: Float64Array; // length m
  private readonly sw: Float64Array; // sqrt(w), length n
  private factoredFor: Float64Array | null = null; // weights of the current factor (constant-weight reuse)

  constructor(
    private readonly T: Float64Array,
    private readonly n: number,
    private readonly N: number,
    private readonly damping: number,
  ) {
    if (!(damping > 0)) throw new Error("natural gradient: damping must be positive");
    this.small = n <= N;
    this.m = Math.min(n, N);
    this.A = new Float64Array(this.m * this.m);
    this.y = new Float64Array(this.m);
    this.sw = new Float64Array(n);
    if (this.small) {
      const G = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let k = 0; k <= i; k++) {
          let s = 0;
          const oi = i * N, ok = k * N;
          for (let j = 0; j < N; j++) s += T[oi + j] * T[ok + j];
          G[i * n + k] = s;
          G[k * n + i] = s;
        }
      }
      this.G = G;
    } else this.G = null;
  }

  private factor(w: Float64Array): void {
    const { n, N, m, A, sw } = this;
    const lam = this.damping;
    for (let i = 0; i < n; i++) sw[i] = Math.sqrt(w[i]);
    if (this.small) {
      const G = this.G!;
      for (let i = 0; i < n; i++) for (let k = 0; k <= i; k++) A[i * n + k] = sw[i] * G[i * n + k] * sw[k] + (i === k ? lam : 0);
    } else {
      A.fill(0);
      const T = this.T;
      for (let i = 0; i < n; i++) {
        const wi = w[i], o = i * N;
        if (wi === 0) continue;
        for (let a = 0; a < N; a++) {
          const ta = wi * T[o + a];
          if (ta === 0) continue;
          const ra = a * N;
          for (let b = 0; b <= a; b++) A[ra + b] += ta * T[o + b];
        }
      }
      for (let a = 0; a < N; a++) A[a * N + a] += lam;
    }
    cholesky(A, m);
    void m;
  }

  /**
   * out = (T^T diag(w) T + damping I)^-1 g. With `constantWeights` the factor of the first call
   * is reused (pass the same w every time, e.g. the frequencies for mse).
   */
  apply(w: Float64Array, g: Float64Array, out: Float64Array, constantWeights: boolean): void {
    const { n, N, m, A, y, sw, T } = this;
    if (!constantWeights || this.factoredFor !== w) {
      this.factor(w);
      this.factoredFor = constantWeights ? w : null;
    }
    if (this.small) {
      // y = W^1/2 T g; solve; out = (g - T^T W^1/2 u) / lambda
      for (let i = 0; i < n; i++) {
        let s = 0;
        const o = i * N;
        for (let j = 0; j < N; j++) s += T[o + j] * g[j];
        y[i] = sw[i] * s;
      }
      choleskySolve(A, m, y);
      for (let j = 0; j < N; j++) out[j] = g[j];
      for (let i = 0; i < n; i++) {
        const c = -sw[i] * y[i];
        if (c === 0) continue;
        const o = i * N;
        for (let j = 0; j < N; j++) out[j] += c * T[o + j];
      }
      const inv = 1 / this.damping;
      for (let j = 0; j < N; j++) out[j] *= inv;
    } else {
      for (let j = 0; j < N; j++) y[j] = g[j];
      choleskySolve(A, m, y);
      for (let j = 0; j < N; j++) out[j] = y[j];
    }
  }
}
