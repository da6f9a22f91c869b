/**
 * Nelder-Mead simplex minimisation (reflection 1, expansion 2, contraction and shrink 1/2) of a
 * function of a few variables, without derivatives: stops when every vertex is within xtol of
 * the best in every coordinate, or after maxEval evaluations.
 */

/** A point and the function's value there. */
export interface Minimum {
  x: Float64Array;
  f: number;
}

/** Nelder-Mead in P dimensions from x0 with initial steps `step`; to |simplex| < xtol. */
export function nelderMead(f: (x: Float64Array) => number, x0: Float64Array, step: Float64Array, xtol = 1e-10, maxEval = 4000): Minimum {
  const P = x0.length;
  const pts: Float64Array[] = [];
  const fv: number[] = [];
  for (let i = 0; i <= P; i++) {
    const p = Float64Array.from(x0);
    if (i > 0) p[i - 1] += step[i - 1];
    pts.push(p);
    fv.push(f(p));
  }
  let evals = P + 1;
  const centroid = new Float64Array(P), xr = new Float64Array(P), xe = new Float64Array(P), xc = new Float64Array(P);
  const order = Array.from({ length: P + 1 }, (_, i) => i);
  while (evals < maxEval) {
    order.sort((a, b) => fv[a] - fv[b]);
    const bi = order[0], wi = order[P], si = order[P - 1];
    let size = 0;
    for (let i = 0; i <= P; i++) for (let j = 0; j < P; j++) size = Math.max(size, Math.abs(pts[i][j] - pts[bi][j]));
    if (size < xtol) break;
    centroid.fill(0);
    for (const i of order.slice(0, P)) for (let j = 0; j < P; j++) centroid[j] += pts[i][j] / P;
    for (let j = 0; j < P; j++) xr[j] = centroid[j] + (centroid[j] - pts[wi][j]);
    const fr = f(xr); evals++;
    if (fr < fv[bi]) {
      for (let j = 0; j < P; j++) xe[j] = centroid[j] + 2 * (centroid[j] - pts[wi][j]);
      const fe = f(xe); evals++;
      if (fe < fr) { pts[wi].set(xe); fv[wi] = fe; } else { pts[wi].set(xr); fv[wi] = fr; }
    } else if (fr < fv[si]) {
      pts[wi].set(xr); fv[wi] = fr;
    } else {
      const outside = fr < fv[wi];
      for (let j = 0; j < P; j++) xc[j] = outside ? centroid[j] + 0.5 * (xr[j] - centroid[j]) : centroid[j] + 0.5 * (pts[wi][j] - centroid[j]);
      const fc = f(xc); evals++;
      if (fc < Math.min(fr, fv[wi])) { pts[wi].set(xc); fv[wi] = fc; }
      else {
        for (let i = 0; i <= P; i++) {
          if (i === bi) continue;
          for (let j = 0; j < P; j++) pts[i][j] = pts[bi][j] + 0.5 * (pts[i][j] - pts[bi][j]);
          fv[i] = f(pts[i]); evals++;
        }
      }
    }
  }
  let b = 0;
  for (let i = 1; i <= P; i++) if (fv[i] < fv[b]) b = i;
  return { x: Float64Array.from(pts[b]), f: fv[b] };
}
