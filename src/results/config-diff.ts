/**
 * Comparing configs: the one differ. `firstDifference` names the first dotted key whose value
 * differs; `baseConfig` is what every run of one sweep shares (used by merge, resume and check,
 * and by calibrate to tell seeds of one setting from different experiments).
 */
import { canonicalJson } from "./canonical.js";

/** The first dotted key whose value differs between a and b (keys in sorted order), with both values shortened; null when equal. */
export function firstDifference(a: unknown, b: unknown, path = ""): { path: string; a: string; b: string } | null {
  const show = (v: unknown) => (v === undefined ? "absent" : ((s) => (s.length > 40 ? `${s.slice(0, 37)}...` : s))(canonicalJson(v)));
  if (canonicalJson(a) === canonicalJson(b)) return null;
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])].sort();
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      if (d) return d;
    }
  }
  return { path: path || "config", a: show(a), b: show(b) };
}

/**
 * What every run of one sweep shares: the run's config without the swept keys and the seed
 * (derived per run unless swept), nor the values the loader derives from a swept key
 * (skills.count from a swept frequency list, an optimizer's default settings from its name,
 * timeline.check from the number of skills).
 */
export function baseConfig(config: Record<string, unknown>, swept: string[]): unknown {
  const c = structuredClone(config) as Record<string, unknown>;
  const drop = (path: string) => {
    const parts = path.split(".");
    let o: unknown = c;
    for (let i = 0; i < parts.length - 1; i++) {
      if (o === null || typeof o !== "object") return;
      o = (o as Record<string, unknown>)[parts[i]];
    }
    if (o !== null && typeof o === "object") delete (o as Record<string, unknown>)[parts[parts.length - 1]];
  };
  const under = (prefix: string) => swept.some((k) => k === prefix || k.startsWith(`${prefix}.`) || prefix.startsWith(`${k}.`));
  drop("seed");
  for (const k of swept) drop(k);
  if (under("skills.frequencies")) drop("skills.count");
  if (under("optimizer.name") || swept.includes("optimizer")) drop("optimizer");
  if (under("skills.count") || under("skills.frequencies")) drop("timeline.check");
  return c;
}
