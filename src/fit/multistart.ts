/**
 * Multi-start bookkeeping: L-BFGS from every start of a grid, the best end points ranked by
 * (objective, start index) so that any split of the starts gives the same result, then the polish.
 */

import { Lbfgs, type Objective } from "../engine/optim/lbfgs.js";

/** lo, lo + step, ..., up to hi: the values of one axis of a start grid. */
export const range = (lo: number, hi: number, step: number): number[] => {
  const out: number[] = [];
  for (let i = 0; lo + i * step <= hi + 1e-12; i++) out.push(lo + i * step);
  return out;
};

/** End points re-optimised with tight tolerances after the grid. */
export const POLISH_TOP = 8;
export const POLISH_OPTS = { pgtol: 0, factr: 10, ftolFloor: 0 };
export const LARGE_POLISH_OPTS = { pgtol: 0, factr: 1e5, ftolFloor: 1 };

/** One end point of a start: its objective, point and start index (for a split-independent order). */
export interface EndPoint { f: number; x: Float64Array; index: number }

/** (f, index) order: lower objective first, ties to the earlier start. */
function better(a: EndPoint, b: EndPoint): number {
  return a.f !== b.f ? a.f - b.f : a.index - b.index;
}

/** The best `cap` end points seen, sorted by (objective, start index). */
class TopK {
  readonly items: EndPoint[] = [];
  constructor(private readonly cap: number) {}
  offer(f: number, x: Float64Array, index: number): void {
    if (!Number.isFinite(f)) return;
    const items = this.items;
    const e: EndPoint = { f, x: Float64Array.from(x), index };
    if (items.length === this.cap && better(e, items[items.length - 1]) >= 0) return;
    let i = items.length;
    while (i > 0 && better(items[i - 1], e) > 0) i--;
    items.splice(i, 0, e);
    if (items.length > this.cap) items.pop();
  }
}

/** Merge the end points of several chunks of starts into the best `cap`. */
export function mergeEndPoints(chunks: readonly EndPoint[][], cap = POLISH_TOP): EndPoint[] {
  return chunks.flat().sort(better).slice(0, cap);
}

/**
 * Run L-BFGS from starts [from, to) of `starts` (dim values each, flat) and return the best
 * POLISH_TOP end points with their start indices, and the evaluations spent.
 */
export function runStarts(
  fn: Objective,
  dim: number,
  starts: Float64Array,
  from: number,
  to: number,
  onStart?: () => void,
): { top: EndPoint[]; evaluations: number } {
  const opt = new Lbfgs(dim);
  const top = new TopK(POLISH_TOP);
  const x = new Float64Array(dim);
  let evaluations = 0;
  for (let i = from; i < to; i++) {
    for (let j = 0; j < dim; j++) x[j] = starts[i * dim + j];
    const r = opt.minimize(fn, x);
    evaluations += r.evaluations;
    top.offer(r.f, x, i);
    onStart?.();
  }
  return { top: top.items, evaluations };
}

/** Polish the best end points; returns the best [f, x] and the evaluations spent. */
export function polish(fn: Objective, dim: number, top: readonly EndPoint[], opts = POLISH_OPTS): { f: number; x: Float64Array; evaluations: number } {
  const opt = new Lbfgs(dim, opts);
  let bestF = Infinity;
  let bestX: Float64Array = new Float64Array(dim);
  let evaluations = 0;
  for (let i = 0; i < top.length; i++) {
    const x = Float64Array.from(top[i].x);
    const r = opt.minimize(fn, x);
    evaluations += r.evaluations;
    // minimize never returns a point worse than its start, but guard the bookkeeping anyway.
    const f = r.f <= top[i].f ? r.f : top[i].f;
    const xf = r.f <= top[i].f ? x : top[i].x;
    if (f < bestF) {
      bestF = f;
      bestX = xf;
    }
  }
  return { f: bestF, x: bestX, evaluations };
}
