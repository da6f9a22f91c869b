/**
 * Checks that need more than one key at a time (impossible combinations), on the resolved
 * config. Each returns the path of the key to blame and a message saying what to fix.
 */
import type { Config, ResourceConfig } from "./schema.js";

export interface Problem {
  path: (string | number)[];
  message: string;
}

/** Memory a run may ask for before we refuse (the machine has 24 GiB; leave room). */
export const MEMORY_LIMIT_BYTES = 8 * 1024 ** 3;

export function formatBytes(b: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let u = 0;
  while (b >= 1024 && u < units.length - 1) {
    b /= 1024;
    u++;
  }
  return `${b.toFixed(b < 10 ? 1 : 0)} ${units[u]}`;
}

export function checkSemantics(c: Config): Problem | null {
  const n = c.skills.count;
  const f = c.skills.frequencies;
  if (Array.isArray(f) && f.length !== n)
    return { path: ["skills", "count"], message: `is ${n} but skills.frequencies lists ${f.length} values; give one frequency per skill (or drop count)` };
  const t = c.timeline;
  if (!(t.onset < t.half && t.half < t.learned))
    return { path: ["timeline"], message: `thresholds must satisfy onset < half < learned, got ${t.onset}, ${t.half}, ${t.learned}` };
  const discrete = c.model === "geometry" || (c.model === "resource" && c.integrator === "map");
  if (discrete && !Number.isInteger(c.steps))
    return { path: ["steps"], message: `must be a whole number of updates for this model, got ${c.steps}` };
  if (c.record === "every" && !discrete && c.model !== "domino")
    return { path: ["record"], message: "`every` needs discrete steps; use {points: K} with the ODE integrator" };
  if (c.record === "every" && c.steps > 1e6)
    return { path: ["record"], message: `would keep ${c.steps} points per skill; use {points: 200, spacing: log}` };
  const recPoints = c.record === "every" ? Math.floor(c.steps) + 1 : c.record.points;
  let bytes = recPoints * (n + 2) * 8 * 3; // trace: levels, loss, t, and JSON copies
  if (c.model === "resource") {
    const p = checkResource(c);
    if (p) return p;
    if (Array.isArray(c.skills.correlation)) bytes += n * n * 8;
  }
  if (c.model === "domino") {
    if (c.variant === "parallel" && c.modules > 1)
      return { path: ["modules"], message: "modules split the serial Domino; the parallel variant has no modules (set variant: serial or modules: 1)" };
    if (c.modules > n) return { path: ["modules"], message: `${c.modules} modules for ${n} skills leaves empty modules; use at most ${n}` };
    if (c.params % c.modules !== 0 && c.rate === undefined)
      return { path: ["modules"], message: `params = ${c.params} cannot be split into ${c.modules} equal modules` };
    if (c.tau !== undefined && c.variant !== "parallel") return { path: ["tau"], message: "tau is the parallel variant's time scale; set variant: parallel or remove tau" };
  }
  if (c.model === "geometry") {
    if (c.skills.vectors === "orthogonal" && n > c.params)
      return { path: ["skills", "count"], message: `${n} orthogonal skill vectors do not fit in ${c.params} dimensions; use count <= params, or vectors: random` };
    if (typeof c.batch === "number" && c.batch > 1e7)
      return { path: ["batch"], message: `${c.batch} samples per step is more than sensible; use batch: full for the exact expected gradient` };
    bytes += n * c.params * 8 + 8 * c.params * 8;
  }
  if (bytes > MEMORY_LIMIT_BYTES)
    return { path: c.model === "geometry" ? ["params"] : ["skills", "count"], message: `this run would need about ${formatBytes(bytes)} of memory (limit ${formatBytes(MEMORY_LIMIT_BYTES)}); reduce skills.count, params or record.points` };
  return null;
}

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
  const cycle = findCycle(n, deps.map((d) => [d.skill, d.requires] as const));
  if (cycle) {
    const d = deps.findIndex((x) => x.skill === cycle[0]);
    return { path: ["skills", "dependencies", d], message: `dependency cycle ${cycle.join(" -> ")}: no skill in it could ever start` };
  }
  return null;
}

/** A cycle in the "requires" graph as a list of skills (first repeated at the end), or null. */
function findCycle(n: number, edges: readonly (readonly [number, readonly number[]])[]): number[] | null {
  const req = new Map<number, readonly number[]>(edges);
  const state = new Uint8Array(n + 1); // 0 new, 1 on stack, 2 done
  const stack: number[] = [];
  const visit = (v: number): number[] | null => {
    state[v] = 1;
    stack.push(v);
    for (const w of req.get(v) ?? []) {
      if (state[w] === 1) return [...stack.slice(stack.indexOf(w)), w];
      if (state[w] === 0) {
        const c = visit(w);
        if (c) return c;
      }
    }
    stack.pop();
    state[v] = 2;
    return null;
  };
  for (let v = 1; v <= n; v++) if (state[v] === 0) {
    const c = visit(v);
    if (c) return c;
  }
  return null;
}
