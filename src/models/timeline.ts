/**
 * Skill-onset timeline: progress pi_i = (s_i - s_i(0)) / (1 - s_i(0)); for each skill the
 * first time pi_i exceeds the onset, half and learned thresholds (defaults 0.1, 0.5, 0.9).
 * With `timeline.on: level` the thresholds apply to the level s_i itself (the paper's
 * reading of accuracies: learned = s > 0.9); for skills that start at s_i(0) = 0 the two
 * readings coincide.
 * Discrete models report the first step t with pi_i(t) > threshold (CrossingTracker, fed
 * every step); the ODE reports interpolated crossing times (see models/resource/ode.ts).
 * Domino statistics: gap between skill i's `learned` and skill i+1's `onset`, and the
 * ratio learned_2 / learned_1.
 */
import { frequencyOrder } from "./skills.js";
import type { Crossings } from "./types.js";

/** What the thresholds apply to: progress pi_i (default) or the level s_i. */
export type TimelineOn = "progress" | "level";

export interface Thresholds {
  onset: number;
  half: number;
  learned: number;
  on?: TimelineOn; // default "progress"
}

/** The three thresholds in order (onset, half, learned). */
export function thresholdList(t: Thresholds): [number, number, number] {
  return [t.onset, t.half, t.learned];
}

/** The level s at which a skill starting at s0 passes threshold x: x itself (on: level) or
 * s0 + x (1 - s0) (on: progress). For models that need the crossing in their own state
 * (the ODE's root finding, Geometry's overlap bounds). */
export function levelAtThreshold(x: number, s0: number, on: TimelineOn = "progress"): number {
  return on === "level" ? x : s0 + x * (1 - s0);
}

/**
 * First step past each threshold, per skill. Feed it the levels of every step (observe), or,
 * for models that evaluate only some skills at a step, single skills (observeSkill) as long
 * as each skill is fed at every step at which it could have crossed.
 */
export class CrossingTracker {
  private readonly next: Int32Array; // index of the next threshold each skill has to pass
  private readonly th: number[];
  private readonly times: (number | null)[][];
  private readonly onLevel: boolean;
  private pending: number; // skills with thresholds left
  /** Skills (0-based) that start at their target level 1 with on: progress: no progress to time. */
  private readonly atTarget: number[] = [];

  constructor(
    private readonly s0: ArrayLike<number>,
    thresholds: Thresholds,
  ) {
    this.th = thresholdList(thresholds);
    this.onLevel = thresholds.on === "level";
    const n = s0.length;
    this.next = new Int32Array(n);
    this.times = this.th.map(() => new Array<number | null>(n).fill(null));
    this.pending = n;
    // Progress (s - s0)/(1 - s0) is 0/0 for a skill that starts at 1 (e.g. a network task at
    // accuracy 1 before training, a Geometry init on the skill's target): its times would read
    // "never reached" (or jump to "learned" on a rounding error). It is withheld, with a warning.
    if (!this.onLevel)
      for (let i = 0; i < n; i++)
        if (Math.abs(1 - s0[i]) <= START_AT_TARGET_EPS) {
          this.atTarget.push(i);
          this.next[i] = 3;
          this.pending--;
        }
  }

  /** Feed the levels at time t (call in increasing t). O(n); returns quickly once all are done. */
  observe(t: number, s: ArrayLike<number>): void {
    if (this.pending === 0) return;
    for (let i = 0; i < s.length; i++) if (this.next[i] < 3) this.observeSkill(t, i, s[i]);
  }

  /** Feed skill i's level at time t (call in increasing t for each skill). */
  observeSkill(t: number, i: number, s: number): void {
    let j = this.next[i];
    if (j >= 3) return;
    const th = this.th;
    const s0 = this.s0[i];
    const x = this.onLevel ? s : (s - s0) / (1 - s0);
    while (j < 3 && x > th[j]) {
      this.times[j][i] = t;
      j++;
    }
    if (j !== this.next[i]) {
      this.next[i] = j;
      if (j === 3) this.pending--;
    }
  }

  /** Index (0, 1, 2) of the next threshold skill i has to pass; 3 when it passed all. */
  nextThreshold(i: number): number {
    return this.next[i];
  }

  get done(): boolean {
    return this.pending === 0;
  }

  result(): Crossings {
    const c: Crossings = { onset: this.times[0], half: this.times[1], learned: this.times[2] };
    if (this.atTarget.length) c.withheld = Array.from({ length: this.s0.length }, (_, i) => (this.atTarget.includes(i) ? START_AT_TARGET : null));
    return c;
  }

  /** One warning for the skills that start at their target (none when no skill does). */
  warnings(): string[] {
    const k = this.atTarget.map((i) => i + 1);
    if (!k.length) return [];
    return [`skill${k.length > 1 ? "s" : ""} ${k.join(", ")} start${k.length > 1 ? "" : "s"} at level 1, the target: with timeline.on: progress there is nothing to learn (progress (s - s0)/(1 - s0) is undefined), so ${k.length > 1 ? "their timelines are" : "its timeline is"} not reported; timeline.on: level times the level itself`];
  }
}

/** A start this close to level 1 counts as at the target. */
const START_AT_TARGET_EPS = 1e-12;
/** The withheld reason of a skill that starts at its target (run JSON skills[].withheld). */
export const START_AT_TARGET = "it starts at level 1, the target: progress (s - s0)/(1 - s0) is undefined";

export interface DominoStats {
  /** gaps[i] = onset of skill i+2 minus learned of skill i+1 (in frequency order), null if undefined. */
  gaps: { from: number; to: number; gap: number | null }[];
  /** learned_2 / learned_1 (skills ranked by frequency), for two or more skills. */
  ratio21: number | null;
}

/** Domino statistics over skills ordered by frequency (most frequent first). */
export function dominoStats(frequencies: number[], c: Crossings): DominoStats {
  const order = frequencyOrder(frequencies);
  const gaps: DominoStats["gaps"] = [];
  for (let r = 0; r + 1 < order.length; r++) {
    const a = order[r], b = order[r + 1];
    const l = c.learned[a], o = c.onset[b];
    gaps.push({ from: a + 1, to: b + 1, gap: l === null || o === null ? null : o - l });
  }
  let ratio21: number | null = null;
  if (order.length >= 2) {
    const l1 = c.learned[order[0]], l2 = c.learned[order[1]];
    if (l1 !== null && l2 !== null && l1 > 0) ratio21 = l2 / l1;
  }
  return { gaps, ratio21 };
}

/**
 * Every learned-time ratio learned_r / learned_1 over skills ranked by frequency (rank 1 the
 * most frequent, whose own ratio is left out): `skill` is the index of the rank-r skill, and the
 * ratio is null when either time is missing or learned_1 is 0. ratios[0] is DominoStats.ratio21.
 */
export function learnedRatios(frequencies: number[], learned: (number | null)[]): { skill: number; ratio: number | null }[] {
  const order = frequencyOrder(frequencies);
  const l1 = learned[order[0]];
  return order.slice(1).map((b) => {
    const l = learned[b];
    return { skill: b + 1, ratio: l1 !== null && l !== null && l1 > 0 ? l / l1 : null };
  });
}

/**
 * OverlapWatch's per-skill bounds held outside it (n each) and its listDue over them: out gets
 * every i with marginC[i] <= moved and due[i] <= reach, in increasing order; returns how many.
 */
export interface DueScan {
  readonly marginC: Float64Array;
  readonly due: Float64Array;
  listDue(moved: number, reach: number, out: Int32Array): number;
}

/**
 * Which skills could have crossed, without evaluating them: for levels that are monotone
 * functions of linear overlaps z_i = t_i . theta (the Geometry model). Two bounds, both from
 * Cauchy-Schwarz, |z_i(theta) - z_i(theta')| <= |t_i| |theta - theta'|:
 *  - from the checkpoint theta_c, where every z_i is known: skill i can have reached its next
 *    event (its next threshold, or a guard limit) only once |theta - theta_c| >= margin_i =
 *    (distance in z to the nearest event) / |t_i|; the largest distance moved since the
 *    checkpoint is kept, so a skill, once near, stays near until the next checkpoint;
 *  - from the skill's own last exact evaluation at theta_tau (a drawn skill's overlap comes
 *    free with every batch step): |theta - theta_tau| <= the path length walked since tau
 *    (the sum of the step lengths).
 * A skill is `due` when neither bound rules an event out. A caller that evaluates every due
 * skill at every step sees every step at which any skill could be past a threshold, so the
 * first such step is found exactly, whatever the trajectory does in between (it need not be
 * monotone). Both bounds are rounded up by more than the rounding of the computed overlaps
 * (order N eps |t_i| |theta|). O(N) per step to advance, O(n) comparisons to list the due.
 */
export class OverlapWatch {
  private readonly marginC: Float64Array; // margin at the checkpoint (theta units)
  private readonly due: Float64Array; // path length at which the skill's own bound runs out
  private readonly thetaC: Float64Array;
  private normC = 0;
  private moved = 0; // largest |theta - theta_c| since the checkpoint, rounded up
  private path = 0; // path length walked since the start, rounded up
  private slack = 0; // rounding of the computed overlaps, in theta units

  private readonly scan: DueScan | null;

  constructor(
    n: number,
    private readonly N: number,
    /** |t_i| for each skill. */
    private readonly norms: Float64Array,
    /** Rounding of a computed overlap per parameter, relative to |t_i| |theta|: about 3.6 units
     * in the last place of the arithmetic (float64 by default; float32 runs pass theirs). */
    private readonly roundoff = 4e-16,
    /** Where the per-skill bounds live and a faster listDue over them (the Geometry model's
     * WebAssembly kernel); by default arrays of this object's own and the loop below. */
    scan?: DueScan,
  ) {
    this.marginC = scan ? scan.marginC : new Float64Array(n);
    this.due = scan ? scan.due : new Float64Array(n);
    this.scan = scan ?? null;
    this.thetaC = new Float64Array(N);
  }

  private toMargin(i: number, d: number): number {
    const w = this.norms[i];
    return d <= 0 ? -1 : w > 0 ? d / w : Infinity; // a zero vector never moves
  }

  /** Make theta the checkpoint; distance(i) >= 0 is how far (in z) skill i is from its nearest
   * event (Infinity: none left; 0: evaluate it at every step). */
  checkpoint(theta: Float64Array, distance: (i: number) => number): void {
    let sq = 0;
    for (let j = 0; j < this.N; j++) sq += theta[j] * theta[j];
    this.thetaC.set(theta);
    this.normC = Math.sqrt(sq);
    for (let i = 0; i < this.marginC.length; i++) {
      const m = this.toMargin(i, distance(i));
      this.marginC[i] = m;
      this.due[i] = this.path + m;
    }
    this.moved = 0;
  }

  /** Skill i was evaluated exactly at the current theta and is `distance` (in z) from its next event. */
  evaluated(i: number, distance: number): void {
    this.due[i] = this.path + this.toMargin(i, distance);
  }

  /** After an update of length `stepLength` (to theta). */
  advance(theta: Float64Array, stepLength: number): void {
    const N = this.N, c = this.thetaC;
    let dd = 0, tt = 0;
    for (let j = 0; j < N; j++) {
      const d = theta[j] - c[j];
      dd += d * d;
      tt += theta[j] * theta[j];
    }
    const normT = Math.sqrt(tt);
    // The applied step differs from the intended one by the rounding of theta + d (eps |theta|).
    this.path += stepLength * (1 + 1e-12) + 2.3e-16 * normT;
    const slack = this.roundoff * N * (normT + this.normC) + 1e-300;
    if (slack > this.slack) this.slack = slack;
    const D = Math.sqrt(dd) * (1 + 1e-12) + slack;
    if (D > this.moved) this.moved = D;
  }

  /** Write the skills that are due (neither bound rules out an event) into out; returns how many. */
  listDue(out: Int32Array): number {
    const mc = this.marginC, due = this.due, moved = this.moved, reach = this.path + this.slack;
    if (this.scan) return this.scan.listDue(moved, reach, out);
    let m = 0;
    for (let i = 0; i < mc.length; i++) if (mc[i] <= moved && due[i] <= reach) out[m++] = i;
    return m;
  }
}
