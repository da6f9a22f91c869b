/**
 * Skill-onset timeline: progress pi_i = (s_i - s_i(0)) / (1 - s_i(0)); for each skill the
 * first time pi_i exceeds the onset, half and learned thresholds (defaults 0.1, 0.5, 0.9).
 * With `timeline.on: level` the thresholds apply to the level s_i itself (the paper's
 * reading of accuracies: learned = s > 0.9); for skills that start at s_i(0) = 0 the two
 * readings coincide.
 * Discrete models report the first step t with pi_i(t) > threshold (CrossingTracker, fed
 * every step); the ODE reports interpolated crossing times (see models/resource.ts).
 * Domino statistics: gap between skill i's `learned` and skill i+1's `onset`, and the
 * ratio learned_2 / learned_1.
 */
import { frequencyOrder } from "../models/skills.js";
import type { Crossings } from "../models/types.js";

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
    return { onset: this.times[0], half: this.times[1], learned: this.times[2] };
  }
}

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
