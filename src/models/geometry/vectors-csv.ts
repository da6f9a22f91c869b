/**
 * Skill vectors as CSV (`skillsim run --vectors FILE`): one row per skill, one column per
 * parameter, each number in JavaScript's shortest round-trip form, so reading the file back
 * (`skills.vectors: {file: ...}`, or NumPy's loadtxt with delimiter ",") gives the same doubles.
 * Lines starting with # are comments.
 */
import type { GeometryConfig } from "./schema.js";
import { geometrySkillVectors } from "./vectors.js";

export function skillVectorsCsv(cfg: GeometryConfig): string {
  const n = cfg.skills.count, N = cfg.params;
  const T = geometrySkillVectors(cfg);
  const kind = Array.isArray(cfg.skills.vectors) ? "explicit" : cfg.skills.vectors;
  const lines: string[] = [`# skillsim geometry skill vectors: ${n} rows (skills) x ${N} columns (params); vectors ${kind}, seed ${cfg.seed}`];
  const row = new Array<string>(N);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < N; j++) row[j] = String(T[i * N + j]);
    lines.push(row.join(","));
  }
  return lines.join("\n") + "\n";
}
