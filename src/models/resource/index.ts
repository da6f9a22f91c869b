/** The Resource model's spec: what the registry (src/models/index.ts) knows of it. */
import { withSkillCount } from "../../config/resolve.js";
import { fmt } from "../../report/format.js";
import { CE_SKILL_LOSS, MSE_SKILL_LOSS, rateOverrides, type ModelSpec, type Problem } from "../spec.js";
import { resourceCalibration } from "./calibration.js";
import { runResource } from "./model.js";
import { rk45Defaults, resourceSchema, type ResourceConfig } from "./schema.js";
import { example, template } from "./template.js";

export const resource: ModelSpec<ResourceConfig> = {
  name: "resource",
  about: "skills compete for a shared learning resource (the reference map or an adaptive ODE)",
  schema: resourceSchema,
  template,
  example,
  resolve: (parsed) => withSkillCount(parsed) as ResourceConfig,
  checkUnused(raw, c) {
    const has = (k: string) => raw[k] !== undefined && raw[k] !== null;
    // (A written-out resolved config, e.g. from `validate` or `calibrate --config-out`, carries the
    // default tolerances; those are accepted so that it runs again unchanged.)
    if (c.integrator === "map")
      for (const k of ["rtol", "atol"] as const)
        if (has(k) && c[k] !== rk45Defaults[k])
          return { path: [k], message: `is a tolerance of the rk45 integrator; the map (integrator: map) has none: remove ${k} or set integrator: rk45` };
    if (c.loss === "ce" && has("clip"))
      return { path: ["clip"], message: "clip applies to the mse map (u <- max(0, u - ...)); the ce variant has nothing to clip: remove it" };
    return null;
  },
  check: checkResource,
  time: (c) => (c.integrator === "map" ? "steps" : "continuous"),
  startLevel: (c) => (c.loss === "ce" ? 0.5 : 0),
  startLevelWhy: (c) => (c.loss === "ce" ? " with ce loss" : ""),
  memoryBytes(c) {
    const n = c.skills.count, C = c.skills.correlation;
    let bytes = 0;
    if (C !== "identity") bytes += n * n * 8;
    if (!Array.isArray(C) && C !== "identity") bytes += n * C.params * 8;
    return bytes;
  },
  memoryKey: ["skills", "count"],
  header: (c) => [`${c.integrator}${c.loss === "ce" ? ", ce" : ""}`, `N0 ${fmt(c.N0)}`],
  run: runResource,
  runner: { module: "models/resource/model.js", fn: "runResource" },
  frequencies: "weights",
  calibration: resourceCalibration,
  // mse: L = sum p_i u_i^2 with u_i = 1 - s_i; ce: L = sum p_i log(1 + e^-z_i) = sum p_i (-log s_i).
  overridden: rateOverrides,
  skillLoss: (c) => (c.loss === "ce" ? CE_SKILL_LOSS : MSE_SKILL_LOSS),
};

function checkResource(c: ResourceConfig): Problem | null {
  const n = c.skills.count;
  const C = c.skills.correlation;
  if (Array.isArray(C)) {
    if (C.length !== n) return { path: ["skills", "correlation"], message: `must be ${n}x${n} (one row per skill), got ${C.length} rows` };
    for (let i = 0; i < n; i++) {
      if (C[i].length !== n) return { path: ["skills", "correlation", i], message: `row ${i + 1} has ${C[i].length} entries; the matrix must be ${n}x${n}` };
    }
    for (let i = 0; i < n; i++)
      for (let j = 0; j < i; j++)
        if (Math.abs(C[i][j] - C[j][i]) > 1e-12 * Math.max(1, Math.abs(C[i][j])))
          return { path: ["skills", "correlation", i, j], message: `must be symmetric: C[${i + 1}][${j + 1}] = ${C[i][j]} but C[${j + 1}][${i + 1}] = ${C[j][i]}` };
  }
  const from = C !== "identity" && !Array.isArray(C) ? C : null;
  if (from && from.vectors === "orthogonal" && n > from.params)
    return { path: ["skills", "correlation", "params"], message: `${n} orthogonal skill vectors do not fit in ${from.params} dimensions; use params >= ${n}, or vectors: random` };
  const sw = c.skills.switches ?? [];
  for (let k = 0; k < sw.length; k++)
    if (sw[k].skill > n) return { path: ["skills", "switches", k, "skill"], message: `skill ${sw[k].skill} does not exist (skills are numbered 1..${n})` };
  // Of a skill's switches that are on, the highest at_level applies: two at one level would be ambiguous.
  for (let k = 0; k < sw.length; k++)
    for (let j = 0; j < k; j++)
      if (sw[j].skill === sw[k].skill && sw[j].at_level === sw[k].at_level)
        return { path: ["skills", "switches", k, "at_level"], message: `${sw[k].at_level} is also the at_level of switch ${j + 1} of skill ${sw[k].skill}; of a skill's switches that are on, the highest at_level applies, so give them different levels` };
  if (c.clip === false && c.loss !== "mse") return { path: ["clip"], message: "clip applies to the mse map (u <- max(0, u - ...)); the ce variant has nothing to clip" };
  if (c.clip === false && c.integrator !== "map") return { path: ["clip"], message: "clip: false is a property of the discrete map; the ODE holds u at 0 (use integrator: map)" };
  const deps = c.skills.dependencies;
  const seen = new Set<number>();
  for (let d = 0; d < deps.length; d++) {
    const dep = deps[d];
    if (dep.skill > n) return { path: ["skills", "dependencies", d, "skill"], message: `skill ${dep.skill} does not exist (skills are numbered 1..${n})` };
    if (seen.has(dep.skill)) return { path: ["skills", "dependencies", d, "skill"], message: `skill ${dep.skill} has two dependency entries; list all its parents in one \`requires\`` };
    seen.add(dep.skill);
    for (let r = 0; r < dep.requires.length; r++) {
      const q = dep.requires[r];
      if (q > n) return { path: ["skills", "dependencies", d, "requires", r], message: `skill ${q} does not exist (skills are numbered 1..${n})` };
      if (q === dep.skill) return { path: ["skills", "dependencies", d, "requires", r], message: `skill ${q} cannot require itself` };
    }
  }
  const cycle = findCycle(deps.map((d) => [d.skill, d.requires] as const));
  if (cycle) {
    const d = deps.findIndex((x) => x.skill === cycle[0]);
    return { path: ["skills", "dependencies", d], message: `dependency cycle ${cycle.join(" -> ")}: no skill in it could ever start` };
  }
  return null;
}

/** A cycle in the "requires" graph as a list of skills (first repeated at the end), or null.
 * Iterative depth-first search over the skills that have parents only (n may be huge, and a
 * long dependency chain must not overflow the call stack). */
function findCycle(edges: readonly (readonly [number, readonly number[]])[]): number[] | null {
  const req = new Map<number, readonly number[]>(edges);
  const state = new Map<number, 1 | 2>(); // absent: new, 1: on the stack, 2: done
  for (const [root] of edges) {
    if (state.has(root)) continue;
    const stack: number[] = [root];
    const next: number[] = [0]; // index of the next parent to follow, per stack entry
    state.set(root, 1);
    while (stack.length > 0) {
      const v = stack[stack.length - 1];
      const parents = req.get(v) ?? [];
      const k = next[next.length - 1]++;
      if (k >= parents.length) {
        state.set(v, 2);
        stack.pop();
        next.pop();
        continue;
      }
      const w = parents[k];
      const sw = state.get(w);
      if (sw === 1) return [...stack.slice(stack.indexOf(w)), w];
      if (sw === undefined) {
        state.set(w, 1);
        stack.push(w);
        next.push(0);
      }
    }
  }
  return null;
}
