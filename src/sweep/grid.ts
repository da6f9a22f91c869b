/**
 * Sweep plans: a config's `sweep:` block -> the runs it stands for. Pure: text in, configs out.
 *
 *   sweep: {k_1: [a_0, a_1], k_2: [b_0, b_1, b_2]}        keys in the order the file lists them
 *   runs   the cartesian product, the LAST key varying fastest (mixed radix, first key most
 *          significant): id = sum_j i_j * prod_{l > j} |values_l|, ids 0 .. M-1, M = prod |values_j|
 *            id 0: k_1=a_0 k_2=b_0   id 1: k_1=a_0 k_2=b_1   id 2: k_1=a_0 k_2=b_2   id 3: k_1=a_1 k_2=b_0 ...
 *   config of run id   the file's config with the sweep block removed and, for each key,
 *                      `--set k_j=<value>` applied (so the loader validates it as usual)
 *   seed of run id     the swept value if `seed` is swept, else deriveSeed(config seed, id)
 *   shard I/K          the ids with id % K == I - 1 (I is 1-based, as Slurm array task ids)
 *
 * Ids depend only on the sweep block, so every machine, shard and resume agrees on them.
 */
import { isDeepStrictEqual } from "node:util";
import { LineCounter, isMap, isScalar, isSeq, parse, parseDocument, type Document, type Node } from "yaml";
import { ConfigError, loadConfig } from "../config/load.js";
import type { Config } from "../config/schema.js";
import { deriveSeed } from "../engine/rng.js";
import { configHash } from "../config/hash.js";
import { InputError } from "../errors.js";

/** Larger sweeps are almost certainly a mistake (a list pasted twice, a stray zero). */
export const MAX_RUNS = 1_000_000;

/** A problem with how a sweep is asked for, or with its output file (not with the config): exit code 2. */
export class SweepError extends InputError {}

export interface SweepKey {
  /** Dotted config key, as written in the sweep block. */
  key: string;
  values: unknown[];
  /** file:line:col of the key, and of each value (for error messages). */
  where: string;
  valueWhere: string[];
}

export interface SweepRun {
  id: number;
  /** Each swept key (in sweep order) -> this run's value. */
  overrides: Record<string, unknown>;
  /** The run's validated config: sweep block dropped, overrides applied, per-run seed. */
  cfg: Config;
  /** configHash(cfg): what output lines are checked against on --resume and merge --config. */
  hash: string;
}

export interface Shard {
  /** 1-based: shard `index` of `count`. */
  index: number;
  count: number;
}

const DOTTED = /^[A-Za-z_][A-Za-z0-9_]*(\.([A-Za-z_][A-Za-z0-9_]*|\d+))*$/;

/** `--set` text for one override: the value as JSON, which the loader parses as flow YAML. */
function setOf(key: string, value: unknown): string {
  return `${key}=${JSON.stringify(value)}`;
}

export class SweepPlan {
  /** Number of runs M. */
  readonly total: number;
  readonly seedSwept: boolean;
  private readonly sizes: number[];

  constructor(
    private readonly text: string,
    readonly file: string,
    private readonly sets: string[],
    readonly keys: SweepKey[],
    readonly baseSeed: number,
    private readonly sweepWhere: string,
    /** file:line:col of the config's `study:` key (what `skillsim study` computes from these runs; no part of a run), or null. */
    readonly studyWhere: string | null = null,
  ) {
    this.sizes = keys.map((k) => k.values.length);
    this.total = this.sizes.reduce((a, b) => a * b, 1);
    this.seedSwept = keys.some((k) => k.key === "seed");
  }

  /** Index into each key's value list for run `id` (last key fastest). */
  indicesOf(id: number): number[] {
    if (!Number.isInteger(id) || id < 0 || id >= this.total) throw new RangeError(`run id ${id} is outside 0..${this.total - 1}`);
    const idx = new Array<number>(this.sizes.length);
    for (let j = this.sizes.length - 1; j >= 0; j--) {
      idx[j] = id % this.sizes[j];
      id = Math.floor(id / this.sizes[j]);
    }
    return idx;
  }

  overridesOf(id: number): Record<string, unknown> {
    const idx = this.indicesOf(id);
    const o: Record<string, unknown> = {};
    this.keys.forEach((k, j) => (o[k.key] = k.values[idx[j]]));
    return o;
  }

  /** The run's config. Throws the loader's ConfigError if the overrides make it invalid. */
  run(id: number): SweepRun {
    const overrides = this.overridesOf(id);
    const sets = [...this.sets, ...Object.entries(overrides).map(([k, v]) => setOf(k, v))];
    const { sweep: _dropped, ...rest } = loadConfig(this.text, { file: this.file, sets }) as Config & { sweep?: unknown };
    void _dropped;
    const cfg = (this.seedSwept ? rest : { ...rest, seed: deriveSeed(this.baseSeed, id) }) as Config;
    return { id, overrides, cfg, hash: configHash(cfg) };
  }

  /**
   * Validate before running anything: every swept value on its own (errors point at the value
   * in the file), then every run in `ids` (values that clash with each other).
   */
  validate(ids: Iterable<number>): void {
    for (const k of this.keys) {
      k.values.forEach((v, j) => {
        try {
          loadConfig(this.text, { file: this.file, sets: [...this.sets, setOf(k.key, v)] });
        } catch (e) {
          throw e instanceof ConfigError ? this.blameValue(e, k, j) : e;
        }
      });
    }
    // With at most one swept key besides `seed`, every run's config is one checked above
    // (no validation rule involves the seed), so there is nothing left to clash.
    if (this.keys.filter((k) => k.key !== "seed").length <= 1) return;
    for (const id of ids) {
      try {
        this.run(id);
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        const o = Object.entries(this.overridesOf(id)).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ");
        throw new ConfigError(`run ${id} (${o}): ${e.key ? `${e.key}: ` : ""}${e.message}`, this.sweepWhere, "sweep");
      }
    }
  }

  private blameValue(e: ConfigError, k: SweepKey, j: number): ConfigError {
    const aboutKey = e.key === k.key || k.key.startsWith(`${e.key}.`);
    const detail = e.key && e.key !== k.key ? `${e.key}: ` : "";
    if (aboutKey && (e.message.startsWith("unknown key") || e.message.includes("is a value, not a section")))
      return new ConfigError(`${detail}${e.message}`, k.where, `sweep.${k.key}`);
    return new ConfigError(`${detail}${e.message} (value ${j + 1} of ${k.values.length})`, k.valueWhere[j] ?? k.where, `sweep.${k.key}`);
  }
}

/**
 * Read a config's sweep block. Throws ConfigError (exit 2) for a config without one, an
 * empty one, keys that are not dotted config keys, overlapping keys, or more than MAX_RUNS runs.
 * Values are not checked here: call plan.validate().
 */
export function planSweep(text: string, opts: { file: string; sets?: string[] }): SweepPlan {
  const file = opts.file;
  // `--set sweep.KEY=[v1, v2]` sets (or adds) one sweep axis; every other --set applies to each run.
  const sets: string[] = [];
  const axisSets: { key: string; values: unknown[]; where: string }[] = [];
  for (const s of opts.sets ?? []) {
    const eq = s.indexOf("=");
    const key = s.slice(0, Math.max(0, eq)).trim();
    if (key === "sweep") throw new ConfigError("--set cannot replace the whole sweep block; set one axis, e.g. --set 'sweep.seed=[0, 1, 2]'", `--set ${s}`);
    if (!key.startsWith("sweep.")) {
      sets.push(s);
      continue;
    }
    const axis = key.slice("sweep.".length);
    const where = `--set ${s}`;
    if (!DOTTED.test(axis)) throw new ConfigError(`"${axis}" is not a dotted config key like params or skills.frequencies.zipf`, where, key);
    if (axis === "sweep" || axis.startsWith("sweep.")) throw new ConfigError("a sweep cannot sweep its own sweep block", where, key);
    let values: unknown;
    try {
      values = parse(s.slice(eq + 1));
    } catch (e) {
      throw new ConfigError(`the value is not YAML: ${(e as Error).message.split("\n")[0]}`, where, key);
    }
    if (!Array.isArray(values) || values.length === 0)
      throw new ConfigError(`a sweep axis takes a non-empty list of values, e.g. --set '${key}=[1, 2, 4]'`, where, key);
    const prev = axisSets.findIndex((a) => a.key === axis);
    if (prev >= 0) axisSets.splice(prev, 1); // the last --set of an axis wins, as for any key
    axisSets.push({ key: axis, values, where });
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, merge: false });
  const at = (node: Node | null | undefined): string => {
    if (!node?.range) return file;
    const p = lc.linePos(node.range[0]);
    return `${file}:${p.line}:${p.col}`;
  };
  const sweepNode = doc.errors.length === 0 && isMap(doc.contents) ? (doc.contents.get("sweep", true) as Node | undefined) : undefined;
  const sweepKeyNode = doc.errors.length === 0 && isMap(doc.contents)
    ? (doc.contents.items.find((it) => isScalar(it.key) && it.key.value === "sweep")?.key as Node | undefined)
    : undefined;
  const emptyHint = "list values for at least one key, e.g. `sweep: {seed: [0, 1, 2, 3]}`";
  if (axisSets.length === 0 && sweepKeyNode && (sweepNode === undefined || sweepNode === null || (isScalar(sweepNode) && sweepNode.value === null) || (isMap(sweepNode) && sweepNode.items.length === 0)))
    throw new ConfigError(`the sweep block is empty; ${emptyHint}`, at(sweepKeyNode), "sweep");

  const base = loadConfig(text, { file, sets }); // the config itself must be valid (file:line:col errors)
  if (axisSets.length === 0 && (!base.sweep || !isMap(sweepNode)))
    throw new ConfigError(`has no sweep block, so there is nothing to sweep; add one, e.g. \`sweep: {seed: [0, 1, 2, 3]}\`, or use \`skillsim run\` for one run`, file);

  const keys: SweepKey[] = [];
  for (const item of isMap(sweepNode) ? sweepNode.items : []) {
    const keyNode = item.key as Node;
    const key = String(isScalar(keyNode) ? keyNode.value : keyNode);
    const where = at(keyNode);
    if (!DOTTED.test(key)) throw new ConfigError(`"${key}" is not a dotted config key like params or skills.frequencies.zipf`, where, "sweep");
    if (key === "sweep" || key.startsWith("sweep.")) throw new ConfigError("a sweep cannot sweep its own sweep block", where, `sweep.${key}`);
    const axis = axisSets.find((a) => a.key === key);
    if (axis) { // replaced from the command line: errors point at the --set
      keys.push({ key, values: axis.values, where: axis.where, valueWhere: [] });
      continue;
    }
    const values = base.sweep![key];
    const valueNode = item.value as Node | null;
    const valueWhere = isSeq(valueNode) ? valueNode.items.map((n) => at(n as Node)) : [];
    keys.push({ key, values, where, valueWhere });
  }
  for (const a of axisSets) if (!keys.some((k) => k.key === a.key)) keys.push({ key: a.key, values: a.values, where: a.where, valueWhere: [] });
  if (keys.length === 0) throw new ConfigError(`the sweep block is empty; ${emptyHint}`, at(sweepKeyNode), "sweep");
  for (const a of keys)
    for (const b of keys)
      if (b.key.startsWith(`${a.key}.`))
        throw new ConfigError(`overlaps sweep.${a.key} (both set ${b.key}); sweep one of them`, b.where, `sweep.${b.key}`);

  let total = 1;
  for (const k of keys) total *= k.values.length;
  if (total > MAX_RUNS) {
    const sizes = keys.map((k) => `${k.values.length} ${k.key}`).join(" x ");
    throw new ConfigError(
      `${sizes} is ${total.toLocaleString("en-US")} runs, more than the limit of ${MAX_RUNS.toLocaleString("en-US")}; split it into several configs`,
      at(sweepKeyNode), "sweep");
  }
  const studyKeyNode = isMap(doc.contents) ? (doc.contents.items.find((it) => isScalar(it.key) && it.key.value === "study")?.key as Node | undefined) : undefined;
  return new SweepPlan(withoutSweep(text, doc), file, sets, keys, base.seed, sweepKeyNode ? at(sweepKeyNode) : axisSets[0].where, studyKeyNode ? at(studyKeyNode) : null);
}

/**
 * The config text without its sweep block, which every run's config is loaded from: loading
 * the full text would make each load cost O(sweep size), and validating a sweep O(M^2).
 * Re-serialising moves lines, but errors from these loads are blamed on the sweep block by
 * SweepPlan, never on a line of this text. Falls back to the full text if removing the block
 * changed anything else (say, an anchor defined inside it).
 */
function withoutSweep(text: string, doc: Document): string {
  try {
    const copy = doc.clone();
    copy.delete("sweep");
    const stripped = copy.toString();
    const { sweep: _dropped, ...want } = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
    void _dropped;
    return isDeepStrictEqual(parse(stripped, { maxAliasCount: 100 }), want) ? stripped : text;
  } catch {
    return text;
  }
}

/** `I/K` -> shard I of K (1-based). Throws SweepError with the accepted form. */
export function parseShard(s: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(s);
  const form = `expected I/K with 1 <= I <= K, e.g. --shard 2/8 or --shard $SLURM_ARRAY_TASK_ID/8; got "${s}"`;
  if (!m) throw new SweepError(`--shard: ${form}`);
  const index = Number(m[1]), count = Number(m[2]);
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index < 1 || index > count)
    throw new SweepError(`--shard: ${form}${index === 0 ? " (shards count from 1)" : ""}`);
  return { index, count };
}

/** Whether run `id` belongs to `shard` (all ids do without one). */
export function inShard(id: number, shard?: Shard): boolean {
  return !shard || id % shard.count === shard.index - 1;
}

/** The ids of `shard` in increasing order (all of 0..total-1 without one). */
export function* shardIds(total: number, shard?: Shard): Generator<number> {
  const step = shard ? shard.count : 1;
  for (let id = shard ? shard.index - 1 : 0; id < total; id += step) yield id;
}

/** How many of 0..total-1 fall in `shard`. */
export function shardSize(total: number, shard?: Shard): number {
  if (!shard) return total;
  const first = shard.index - 1;
  return first >= total ? 0 : Math.floor((total - 1 - first) / shard.count) + 1;
}
