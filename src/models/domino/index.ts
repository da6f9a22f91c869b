/** The Domino model's spec: what the registry (src/models/index.ts) knows of it. */
import { withSkillCount } from "../../config/resolve.js";
import { MSE_SKILL_LOSS, rateOverrides, type ModelSpec } from "../spec.js";
import { dominoCalibration } from "./calibration.js";
import { runDomino } from "./model.js";
import { dominoSchema, type DominoConfig } from "./schema.js";
import { example, template } from "./template.js";

export const domino: ModelSpec<DominoConfig> = {
  name: "domino",
  about: "strictly serial learning (and its parallel contrast), with modules; closed form",
  schema: dominoSchema,
  template,
  example,
  resolve: (parsed) => withSkillCount(parsed) as DominoConfig,
  check(c) {
    const n = c.skills.count;
    if (c.variant === "parallel" && c.modules > 1)
      return { path: ["modules"], message: "modules split the serial Domino; the parallel variant has no modules (set variant: serial or modules: 1)" };
    if (c.modules > n) return { path: ["modules"], message: `${c.modules} modules for ${n} skills leaves empty modules; use at most ${n}` };
    if (c.params % c.modules !== 0 && c.rate === undefined)
      return { path: ["modules"], message: `params = ${c.params} cannot be split into ${c.modules} equal modules` };
    if (c.tau !== undefined && c.variant !== "parallel") return { path: ["tau"], message: "tau is the parallel variant's time scale; set variant: parallel or remove tau" };
    return null;
  },
  time: () => "closed-form",
  startLevel: () => 0,
  memoryBytes: () => 0,
  memoryKey: ["skills", "count"],
  header: (c) => [c.variant + (c.modules > 1 ? `, ${c.modules} modules` : "")],
  run: (c) => runDomino(c),
  runner: { module: "models/domino/model.js", fn: "runDomino" },
  frequencies: "weights",
  calibration: dominoCalibration,
  overridden: rateOverrides,
  skillLoss: () => MSE_SKILL_LOSS, // L = sum p_i (1 - s_i)^2
};
