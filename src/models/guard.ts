/**
 * The run guard: the one place that decides when a run has blown up, shared by every model.
 * A model makes one RunGuard and feeds it what it computes anyway (losses, levels); the guard
 * throws a DivergenceError (the CLI prints it and exits 1; a sweep line carries it as
 * "error") or, for models whose levels may legitimately leave their range, collects warnings.
 *
 *   loss    non-finite, or L > LOSS_GROWTH x L(0)             -> stop: "the loss grew ..."
 *   level   non-finite, or outside [lo - tol, hi + tol]         -> stop: "skill i's level ..."
 *           (tol = LEVEL_TOL = 1 level unit unless the model says otherwise)
 *   soft    with `soft: true`, a level outside [lo, hi] by more than LEAVE_EPS (but within
 *           tol) is not an error: the skill gets a warning (first step, extreme value) and
 *           its timeline (onset, half, learned) is withheld (null), so a level that left the
 *           model's range is never reported or drawn as "learned" (`withhold`).
 *
 * Why these numbers: every model starts at L(0) <= 1 (mse 1, ce ln 2) and a healthy run's loss
 * falls, or rises by a small factor at most (noise, an optimizer's transient); a thousandfold
 * growth is a blow-up. A level one whole unit beyond its range (e.g. a Geometry mse overlap
 * below -1 or above 2, a Resource level below -1) has a per-skill loss of at least 1, the
 * loss of not knowing the skill at all, by a margin no stable optimizer overshoots to.
 */
import { DivergenceError, type Crossings } from "./types.js";

/** A run whose loss exceeds this multiple of its initial loss has blown up. */
export const LOSS_GROWTH = 1e3;
/** How far (in level units) a level may leave its model's range before the run is stopped. */
export const LEVEL_TOL = 1;
/** Leaving the range by less than this is rounding, not leaving. */
export const LEAVE_EPS = 1e-9;

export interface GuardSpec {
  /** L(0), the loss before the first update. */
  initialLoss: number;
  /** The levels' range [lo, hi] (and how far beyond it a run may go before it is stopped);
   * null when the levels cannot leave it (a sigmoid), so only the loss is guarded. */
  range: { lo: number; hi: number; tol?: number } | null;
  /** Levels of this model may legitimately leave [lo, hi] (within tol): warn, do not stop. */
  soft?: boolean;
  /** The likely cause, named in the error (e.g. "learning rate too large for adam (lr=10)"). */
  cause: string;
}

const fmt = (x: number): string => (Number.isFinite(x) && Math.abs(x) >= 1e-3 && Math.abs(x) < 1e6 ? String(Number(x.toPrecision(6))) : x.toPrecision(4));

export class RunGuard {
  private readonly lossLimit: number;
  private readonly hardLo: number;
  private readonly hardHi: number;
  private readonly softLo: number;
  private readonly softHi: number;
  private readonly lo: number;
  private readonly hi: number;
  private readonly soft: boolean;
  private readonly cause: string;
  private readonly extraWarnings: string[] = [];
  /** Skills that left [lo, hi] (soft models): first step, and the value furthest out. */
  private readonly left = new Map<number, { t: number; v: number }>();

  constructor(spec: GuardSpec) {
    const L0 = spec.initialLoss;
    // A loss that is not finite before any update is the starting point's doing (an init whose
    // loss overflows), never the learning rate's: say so rather than run on (every later loss
    // would pass a limit of Infinity) or blame the optimizer.
    if (!Number.isFinite(L0))
      throw new DivergenceError(0, "the loss", "the starting point itself (no update has been made yet), e.g. an init whose loss overflows", `is ${L0} before the first update`);
    this.lossLimit = L0 > 0 && Number.isFinite(L0) ? LOSS_GROWTH * L0 : Infinity;
    this.cause = spec.cause;
    this.soft = spec.soft ?? false;
    const r = spec.range ?? { lo: -Infinity, hi: Infinity, tol: 0 };
    const tol = r.tol ?? LEVEL_TOL;
    this.lo = r.lo;
    this.hi = r.hi;
    this.hardLo = r.lo - tol;
    this.hardHi = r.hi + tol;
    // The band in which a value passes without a look: the whole allowed range unless soft.
    this.softLo = this.soft ? r.lo - LEAVE_EPS : this.hardLo;
    this.softHi = this.soft ? r.hi + LEAVE_EPS : this.hardHi;
  }

  /** The loss at step t (stops the run if it is not finite or grew LOSS_GROWTH-fold). */
  loss(t: number, L: number): void {
    if (L <= this.lossLimit) return; // false for NaN too
    if (!Number.isFinite(L)) throw new DivergenceError(t, "the loss", this.cause);
    throw new DivergenceError(t, "the loss", this.cause, `grew to ${fmt(L)}, more than ${LOSS_GROWTH} times its initial value ${fmt(this.lossLimit / LOSS_GROWTH)}`);
  }

  /** Skill i's (0-based) level v at step t. Cheap when v is inside the range. */
  level(t: number, i: number, v: number): void {
    if (v >= this.softLo && v <= this.softHi) return; // false for NaN
    this.outside(t, i, v);
  }

  /** Every skill's level at step t. */
  levels(t: number, s: ArrayLike<number>): void {
    const lo = this.softLo, hi = this.softHi;
    for (let i = 0; i < s.length; i++) {
      const v = s[i];
      if (!(v >= lo && v <= hi)) this.outside(t, i, v);
    }
  }

  /** Whether level v would stop the run (for models that bound levels without computing them). */
  get allowed(): { lo: number; hi: number } {
    return { lo: this.hardLo, hi: this.hardHi };
  }

  private outside(t: number, i: number, v: number): void {
    if (!Number.isFinite(v)) throw new DivergenceError(t, `skill ${i + 1}'s level`, this.cause);
    if (v < this.hardLo || v > this.hardHi)
      throw new DivergenceError(
        t,
        `skill ${i + 1}'s level`,
        this.cause,
        `is ${fmt(v)}, outside the model's range [${this.lo}, ${this.hi}] by more than ${fmt(Math.min(this.lo - this.hardLo, this.hardHi - this.hi))}`,
      );
    // soft, and outside [lo, hi] by more than rounding: remember the first step and the extreme
    const prev = this.left.get(i);
    if (!prev) this.left.set(i, { t, v });
    else if (Math.abs(v - (v < this.lo ? this.lo : this.hi)) > Math.abs(prev.v - (prev.v < this.lo ? this.lo : this.hi))) prev.v = v;
  }

  /** A model-specific warning for the report and the JSON's `warnings`. */
  warn(message: string): void {
    this.extraWarnings.push(message);
  }

  /** Skills (0-based) whose level left [lo, hi], in skill order. */
  leftRange(): number[] {
    return [...this.left.keys()].sort((a, b) => a - b);
  }

  /** The crossings with the timelines of skills that left the range withheld (null). */
  withhold(c: Crossings): Crossings {
    if (this.left.size === 0) return c;
    const mask = (a: (number | null)[]) => a.map((x, i) => (this.left.has(i) ? null : x));
    const withheld = c.onset.map((_, i) => {
      const l = this.left.get(i);
      return l ? `the level left the model's range [${this.lo}, ${this.hi}] at step ${fmt(l.t)} (reaching ${fmt(l.v)})` : null;
    });
    return { onset: mask(c.onset), half: mask(c.half), learned: mask(c.learned), withheld };
  }

  /** Every warning: one per skill that left the range (why), then the model's own. */
  warnings(why = ""): string[] {
    const out = this.leftRange().map((i) => {
      const { t, v } = this.left.get(i)!;
      return `skill ${i + 1}'s level left the model's range [${this.lo}, ${this.hi}] at step ${fmt(t)} (reaching ${fmt(v)})${why}; its timeline is not reported`;
    });
    return [...out, ...this.extraWarnings];
  }
}
