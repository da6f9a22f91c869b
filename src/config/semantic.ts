/**
 * Checks that need more than one key at a time (impossible combinations), on the resolved
 * config. Each returns the path of the key to blame and a message saying what to fix.
 */
import { constants as bufferConstants } from "node:buffer";
import { totalmem } from "node:os";
import { getHeapStatistics } from "node:v8";
import { modelSpec, type Config } from "../models/index.js";
import type { Problem } from "../models/spec.js";

export type { Problem };

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
 * --set), before defaults fill it; `c` the resolved config. Each model says which of its keys
 * these are (src/models/NAME/index.ts, `checkUnused`). (`rate` with `lr` and `params` is not
 * among them: rate overrides eta_eff = 2 lr sqrt(params) by design, so that `--set rate=...`
 * works on any config; the report header then shows the rate instead of lr and N.)
 */
export function checkUnused(raw: Record<string, unknown>, c: Config): Problem | null {
  return modelSpec(c.model).checkUnused?.(raw, c) ?? null;
}

export function checkSemantics(c: Config, limits: MemoryLimits = machineLimits()): Problem | null {
  const spec = modelSpec(c.model);
  const n = c.skills.count;
  const f = c.skills.frequencies;
  if (Array.isArray(f) && f.length !== n)
    return { path: ["skills", "count"], message: `is ${n} but skills.frequencies lists ${f.length} values; give one frequency per skill (or drop count)` };
  const t = c.timeline;
  if (!(t.onset < t.half && t.half < t.learned))
    return { path: ["timeline"], message: `thresholds must satisfy onset < half < learned, got ${t.onset}, ${t.half}, ${t.learned}` };
  const own = spec.check?.(c, limits.bytes);
  if (own) return own;
  // One rule for every model: with on: level, a threshold at or below the level the skills
  // start at is passed at t = 0. Refused here where the config fixes that level (the model's
  // startLevel: ce 1/2, a network's chance accuracy); where only the run knows it (startLevel
  // null: a Geometry init), the run warns (report/result.ts).
  const s0 = spec.startLevel(c);
  if (t.on === "level" && s0 !== null && t.onset <= s0) {
    const lv = Number(s0.toPrecision(6));
    const what = spec.startLevelWhy?.(c) ?? "";
    return {
      path: ["timeline", "onset"],
      message: `with on: level the thresholds apply to the level itself, which starts at ${lv}${what}; ${t.onset} would be passed at t = 0. Use thresholds above ${lv} (e.g. onset: ${lv >= 0.5 ? "0.6, half: 0.75, learned: 0.9" : Number((lv + 0.1).toPrecision(2))}) or on: progress`,
    };
  }
  const time = spec.time(c);
  const discrete = time === "steps";
  if (discrete && !Number.isInteger(c.steps))
    return { path: ["steps"], message: `must be a whole number of updates for this model, got ${c.steps}` };
  if (discrete && c.steps > MAX_DISCRETE_STEPS)
    return { path: ["steps"], message: `${c.steps} updates would never finish; use at most ${MAX_DISCRETE_STEPS.toExponential()}` };
  if (c.record === "every" && time === "continuous")
    return { path: ["record"], message: "`every` needs discrete steps; use {points: K} with the ODE integrator" };
  if (c.record === "every" && time === "closed-form" && !Number.isInteger(c.steps))
    return { path: ["record"], message: `\`every\` records whole steps, but steps is ${c.steps}; use a whole number of steps or {points: K}` };
  if (c.record === "every" && c.steps > 1e6)
    return { path: ["record"], message: `would keep ${c.steps} points per skill; use {points: 200, spacing: log}` };
  // Recorded times: every step, or at most `points` (a discrete run has only steps + 1 times).
  const wholeTimes = discrete || (time === "closed-form" && Number.isInteger(c.steps));
  const recPoints = c.record === "every" ? Math.floor(c.steps) + 1 : wholeTimes ? Math.min(c.record.points, Math.floor(c.steps) + 1) : c.record.points;
  // The trace keeps t, the loss and n levels per recorded time, and any series the model adds.
  const perTime = n + 2 + (spec.extraSeries?.(c) ?? 0);
  const recorded = recPoints * perTime;
  const bytes = 64 * n + spec.memoryBytes(c); // frequencies, levels, crossings (outside the trace); the model's own
  if (bytes > limits.bytes)
    return { path: spec.memoryKey, message: `this run would need about ${formatBytes(bytes)} of memory (this machine allows ${formatBytes(limits.bytes)}); reduce skills.count or params` };
  const maxRecorded = Math.floor(Math.min(limits.heapBytes / HEAP_BYTES_PER_RECORDED, limits.jsonChars / JSON_CHARS_PER_RECORDED));
  if (recorded > maxRecorded)
    return {
      path: c.record === "every" ? ["record"] : ["skills", "count"],
      message: `this run would need about ${formatBytes(recorded * HEAP_BYTES_PER_RECORDED + bytes)} of memory to record and write its trace of ${recorded.toExponential(2)} numbers (limit about ${formatBytes(maxRecorded * HEAP_BYTES_PER_RECORDED)}, ${maxRecorded.toExponential(2)} numbers); reduce record.points, skills.count${c.record === "every" ? " or steps" : ""}`,
    };
  return null;
}
