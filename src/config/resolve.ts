/** Defaults that depend on other values, shared by the models' `resolve` (src/models/NAME/index.ts). */
import { optimizerDefaults } from "../engine/optimizer-settings.js";
import type { OptimizerConfig } from "./schema.js";

/** skills.count from the frequencies list (or the vectors' rows), else 10. */
export function withSkillCount<T extends Record<string, any>>(c: T): T {
  const skills = { ...c.skills };
  if (skills.count === undefined)
    skills.count = Array.isArray(skills.frequencies) ? skills.frequencies.length : Array.isArray(skills.vectors) ? skills.vectors.length : 10;
  return { ...c, skills };
}

/** An optimizer as written (a name, or {name, ...}) with the named optimizer's defaults filled in. */
export function resolveOptimizer(o: string | { name: string }): OptimizerConfig {
  const spec = typeof o === "string" ? { name: o } : o;
  const given = Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined));
  return { name: spec.name, ...optimizerDefaults[spec.name as keyof typeof optimizerDefaults], ...given } as OptimizerConfig;
}
