/**
 * Checks that need more than one key at a time (impossible combinations), on the resolved
 * config. Each returns the path of the key to blame and a message saying what to fix.
 */
import { constants as bufferConstants } from "node:buffer";
import { totalmem } from "node:os";
import { getHeapStatistics } from "node:v8";
import { rk45Defaults, type Config, type ResourceConfig } from "./schema.js";
import { checkNetwork } from "../models/network/config.js";
import { naturalLimitError } from "../engine/natural.js";

export interface Problem {
  path: (string | number)[];
  message: string;
}

/** Memory a run may ask for before we refuse, at most (the machine has 24 GiB; leave room). */
export const MEMORY_LIMIT_BYTES = 8 * 1024 ** 3;

/**
 * What one run may hold on this machine. Typed arrays (skill vectors, optimizer state) live
 * outside the JS heap: up to half the RAM, at most MEMORY_LIMIT_BYTES. The recorded trace
 * lives in JS arrays inside the heap, and `--json` writes it as one string, which cannot be
 * longer than MAX_STRING_LENGTH characters: past either limit Node aborts with a fatal error.
 */
export interface MemoryLimits {
  bytes: number;
  heapBytes: number;
  jsonChars: number;
}

let limitsHere: MemoryLimits | undefined; // fixed for the life of the process

export function machineLimits(): MemoryLimits {
  limitsHere ??= {
    bytes: Math.min(MEMORY_LIMIT_BYTES, totalmem() / 2),
    heapBytes: 0.75 * getHeapStatistics().heap_size_limit, // the rest of the program needs room too
    jsonChars: bufferConstants.MAX_STRING_LENGTH,
  };
  return limitsHere;
}

/** Heap bytes per recorded number: ~20 in a JS array (with growth slack), ~60 for its JSON text
 * and the copies made while writing it (measured: 1.2e7 numbers, 0.96 GB peak RSS with --json). */
const HEAP_BYTES_PER_RECORDED = 80;
/** JSON characters per recorded number, at most ("-0.12345678901234567," is 21). */
const JSON_CHARS_PER_RECORDED = 24;
/** Discrete runs count updates in a double; far below 2^53, past which t + 1 === t. */
const MAX_DISCRETE_STEPS = 1e12;

export function formatBytes(b: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let u = 0;
  while (b >= 1024 && u < units.length - 1) {
    b /= 1024;
    u++;
  }
  return `${b.toFixed(b < 10 ? 1 : 0)} ${units[u]}`;
}

/**
 * Keys the user wrote that the run would not use: refused, never silently ignored (issue: a
 * setting accepted and ignored looks like it acted). `raw` is the config as written (after
 * --set), before defaults fill it; `c` the resolved config. (`rate` with `lr` and `params` is
 * not here: rate overrides eta_eff = 2 lr sqrt(params) by design, so that `--set rate=...`
 * works on any config; the report header then shows the rate instead of lr and N.)
 */
export function checkUnused(raw: Record<string, unknown>, c: Config): Problem | null {
  const has = (k: string) => raw[k] !== undefined && raw[k] !== null;
  if (c.model === "geometry" && c.rate !== undefined)
    return { path: ["rate"], message: "the Geometry model has no eta_eff: it steps theta with lr (and the optimizer); remove rate (it sets eta_eff of the resource and domino models)" };
  // (A written-out resolved config, e.g. from `validate` or `calibrate --config-out`, carries the
  // default tolerances; those are accepted so that it runs again unchanged.)
  if (c.model === "resource" && c.integrator === "map")
    for (const k of ["rtol", "atol"] as const)
      if (has(k) && c[k] !== rk45Defaults[k])
        return { path: [k], message: `is a tolerance of the rk45 integrator; the map (integrator: map) has none: remove ${k} or set integrator: rk45` };
  if (c.model === "resource" && c.loss === "ce" && has("clip"))
    return { path: ["clip"], message: "clip applies to the mse map (u <- max(0, u - ...)); the ce variant has nothing to clip: remove it" };
  return null;
}

export function checkSemantics(c: Config, limits: MemoryLimits = machineLimits()): Problem | null {
  const n = c.skills.count;
  const f = c.skills.frequencies;
  if (Array.isArray(f) && f.length !== n)
    return { path: ["skills", "count"], message: `is ${n} but skills.frequencies lists ${f.length} values; give one frequency per skill (or drop count)` };
  const t = c.timeline;
  if (!(t.onset < t.half && t.half < t.learned))
    return { path: ["timeline"], message: `thresholds must satisfy onset < half < learned, got ${t.onset}, ${t.half}, ${t.learned}` };
  if (c.model === "network") {
    const p = checkNetwork(c, limits.bytes);
    if (p) return p;
  }
  if (c.model === "geometry" || c.model === "network") {
    const o = c.optimizer;
    if (o.name === "natural" && c.model === "network")
      return { path: ["optimizer"], message: "natural (exact natural gradient) needs the model's closed-form Fisher, which only the geometry model has" };
  }
  // One rule for every model: with on: level, a threshold at or below the level a skill starts
  // at is passed at t = 0. Where the config fixes that level, refused here; where only the run
  // knows it (a Geometry init, a network's measured accuracy), the run warns (report/result.ts).
  const start = startingLevel(c);
  if (t.on === "level" && start && t.onset <= start.level)
    return {
      path: ["timeline", "onset"],
      message: `with on: level the thresholds apply to the level itself, which starts at ${Number(start.level.toPrecision(6))}${start.what ? ` ${start.what}` : ""}; ${t.onset} would be passed at t = 0. Use thresholds above ${Number(start.level.toPrecision(6))} (e.g. onset: ${start.example}) or on: progress`,
    };
  const discrete = c.model === "geometry" || c.model === "network" || (c.model === "resource" && c.integrator === "map");
  if (discrete && !Number.isInteger(c.steps))
    return { path: ["steps"], message: `must be a whole number of updates for this model, got ${c.steps}` };
  if (discrete && c.steps > MAX_DISCRETE_STEPS)
    return { path: ["steps"], message: `${c.steps} updates would never finish; use at most ${MAX_DISCRETE_STEPS.toExponential()}` };
  if (c.record === "every" && !discrete && c.model !== "domino")
    return { path: ["record"], message: "`every` needs discrete steps; use {points: K} with the ODE integrator" };
  if (c.record === "every" && c.model === "domino" && !Number.isInteger(c.steps))
    return { path: ["record"], message: `\`every\` records whole steps, but steps is ${c.steps}; use a whole number of steps or {points: K}` };
  if (c.record === "every" && c.steps > 1e6)
    return { path: ["record"], message: `would keep ${c.steps} points per skill; use {points: 200, spacing: log}` };
  // Recorded times: every step, or at most `points` (a discrete run has only steps + 1 times).
  const wholeTimes = discrete || (c.model === "domino" && Number.isInteger(c.steps));
  const recPoints = c.record === "every" ? Math.floor(c.steps) + 1 : wholeTimes ? Math.min(c.record.points, Math.floor(c.steps) + 1) : c.record.points;
  // The trace keeps t, the loss and n levels per recorded time (geometry diagnostics: n + 1 more).
  const perTime = n + 2 + (c.model === "geometry" && c.diagnostics !== false ? n + 1 : 0);
  const recorded = recPoints * perTime;
  let bytes = 64 * n; // frequencies, levels, crossings (outside the trace)
  if (c.model === "resource") {
    const p = checkResource(c);
    if (p) return p;
    if (c.skills.correlation !== "identity") bytes += n * n * 8;
    if (!Array.isArray(c.skills.correlation) && c.skills.correlation !== "identity") bytes += n * c.skills.correlation.params * 8;
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
    bytes += n * c.params * 8 + 8 * c.params * 8; // skill vectors; theta, gradient, optimizer state
  }
  if (bytes > limits.bytes)
    return { path: c.model === "geometry" ? ["params"] : ["skills", "count"], message: `this run would need about ${formatBytes(bytes)} of memory (this machine allows ${formatBytes(limits.bytes)}); reduce skills.count or params` };
  const maxRecorded = Math.floor(Math.min(limits.heapBytes / HEAP_BYTES_PER_RECORDED, limits.jsonChars / JSON_CHARS_PER_RECORDED));
  if (recorded > maxRecorded)
    return {
      path: c.record === "every" ? ["record"] : ["skills", "count"],
      message: `this run would need about ${formatBytes(recorded * HEAP_BYTES_PER_RECORDED + bytes)} of memory to record and write its trace of ${recorded.toExponential(2)} numbers (limit about ${formatBytes(maxRecorded * HEAP_BYTES_PER_RECORDED)}, ${maxRecorded.toExponential(2)} numbers); reduce record.points, skills.count${c.record === "every" ? " or steps" : ""}`,
    };
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

/**
 * The level every skill starts at, when the config alone fixes it (before the lead's per-model
 * `initialLevels` registry lands, it is computed here): 1/2 for a ce Geometry or Resource run
 * (sigmoid(0)), chance accuracy for a network's classification tasks (1/2 for the parities,
 * 1/modulus for modular addition); 0 for the rest (mse levels, a Domino, the squares task's
 * 1 - l/l(0)). null where the run decides it (a Geometry `init`: t_i . theta(0)).
 */
export function startingLevel(c: Config): { level: number; what: string; example: string } | null {
  if ((c.model === "geometry" || c.model === "resource") && c.loss === "ce") return { level: 0.5, what: "with ce loss", example: "0.6, half: 0.75, learned: 0.9" };
  if (c.model === "geometry" && c.init !== undefined) return null;
  if (c.model === "network") {
    const kind = c.task.kind;
    if (kind === "sparse-parity" || kind === "multitask-parity") return { level: 0.5, what: "(chance accuracy of a parity)", example: "0.6, half: 0.75, learned: 0.9" };
    if (kind === "modular-addition") {
      const m = c.task.modulus!;
      return { level: 1 / m, what: `(chance accuracy 1/${m} of modular addition)`, example: `${Number((1 / m + 0.1).toPrecision(2))}` };
    }
  }
  return { level: 0, what: "", example: "0.1" };
}
