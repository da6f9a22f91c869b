/**
 * The Geometry model's exact timeline in batch mode (see ./model.ts; full batch computes every
 * overlap at every step anyway): the first step past each threshold, without computing all n
 * overlaps at every step.
 *
 * At step t + 1 the drawn skills' overlaps at theta_t are computed for the gradient; the
 * timeline at t uses them, and evaluates only the other skills that could have reached an
 * event since the last checkpoint (OverlapWatch: Cauchy-Schwarz on |theta_t - theta_c|).
 * Events: the next threshold (as an overlap; levels are increasing in z), and for mse the
 * guard's limits, so a level leaving the range is caught at its first step too.
 */
import type { GeometryConfig } from "../../config/schema.js";
import type { RunGuard } from "../guard.js";
import { levelAtThreshold, OverlapWatch, thresholdList, type CrossingTracker } from "../timeline.js";
import { skillLevel } from "./step.js";
import type { Workspace } from "./workspace.js";

/** Exact timelines' refresh rule: a new checkpoint (all n overlaps) once the due-skill
 * evaluations since the last one have cost REFRESH_AFTER x n dot products (measured on the
 * 1000-skill bench setting: 1, 2 and 4 cost the same within the noise; 2 is the middle). */
const REFRESH_AFTER = 2;

/** |t_i| for each row of T. */
function rowNorms(T: Float64Array, n: number, N: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sq = 0;
    for (let j = i * N; j < (i + 1) * N; j++) sq += T[j] * T[j];
    out[i] = Math.sqrt(sq);
  }
  return out;
}

export class ExactTimeline {
  private readonly watch: OverlapWatch;
  private readonly pos: Int32Array; // k with touched[k] = i, else -1
  private readonly dueIdx: Int32Array;
  private readonly zThreshold: Float64Array; // skill i's threshold j as an overlap, rounded down
  private zLo = -Infinity;
  private zHi = Infinity;
  private guard: RunGuard | null = null;
  private spent = 0; // near-set dot products since the checkpoint
  /** Checkpoints (all n overlaps) so far. */
  checkpoints = 0;
  /** Due skills' dot products so far. */
  nearDots = 0;
  /** How far skill i, at its overlap in z, is from its next event (OverlapWatch.checkpoint). */
  private readonly distance = (i: number): number => this.distanceAt(i, this.z[i]);

  /**
   * ws: the run's workspace (theta, touched, zb, nearIdx, zn); z: every overlap, valid after
   * computeAll(t), which also observes the tracker at t. The vectors in ws.T are final.
   */
  constructor(
    private readonly ws: Workspace,
    private readonly n: number,
    N: number,
    f32: boolean,
    private readonly ce: boolean,
    private readonly tracker: CrossingTracker,
    private readonly z: Float64Array,
    private readonly computeAll: (t: number) => void,
  ) {
    // float32: 3.7 units of 2^-24 per parameter, one more for rounding theta to float32
    this.watch = new OverlapWatch(n, N, rowNorms(ws.T, n, N), f32 ? 2.2e-7 * (1 + 1 / N) : undefined, ws.dueScan() ?? undefined);
    this.pos = new Int32Array(n).fill(-1);
    this.dueIdx = ws.dueIdx;
    this.zThreshold = new Float64Array(3 * n);
  }

  /** At t = 0, every overlap in z: the thresholds as overlaps, the guard's limits (mse with
   * independent skill directions: `limits`), and the first checkpoint. */
  start(guard: RunGuard, initialLevel: readonly number[], timeline: GeometryConfig["timeline"], limits: boolean): void {
    this.guard = guard;
    const th = thresholdList(timeline);
    const n = this.n, ce = this.ce;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < 3; j++) {
        const L = levelAtThreshold(th[j], initialLevel[i], timeline.on);
        const zt = ce ? Math.log(L / (1 - L)) : L; // the level's inverse: sigmoid^-1 or identity
        this.zThreshold[3 * i + j] = zt - 1e-9 * (1 + Math.abs(zt)); // below it, never past (rounding of s(z))
      }
    if (limits) {
      this.zLo = guard.allowed.lo;
      this.zHi = guard.allowed.hi;
    }
    this.checkpoint();
  }

  /** How far (in z) skill i, at overlap zi, is from its next event. */
  private distanceAt(i: number, zi: number): number {
    const j = this.tracker.nextThreshold(i);
    let d = j < 3 ? this.zThreshold[3 * i + j] - zi : Infinity;
    if (zi - this.zLo < d) d = zi - this.zLo;
    if (this.zHi - zi < d) d = this.zHi - zi;
    return d > 0 ? d : 0;
  }

  /** Every overlap in z is that of theta now: a checkpoint. */
  checkpoint(): void {
    this.watch.checkpoint(this.ws.theta, this.distance);
    this.spent = 0;
    this.checkpoints++;
  }

  /** theta moved by `length` (|theta_t - theta_{t-1}|). */
  advance(theta: Float64Array, length: number): void {
    this.watch.advance(theta, length);
  }

  private observeAt(t: number, i: number, zi: number): void {
    if (!this.ce) this.guard!.level(t, i, zi); // s = z
    else if (zi !== zi) this.guard!.level(t, i, zi); // NaN
    const j = this.tracker.nextThreshold(i);
    // Below the (rounded-down) overlap of its next threshold, a skill is not past it: skip s(z).
    if (j < 3 && zi >= this.zThreshold[3 * i + j]) this.tracker.observeSkill(t, i, skillLevel(zi, this.ce));
    this.watch.evaluated(i, this.distanceAt(i, zi));
  }

  /** The timeline at step t for the due skills (theta = theta_t; touched/zb: the m skills
   * drawn at t + 1 and their overlaps at theta_t). */
  step(t: number, m: number): void {
    const { pos, dueIdx, ws } = this;
    const { touched, zb, nearIdx, zn } = ws;
    const q = this.watch.listDue(dueIdx);
    if (q === 0) return;
    for (let k = 0; k < m; k++) pos[touched[k]] = k;
    let m2 = 0;
    for (let r = 0; r < q; r++) {
      const i = dueIdx[r];
      const k = pos[i];
      if (k >= 0) this.observeAt(t, i, zb[k]); // drawn: a free exact evaluation
      else nearIdx[m2++] = i;
    }
    for (let k = 0; k < m; k++) pos[touched[k]] = -1;
    if (m2 > 0) {
      ws.dotsInto(nearIdx, m2, zn);
      for (let k = 0; k < m2; k++) this.observeAt(t, nearIdx[k], zn[k]);
    }
    this.spent += m2;
    this.nearDots += m2;
    if (this.spent >= REFRESH_AFTER * this.n) {
      this.computeAll(t); // overwrites zb: put the drawn skills' overlaps back (the same values)
      const z = this.z;
      for (let k = 0; k < m; k++) zb[k] = z[touched[k]];
      this.checkpoint();
    }
  }
}
