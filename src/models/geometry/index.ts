/** The Geometry model's spec: what the registry (src/models/index.ts) knows of it. */
import { resolveOptimizer, withSkillCount } from "../../config/resolve.js";
import { naturalLimitError } from "../../engine/natural.js";
import { listLabel } from "../../report/format.js";
import { skillVectorsCsv } from "./vectors-csv.js";
import { CE_SKILL_LOSS, MSE_SKILL_LOSS, type ModelSpec } from "../spec.js";
import { runGeometry } from "./model.js";
import { geometrySchema, type GeometryConfig } from "./schema.js";
import { example, template } from "./template.js";

export const geometry: ModelSpec<GeometryConfig> = {
  name: "geometry",
  about: "a linear model whose skills are directions in parameter space, trained by a stochastic optimizer",
  schema: geometrySchema,
  template,
  example,
  dataFiles: [
    { path: ["skills", "vectors"], shape: "rows", what: "skill vectors" },
    { path: ["init"], shape: "vector", what: "theta(0)" },
  ],
  resolve: (parsed) => ({ ...withSkillCount(parsed), optimizer: resolveOptimizer(parsed.optimizer) }) as GeometryConfig,
  checkFiles(c, files) {
    const v = files["skills.vectors"], init = files["init"];
    if (v) {
      const rows = c.skills.vectors as number[][];
      if (rows.length !== c.skills.count)
        return { path: ["skills", "vectors", "file"], message: `${v.name} has ${rows.length} rows but skills.count is ${c.skills.count}; give one row per skill` };
      if (rows[0].length !== c.params)
        return { path: ["skills", "vectors", "file"], message: `${v.name}:${v.lines[0]}: rows have ${rows[0].length} entries but params is ${c.params}; give one entry per parameter` };
    }
    if (init && c.init!.length !== c.params)
      return { path: ["init", "file"], message: `${init.name} has ${c.init!.length} numbers but params is ${c.params}; theta(0) needs one per parameter` };
    return null;
  },
  checkUnused(_raw, c) {
    if (c.rate !== undefined)
      return { path: ["rate"], message: "the Geometry model has no eta_eff: it steps theta with lr (and the optimizer); remove rate (it sets eta_eff of the resource and domino models)" };
    return null;
  },
  check(c) {
    const n = c.skills.count;
    if (c.skills.vectors === "orthogonal" && n > c.params)
      return { path: ["skills", "count"], message: `${n} orthogonal skill vectors do not fit in ${c.params} dimensions; use count <= params, or vectors: random` };
    const V = c.skills.vectors;
    if (Array.isArray(V)) {
      if (V.length !== n) return { path: ["skills", "vectors"], message: `lists ${V.length} rows but skills.count is ${n}; give one row per skill` };
      for (let i = 0; i < n; i++)
        if (V[i].length !== c.params) return { path: ["skills", "vectors", i], message: `row ${i + 1} has ${V[i].length} entries but params is ${c.params}; give one entry per parameter` };
    }
    if (c.init !== undefined && c.init.length !== c.params)
      return { path: ["init"], message: `lists ${c.init.length} numbers but params is ${c.params}; theta(0) needs one per parameter` };
    // Each optimizer's hyper-parameters and their ranges: the schema's discriminated union.
    if (c.optimizer.name === "natural") {
      const why = naturalLimitError(n, c.params);
      if (why !== null) return { path: ["optimizer"], message: why };
    }
    if (typeof c.batch === "number" && c.batch > 1e7)
      return { path: ["batch"], message: `${c.batch} samples per step is more than sensible; use batch: full for the exact expected gradient` };
    return null;
  },
  time: () => "steps",
  startLevel: (c) => (c.loss === "ce" ? 0.5 : c.init !== undefined ? null : 0), // init: t_i . theta(0), known to the run
  startLevelWhy: (c) => (c.loss === "ce" ? " with ce loss" : ""),
  memoryBytes: (c) => c.skills.count * c.params * 8 + 8 * c.params * 8, // skill vectors; theta, gradient, optimizer state
  memoryKey: ["params"],
  extraSeries: (c) => (c.diagnostics !== false ? c.skills.count + 1 : 0),
  header: (c) => [`${c.optimizer.name}, ${c.loss}, ${typeof c.skills.vectors === "string" ? c.skills.vectors : `explicit vectors (${listLabel(c.skills.vectors)})`}, batch ${c.batch}${c.precision === "float32" ? ", float32" : ""}`],
  run: runGeometry,
  runner: { module: "models/geometry/model.js", fn: "runGeometry" },
  exports: { vectors: skillVectorsCsv },
  frequencies: "distribution",
  // mse: s_i = z_i, l_i = (1 - s_i)^2; ce: s_i = sigmoid(z_i), l_i = -log s_i.
  skillLoss: (c) => (c.loss === "ce" ? CE_SKILL_LOSS : MSE_SKILL_LOSS),
};
