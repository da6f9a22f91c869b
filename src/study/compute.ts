/**
 * A study's numbers from its runs: one row per run (each derived quantity), one row per group
 * (per quantity over the group's runs, usually its seeds: n, mean, sample sd and the 95%
 * interval of the mean, Student t with n - 1 degrees of freedom -- meanInterval, the one
 * `table --summary` uses), one row per fit group (a power law by fitPowerLaw, its alpha's
 * interval by bootstrapPowerLaw: percentile, resampling runs) and per-run calibrations (the
 * result of `skillsim calibrate` on each run).
 *
 * Pure: parsed sweep runs and their configs in, tables out.
 */
import type { Config } from "../config/schema.js";
import { meanInterval, type SweepRun as LineRun } from "../analysis/sweep-table.js";
import { bootstrapPowerLaw, fitPowerLaw } from "../fit/index.js";
import { evaluate, type Seg } from "./expr.js";
import { getPath, summaryField, type Study } from "./spec.js";

export type Cell = number | string | null;

/** One run of one config, with its config (from the sweep plan: the one that ran). */
export interface StudyRun {
  label: string;
  run: LineRun;
  cfg: Config;
  /** Per-run calibration, when the study asks for one. */
  calibration?: Record<string, number> | null;
}

export interface Table {
  columns: string[];
  rows: Cell[][];
}

export interface StudyResult {
  runs: Table;
  groups: Table;
  fits: Table | null;
  /** The study's compare: block: per group (its keys but compare.key), each quantity's num / den ratio over paired runs. */
  compare?: Table | null;
  calibration: Table | null;
  /** Long-format curves (run keys, step, skill, level, loss, skill_loss), when a figure or --long asks for them. */
  curves?: Table | null;
  /** Notes for stderr (runs a fit left out, fits that failed). */
  notes: string[];
  /** The fit's window (fit.range), when it has one: fitted lines are drawn over it only. */
  fitRange?: [number, number] | null;
}

/** The value of a path in a run (see spec.ts checkPath for what a path may name). */
export function resolveIn(r: StudyRun, values: Record<string, number | null>): (segs: Seg[], text: string) => number | null {
  return (segs) => {
    const head = segs[0] as { kind: "name"; name: string };
    if (segs.length === 1 && head.name in values) return values[head.name];
    if (segs.length === 1 && head.name === "id") return r.run.id;
    if (segs.length === 1 && head.name === "seed") return r.cfg.seed;
    if (head.name === "final") return r.run.finalLoss;
    if (head.name === "skills" && segs[1]?.kind === "index") {
      const s = r.run.skills.find((x) => x.index === (segs[1] as { index: number }).index);
      const f = (segs[2] as { name: string }).name as keyof typeof s;
      const v = s ? (s as unknown as Record<string, number | null>)[f] : null;
      return typeof v === "number" ? v : null;
    }
    if (head.name === "summary") {
      // Absent, not a number, or a run without a summary: empty (the run counts as missing).
      const sf = summaryField(segs);
      if (typeof sf === "string" || !r.run.summary) return null;
      const v = getPath(r.run.summary, [...sf.field.split("."), ...(sf.index === null ? [] : [sf.index - 1])]);
      return typeof v === "number" && Number.isFinite(v) ? v : null;
    }
    const keys = (head.name === "config" ? segs.slice(1) : segs).map((s) => (s.kind === "index" ? s.index : s.name));
    const v = getPath(r.cfg, keys);
    return typeof v === "number" ? v : typeof v === "boolean" ? Number(v) : null;
  };
}

/** A grouping key's value in a run: the label for `config`, else the swept or config value. */
export function keyValue(r: StudyRun, key: string): unknown {
  if (key === "config") return r.label;
  if (Object.hasOwn(r.run.overrides, key)) return r.run.overrides[key];
  return getPath(r.cfg, key.split("."));
}

/** A key value as a table cell (lists as JSON text). */
export function cellOf(v: unknown): Cell {
  if (v === undefined || v === null) return null;
  if (typeof v === "number" || typeof v === "string") return v;
  return JSON.stringify(v);
}

const CAL_PARAMS = ["N0", "rate", "t0", "tau", "calibration_rmse"];

/** Every quantity of every run, in run order (config order, then id). */
export function runValues(study: Study, runs: StudyRun[]): Record<string, number | null>[] {
  return runs.map((r) => {
    const values: Record<string, number | null> = {};
    for (const q of study.quantities) values[q.name] = r.run.error ? null : evaluate(q.expr, resolveIn(r, values));
    if (study.calibrate) for (const k of CAL_PARAMS) values[k] = r.calibration?.[k] ?? null;
    return values;
  });
}

/** Compute the study's tables (see the file comment). */
export function computeStudy(study: Study, runs: StudyRun[]): StudyResult {
  const notes: string[] = [];
  const swept = [...new Set(study.sources.flatMap((s) => s.plan.keys.map((k) => k.key)))].filter((k) => k !== "seed");
  const values = runValues(study, runs);
  const qnames = [...study.quantities.map((q) => q.name), ...(study.calibrate ? CAL_PARAMS : [])];

  const runTable: Table = {
    columns: ["config", "id", "seed", ...swept, ...qnames, "error"],
    rows: runs.map((r, i) => [r.label, r.run.id, r.cfg.seed, ...swept.map((k) => cellOf(keyValue(r, k))), ...qnames.map((q) => values[i][q]), r.run.error]),
  };

  // Groups, in order of first appearance.
  const groups = new Map<string, number[]>();
  for (let i = 0; i < runs.length; i++) {
    const key = JSON.stringify(study.group.map((k) => cellOf(keyValue(runs[i], k))));
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  }
  const stats = ["n", "mean", "sd", "lo", "hi"] as const;
  const groupTable: Table = {
    columns: [...study.group, "runs", ...qnames.flatMap((q) => stats.map((s) => `${q}_${s}`))],
    rows: [...groups].map(([key, idx]) => {
      const cells: Cell[] = [...(JSON.parse(key) as Cell[]), idx.length];
      for (const q of qnames) {
        const v = idx.map((i) => values[i][q]).filter((x): x is number => x !== null);
        const m = meanInterval(v);
        cells.push(m.n, m.mean, m.sd, m.lo, m.hi);
      }
      return cells;
    }),
  };

  let fits: Table | null = null;
  if (study.fit) {
    const f = study.fit;
    const byGroups = new Map<string, number[]>();
    runs.forEach((r, i) => {
      const key = JSON.stringify(f.by.map((k) => cellOf(keyValue(r, k))));
      const g = byGroups.get(key);
      if (g) g.push(i);
      else byGroups.set(key, [i]);
    });
    fits = { columns: [...f.by, "n", "A", "alpha", "alpha_lo", "alpha_hi", "E", "rmse_log"], rows: [] };
    for (const [key, idx] of byGroups) {
      const xs: number[] = [], ys: number[] = [];
      let outside = 0;
      for (const i of idx) {
        const x = evaluate(f.x.expr, resolveIn(runs[i], values[i]));
        const y = evaluate(f.y.expr, resolveIn(runs[i], values[i]));
        // Outside the fitting window (fit.range): not fitted, and not counted as dropped.
        if (x !== null && f.range && (x < f.range[0] || x > f.range[1])) { outside++; continue; }
        if (x !== null && y !== null && x > 0 && y > 0) { xs.push(x); ys.push(y); }
      }
      const head = JSON.parse(key) as Cell[];
      const dropped = idx.length - outside - xs.length;
      if (dropped > 0) notes.push(`fit ${describeGroup(f.by, head)}: ${dropped} run${dropped === 1 ? "" : "s"} without a positive x and y left out`);
      try {
        const r = fitPowerLaw(xs, ys, { fixE: f.fixE });
        // A resample can be unfittable when the data are (e.g. every drawn x equal, likely with
        // few distinct x in a fit.range window): the fit stands, its interval is left empty.
        let iv: ReturnType<typeof bootstrapPowerLaw> | null = null;
        if (f.bootstrap > 0) {
          try {
            iv = bootstrapPowerLaw(xs, ys, { fixE: f.fixE, K: f.bootstrap, seed: 0 });
          } catch (e) {
            notes.push(`fit ${describeGroup(f.by, head)}: no bootstrap interval for alpha, a resample could not be fitted (${(e as Error).message})`);
          }
        }
        fits.rows.push([...head, xs.length, r.params.A, r.params.alpha, iv ? iv.alpha[0] : null, iv ? iv.alpha[1] : null, r.params.E, r.rmse_log]);
      } catch (e) {
        notes.push(`fit ${describeGroup(f.by, head)}: ${(e as Error).message}`);
        fits.rows.push([...head, xs.length, null, null, null, null, null, null]);
      }
    }
  }

  let compare: Table | null = null;
  if (study.compare) {
    const c = study.compare;
    const keys = study.group.filter((k) => k !== c.key);
    const keyOf = (i: number) => JSON.stringify(keys.map((k) => cellOf(keyValue(runs[i], k))));
    const side = (i: number) => cellOf(keyValue(runs[i], c.key));
    // The den run of each (other keys, seed).
    const den = new Map<string, number>();
    runs.forEach((r, i) => {
      if (side(i) !== c.den) return;
      const k = `${keyOf(i)}|${r.cfg.seed}`;
      if (den.has(k)) notes.push(`compare: two ${c.key} = ${c.den} runs with ${describeGroup(keys, JSON.parse(keyOf(i)) as Cell[])} and seed ${r.cfg.seed}; the first is used`);
      else den.set(k, i);
    });
    const pairs = new Map<string, [number, number][]>();
    let unpaired = 0;
    runs.forEach((r, i) => {
      if (side(i) !== c.num) return;
      const j = den.get(`${keyOf(i)}|${r.cfg.seed}`);
      if (j === undefined) { unpaired++; return; }
      const g = pairs.get(keyOf(i));
      if (g) g.push([i, j]);
      else pairs.set(keyOf(i), [[i, j]]);
    });
    // A side that names no run (e.g. a value the key never takes) leaves the table empty: say so.
    for (const v of [c.num, c.den]) if (!runs.some((_, i) => side(i) === v)) notes.push(`compare: no run has ${c.key} = ${v}; the compare table is empty`);
    if (unpaired > 0) notes.push(`compare: ${unpaired} ${c.key} = ${c.num} run${unpaired === 1 ? "" : "s"} without a ${c.key} = ${c.den} run of the same keys and seed left out`);
    compare = {
      columns: [...keys, "pairs", ...c.of.flatMap((q) => stats.map((st) => `${q}_ratio_${st}`))],
      rows: [...pairs].map(([key, ps]) => {
        const cells: Cell[] = [...(JSON.parse(key) as Cell[]), ps.length];
        for (const q of c.of) {
          const v = ps.map(([i, j]) => {
            const a = values[i][q], b = values[j][q];
            const r = a === null || b === null ? null : a / b;
            return r !== null && Number.isFinite(r) ? r : null;
          }).filter((x): x is number => x !== null);
          const m = meanInterval(v);
          cells.push(m.n, m.mean, m.sd, m.lo, m.hi);
        }
        return cells;
      }),
    };
  }

  let calibration: Table | null = null;
  if (study.calibrate) {
    calibration = {
      columns: ["config", "id", "seed", ...swept, ...CAL_PARAMS],
      rows: runs.map((r, i) => [r.label, r.run.id, r.cfg.seed, ...swept.map((k) => cellOf(keyValue(r, k))), ...CAL_PARAMS.map((k) => values[i][k])]),
    };
  }
  return { runs: runTable, groups: groupTable, fits, compare, calibration, notes, fitRange: study.fit?.range ?? null };
}

function describeGroup(keys: string[], cells: Cell[]): string {
  return keys.length === 0 ? "(all runs)" : keys.map((k, i) => `${k}=${cells[i]}`).join(" ");
}

/** Whether a table cell holds a value (lists compared as JSON). */
export function cellMatches(cell: Cell, value: unknown): boolean {
  const v = cellOf(value);
  return cell === v || (typeof cell === "string" && typeof v === "string" && sameJson(cell, v));
}

/** Rows of a table whose key columns equal `row`'s values (lists compared as JSON). */
export function findRows(t: Table, row: Record<string, unknown>): Cell[][] {
  const want = Object.entries(row).map(([k, v]) => [t.columns.indexOf(k), cellOf(v)] as const);
  return t.rows.filter((r) => want.every(([c, v]) => c >= 0 && (r[c] === v || (typeof r[c] === "string" && typeof v === "string" && sameJson(r[c] as string, v)))));
}

function sameJson(a: string, b: string): boolean {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}

/** CSV (RFC 4180 quoting; numbers in JavaScript's shortest round-trip form, empty for null). */
export function toCsv(t: Table): string {
  const q = (c: Cell) => {
    if (c === null) return "";
    const s = String(c);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [t.columns.map(q).join(","), ...t.rows.map((r) => r.map(q).join(","))].join("\n") + "\n";
}

/** JSON: a list of objects, one per row (the tidy form pandas.read_json and Altair read). */
export function toRecords(t: Table): Record<string, Cell>[] {
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i]])));
}
