/** The text report of `skillsim kinematics`: aggregate motion, per-skill motion, least times. */
import type { Kinematics } from "../analysis/kinematics.js";

export type KinematicsDoc = Kinematics & { model: string; progress: "progress" | "level" };

const fmt = (x: number | null, digits = 4): string => {
  if (x === null) return "-";
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(digits - 1);
  return Number(x.toPrecision(digits)).toString();
};
const pct = (x: number | null): string => (x === null ? "-" : `${(100 * x).toFixed(1)}%`);

function pad(rows: string[][]): string {
  const w = rows[0].map((_, j) => rows.reduce((m, r) => Math.max(m, r[j].length), 0));
  return rows.map((r) => r.map((c, j) => (j === 0 ? c.padEnd(w[j]) : c.padStart(w[j]))).join("  ")).join("\n");
}

export function renderKinematics(k: KinematicsDoc): string {
  const a = k.aggregate;
  const out: string[] = [];
  out.push(`skillsim kinematics · ${k.model} run · ${k.points} recorded points${k.per_step ? " (every step: exact)" : " (interval averages)"}${k.smooth > 1 ? ` · velocities smoothed over ${k.smooth} intervals (centred moving average)` : ""}`);
  if (k.zero_loss_at !== null) out.push(`the loss reaches exactly 0 at t = ${fmt(k.zero_loss_at)}: the kinematics stop at the point before it`);
  out.push("");
  out.push("aggregate information velocity v = -d ln L / dt");
  out.push(`  decelerating fraction  ${pct(a.decelerating_fraction)} of consecutive intervals (v falls)${a.noise_dominated ? "  (noise-dominated)" : ""}`);
  out.push(`  accelerating fraction  ${pct(a.accelerating_fraction)} (v rises)`);
  out.push(`  mean velocity          ${fmt(a.mean_velocity)} per step over the run`);
  out.push(`  peak velocity          ${fmt(a.peak_velocity)} at t = ${fmt(a.peak_velocity_time)}`);
  if (k.step_length) {
    const s = k.step_length;
    out.push(`  step length |dtheta|   ${fmt(s.first)} -> ${fmt(s.last)}; falls in ${pct(s.decelerating_fraction)} of consecutive points`);
  }
  out.push("");
  out.push(`per skill: ${k.progress} velocity w = d pi / dt`);
  const anyNoisy = k.skills.some((s) => s.noise_dominated);
  const rows = [["skill", "accelerating", "in its ramp", "peak velocity", "at t", ...(anyNoisy ? [""] : [])]];
  for (const s of k.skills) {
    rows.push([String(s.index), pct(s.accelerating_fraction), pct(s.accelerating_fraction_learning), fmt(s.peak_velocity), fmt(s.peak_velocity_time), ...(anyNoisy ? [s.noise_dominated ? "noise-dominated" : ""] : [])]);
  }
  out.push(pad(rows).replace(/^/gm, "  ").replace(/ +$/gm, ""));
  out.push("  (accelerating: share of consecutive intervals where w rises, among those where the skill moves;");
  out.push("   in its ramp: the same while 0 < progress < 1 at all three points)");
  out.push("");
  out.push(`least time T(delta): first ${k.per_step ? "" : "recorded "}t with L <= delta`);
  const lt = [["delta", "T(delta)"]];
  for (const [d, t] of Object.entries(k.least_time)) lt.push([d, t === null ? "never" : fmt(t)]);
  out.push(pad(lt).replace(/^/gm, "  "));
  return out.join("\n") + "\n";
}
