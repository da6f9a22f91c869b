/**
 * Learning kinematics of a recorded run (Guo and Schölkopf 2025, "Physics of Learning: A
 * Lagrangian perspective to different learning paradigms", arXiv 2509.21049): learning as
 * motion of the information gained, I(t) = -ln L(t).
 *
 * On a recorded trace (t_k, L_k), k = 0..K-1, for each recorded interval [t_k, t_{k+1}]:
 *   aggregate information velocity   v_k = -(ln L_{k+1} - ln L_k) / (t_{k+1} - t_k)
 *   its acceleration (between interval midpoints m_k = (t_k + t_{k+1}) / 2)
 *                                    a_k = (v_{k+1} - v_k) / (m_{k+1} - m_k)
 *   decelerating_fraction            share of consecutive pairs (v_k, v_{k+1}) with v_{k+1} < v_k
 * per skill, with progress pi = (s - s(0)) / (1 - s(0)) (or the level itself when the run's
 * timeline reads levels, `timeline.on: level`):
 *   progress velocity                w_k = (pi_{k+1} - pi_k) / (t_{k+1} - t_k)
 *   accelerating_fraction            share of consecutive pairs, among those where the skill
 *                                    moves at all (w_k or w_{k+1} nonzero), with w_{k+1} > w_k
 *   accelerating_fraction_learning   the same share restricted to pairs whose three trace points
 *                                    all have 0 < pi < 1 (the skill's own ramp)
 *   peak_velocity_time               midpoint of the interval with the largest w_k (the domino falls)
 * least time (the paper's T(delta)): the first recorded t with L <= delta (null if never).
 *
 * Smoothing (`smooth` = K, odd): every velocity series is replaced by its centred moving average
 * over K intervals (the window shrinks to what exists at either end) before rises and falls are
 * counted and peaks found; the unsmoothed velocities are what `velocity` holds either way.
 * Noise: a series whose consecutive changes alternate in sign at more than NOISE_ALTERNATION of
 * the pairs is noise-dominated (white noise alternates at 2/3, a smooth curve almost never; so do
 * deterministic steps that overshoot, e.g. sign descent's near the target, which the note says), and
 * its accelerating fraction says more about the jitter than the learning: flagged, with a note.
 * A loss of exactly 0 (a Domino run past its last skill) ends the kinematics at the last point
 * before it (ln 0 has no velocity); least times still read the whole trace.
 *
 * "Rises" and "falls" ignore differences below REL_TOL times the largest |velocity| of that
 * series: floating-point noise in a constant velocity (e.g. the Domino model's ramp) is not
 * acceleration. With `record: every` every interval is one step and all of this is exact per
 * step; on a sparser trace each velocity is the average over its recorded interval and T(delta)
 * is the first recorded time, an upper bound at the trace's resolution (the report says so).
 */
import { InputError } from "../errors.js";

/** Relative size below which two velocities count as equal (see above). */
export const REL_TOL = 1e-9;
/** Share of sign alternations of a velocity's changes above which the series is noise-dominated. */
export const NOISE_ALTERNATION = 0.5;

export interface KinematicsInput {
  t: number[];
  loss: number[];
  /** level[i][k]: skill i+1's level at t[k]. */
  level: number[][];
  /** Optional per-step series of the same length as t (Geometry diagnostics: |delta theta|). */
  stepLength?: number[];
  /** Per-skill baseline s(0) for progress; null reads the thresholds on the level itself. */
  baseline: number[] | null;
  deltas: number[];
  /** Total steps of the run (to say whether the trace is per-step). */
  steps: number;
  /** The result file, named at the start of an error's message when given. */
  source?: string;
  /** Centred moving-average window (odd, >= 3) over the velocities; absent or 1: none. */
  smooth?: number;
}

export interface SkillKinematics {
  index: number;
  accelerating_fraction: number | null;
  accelerating_fraction_learning: number | null;
  peak_velocity: number;
  peak_velocity_time: number | null;
  /** The share of consecutive changes of w (after smoothing) that alternate in sign (null: too few). */
  alternation: number | null;
  /** alternation > NOISE_ALTERNATION: the accelerating fraction is noise-dominated. */
  noise_dominated: boolean;
  velocity: number[];
}

export interface Kinematics {
  /** True when every interval is one step (exact per-step kinematics). */
  per_step: boolean;
  points: number;
  /** Interval midpoints, where velocities live. */
  t_mid: number[];
  aggregate: {
    velocity: number[];
    acceleration: number[];
    decelerating_fraction: number | null;
    accelerating_fraction: number | null;
    peak_velocity: number;
    peak_velocity_time: number | null;
    mean_velocity: number;
    alternation: number | null;
    noise_dominated: boolean;
  };
  /** The moving-average window applied to the velocities (1: none). */
  smooth: number;
  /** Where the kinematics stop early: the loss reached exactly 0 at t (null: they do not). */
  zero_loss_at: number | null;
  skills: SkillKinematics[];
  least_time: Record<string, number | null>;
  step_length: null | {
    first: number;
    last: number;
    decelerating_fraction: number | null;
  };
  notes: string[];
}

export class KinematicsInputError extends InputError {}

/** Share of consecutive pairs of `v` that change in direction `sign` (+1 rise, -1 fall); `keep` filters pairs. */
function changeFraction(v: ArrayLike<number>, sign: 1 | -1, keep: (k: number) => boolean): number | null {
  let scale = 0;
  for (let k = 0; k < v.length; k++) scale = Math.max(scale, Math.abs(v[k]));
  const tol = REL_TOL * scale;
  let n = 0, hits = 0;
  for (let k = 0; k + 1 < v.length; k++) {
    if (!keep(k)) continue;
    n++;
    if (sign * (v[k + 1] - v[k]) > tol) hits++;
  }
  return n === 0 ? null : hits / n;
}

/** Centred moving average over `k` points (k odd; the window shrinks at the ends). */
export function movingAverage(v: ArrayLike<number>, k: number): number[] {
  const h = (k - 1) / 2;
  const out = new Array<number>(v.length);
  for (let i = 0; i < v.length; i++) {
    const lo = Math.max(0, i - h), hi = Math.min(v.length - 1, i + h);
    let sum = 0;
    for (let j = lo; j <= hi; j++) sum += v[j];
    out[i] = sum / (hi - lo + 1);
  }
  return out;
}

/** Share of consecutive changes of `v` (each beyond the tolerance) whose signs differ; null with fewer than 2. */
function alternation(v: ArrayLike<number>): number | null {
  let scale = 0;
  for (let k = 0; k < v.length; k++) scale = Math.max(scale, Math.abs(v[k]));
  const tol = REL_TOL * scale;
  let prev = 0, n = 0, flips = 0;
  for (let k = 0; k + 1 < v.length; k++) {
    const d = v[k + 1] - v[k];
    const sign = d > tol ? 1 : d < -tol ? -1 : 0;
    if (sign === 0) continue;
    if (prev !== 0) {
      n++;
      if (sign !== prev) flips++;
    }
    prev = sign;
  }
  return n === 0 ? null : flips / n;
}

/** Index of the largest value (first one on ties), -1 for an empty array. */
function argMax(v: ArrayLike<number>): number {
  let best = -1;
  for (let k = 0; k < v.length; k++) if (best < 0 || v[k] > v[best]) best = k;
  return best;
}

export function kinematics(inp: KinematicsInput): Kinematics {
  const at = inp.source === undefined ? "" : `${inp.source}: `;
  const smooth = inp.smooth ?? 1;
  if (!(Number.isInteger(smooth) && smooth >= 1 && smooth % 2 === 1)) throw new KinematicsInputError(`--smooth ${smooth}: expected an odd whole number of intervals >= 3 (1: none)`);
  // A loss of exactly 0 (every skill learned, e.g. a Domino run past its last skill) ends the
  // motion: stop at the last point before it. Negative or non-finite losses are still errors.
  const bad = inp.loss.findIndex((L) => !(L > 0 && Number.isFinite(L)));
  const zero = bad >= 0 && inp.loss[bad] === 0 ? bad : -1;
  const cut = zero > 0 ? zero : inp.loss.length;
  const t = inp.t.slice(0, cut), loss = inp.loss.slice(0, cut), level = inp.level.map((row) => row.slice(0, cut));
  const K = t.length;
  if (zero === 0) throw new KinematicsInputError(`${at}trace.loss[0] = 0 at t = ${inp.t[0]}: the run starts with nothing to learn, so it has no information velocity`);
  if (K < 2 && zero > 0) throw new KinematicsInputError(`${at}the loss reaches exactly 0 at t = ${inp.t[zero]}, leaving ${K} recorded point before it; kinematics needs at least 2 (record more points)`);
  if (K < 2) throw new KinematicsInputError(`${at}the trace has ${K} recorded point${K === 1 ? "" : "s"}; kinematics needs at least 2 (record more points)`);
  for (let k = 0; k < K; k++) {
    if (!(loss[k] > 0) || !Number.isFinite(loss[k])) {
      throw new KinematicsInputError(
        `${at}trace.loss[${k}] = ${loss[k]} at t = ${t[k]}: the information velocity needs ln L, so every recorded loss must be positive and finite ` +
          `(a run whose loss reaches exactly 0, such as a Domino run past its last skill, can be shortened with --set steps=...)`,
      );
    }
    if (k > 0 && !(t[k] > t[k - 1])) throw new KinematicsInputError(`${at}trace.t is not increasing at point ${k} (t = ${t[k - 1]} then ${t[k]})`);
  }
  const I = K - 1; // intervals
  // A window wider than the run averages every velocity towards one number: no rises, no falls,
  // every peak at the start. Say so instead of printing 0% and a peak at the first interval.
  if (smooth > I)
    throw new KinematicsInputError(`--smooth ${smooth}: wider than the ${I} recorded interval${I === 1 ? "" : "s"}${zero > 0 ? " before the loss reaches 0" : ""}, it would flatten every velocity to its mean; use an odd window of at most ${I % 2 ? I : I - 1} (a few percent of the run, e.g. ${Math.max(3, 2 * Math.floor(I / 40) + 1)})`);
  const tMid = new Array<number>(I);
  const v = new Array<number>(I);
  for (let k = 0; k < I; k++) {
    const dt = t[k + 1] - t[k];
    tMid[k] = (t[k] + t[k + 1]) / 2;
    v[k] = -(Math.log(loss[k + 1]) - Math.log(loss[k])) / dt;
  }
  const vs = smooth > 1 ? movingAverage(v, smooth) : v;
  const acc = new Array<number>(Math.max(0, I - 1));
  for (let k = 0; k + 1 < I; k++) acc[k] = (vs[k + 1] - vs[k]) / (tMid[k + 1] - tMid[k]);
  const aPeak = argMax(vs);

  const skills: SkillKinematics[] = level.map((row, i) => {
    const s0 = inp.baseline === null ? 0 : inp.baseline[i];
    const denom = inp.baseline === null ? 1 : 1 - s0;
    const pi = row.map((s) => (s - s0) / denom);
    const w = new Array<number>(I);
    for (let k = 0; k < I; k++) w[k] = (pi[k + 1] - pi[k]) / (t[k + 1] - t[k]);
    const ws = smooth > 1 ? movingAverage(w, smooth) : w;
    const inside = (k: number) => pi[k] > 0 && pi[k] < 1;
    const peak = argMax(ws);
    const moving = peak >= 0 && ws[peak] > 0;
    const alt = alternation(ws);
    return {
      index: i + 1,
      accelerating_fraction: changeFraction(ws, 1, (k) => ws[k] !== 0 || ws[k + 1] !== 0),
      accelerating_fraction_learning: changeFraction(ws, 1, (k) => inside(k) && inside(k + 1) && inside(k + 2)),
      peak_velocity: moving ? ws[peak] : 0,
      peak_velocity_time: moving ? tMid[peak] : null,
      alternation: alt,
      noise_dominated: alt !== null && alt > NOISE_ALTERNATION,
      velocity: w,
    };
  });

  const least: Record<string, number | null> = {};
  for (const d of inp.deltas) {
    let hit: number | null = null;
    for (let k = 0; k < inp.t.length; k++) {
      if (inp.loss[k] <= d) {
        hit = inp.t[k];
        break;
      }
    }
    least[String(d)] = hit;
  }

  let stepLength: Kinematics["step_length"] = null;
  if (inp.stepLength && inp.stepLength.length === inp.t.length) {
    // stepLength[0] is |theta(0) - nothing|: start from the first real step (t > 0).
    const first = t[0] === 0 ? 1 : 0;
    const sl = inp.stepLength.slice(first, cut);
    stepLength = {
      first: sl[0],
      last: sl[sl.length - 1],
      decelerating_fraction: changeFraction(sl, -1, () => true),
    };
  }

  const everyStep = t.every((x, k) => k === 0 || x - t[k - 1] === 1) && t[0] <= 1;
  const perStep = everyStep && (t[K - 1] >= inp.steps || zero > 0);
  const notes: string[] = [];
  if (zero > 0)
    notes.push(`the loss reaches exactly 0 at t = ${inp.t[zero]} (nothing left to learn; ln 0 has no velocity): the kinematics stop at the last point before it, t = ${t[K - 1]}`);
  if (smooth > 1) notes.push(`velocities smoothed by a centred moving average over ${smooth} intervals before rises, falls and peaks are read`);
  const aAlt = alternation(vs);
  const noisy = skills.filter((q) => q.noise_dominated).map((q) => q.index);
  if (noisy.length > 0 || (aAlt !== null && aAlt > NOISE_ALTERNATION)) {
    const who = [...(aAlt !== null && aAlt > NOISE_ALTERNATION ? ["the aggregate"] : []), ...(noisy.length > 0 ? [`${noisy.length === skills.length ? "every skill" : `skill${noisy.length === 1 ? "" : "s"} ${noisy.join(", ")}`}`] : [])].join(" and ");
    notes.push(
      `noise-dominated: for ${who} the velocity's changes alternate in sign at more than ${100 * NOISE_ALTERNATION}% of consecutive intervals ` +
        `(2/3 for pure noise; without gradient noise, steps that overshoot alternate too, as sign descent's fixed-size steps do near a skill's target), ` +
        `so the accelerating and decelerating fractions measure that step-to-step jitter, not the learning; ${smooth > 1 ? "a wider --smooth" : "--smooth K (e.g. 25)"} averages it out`,
    );
  }
  if (!perStep) {
    notes.push(
      `the trace has ${K} recorded points over ${inp.steps} steps: velocities are averages over each recorded interval, ` +
        "and least times are the first recorded time (an upper bound); record: every makes them exact per step",
    );
  }
  return {
    per_step: perStep,
    points: K,
    t_mid: tMid,
    aggregate: {
      velocity: v,
      acceleration: acc,
      decelerating_fraction: changeFraction(vs, -1, () => true),
      accelerating_fraction: changeFraction(vs, 1, () => true),
      peak_velocity: aPeak >= 0 ? vs[aPeak] : 0,
      peak_velocity_time: aPeak >= 0 ? tMid[aPeak] : null,
      mean_velocity: -(Math.log(loss[K - 1]) - Math.log(loss[0])) / (t[K - 1] - t[0]),
      alternation: aAlt,
      noise_dominated: aAlt !== null && aAlt > NOISE_ALTERNATION,
    },
    smooth,
    zero_loss_at: zero > 0 ? inp.t[zero] : null,
    skills,
    least_time: least,
    step_length: stepLength,
    notes,
  };
}

/** Parse `--delta 0.1,1e-2`: positive finite numbers, comma-separated. */
export function parseDeltas(spec: string): number[] {
  const parts = spec.split(",").map((s) => s.trim());
  const out: number[] = [];
  for (const p of parts) {
    const x = p === "" ? NaN : Number(p);
    if (!Number.isFinite(x) || x <= 0) {
      throw new KinematicsInputError(`--delta ${spec}: "${p}" is not a positive number (give loss thresholds like 0.1,1e-2,1e-3)`);
    }
    out.push(x);
  }
  return out;
}

/** Parse `--smooth K`: an odd whole number of intervals, 1 (none) or more. */
export function parseSmooth(spec: string): number {
  const t = spec.trim();
  const k = t === "" ? NaN : Number(t);
  if (!Number.isInteger(k) || k < 1 || k % 2 === 0)
    throw new KinematicsInputError(`--smooth ${spec}: expected an odd whole number of intervals, e.g. --smooth 25 (a centred window needs an odd width; 1: none)`);
  return k;
}
