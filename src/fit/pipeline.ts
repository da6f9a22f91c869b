/**
 * The fit pipeline of `skillsim fit`, after the command line is parsed and the input read: the
 * rows to fit (column checks, --where, --holdout), then per group the fit, its bootstrap,
 * compute-optimal allocation, held-out rows, predictions and warnings. Progress goes through
 * the caller's reporter; nothing here writes.
 */
import { suggest } from "../config/errors.js";
import { tableSweptKeys } from "../analysis/sweep-table.js";
import {
  FitInputError, collectSamples, chinchillaRefitOptions, computeOptimal, fitPowerLaw, intervalsOf, resampleIndices,
  type ChinchillaParams, type FitResult,
} from "./index.js";
import { FitPool, bootstrapRefits, fitChinchillaParallel } from "./parallel.js";
import { fitWarnings, type FitWarning } from "./diagnostics.js";
import { applyWhere, groupBy, partitionWhere, type WhereClause } from "./select.js";
import { numericColumn, requireColumn, runClusters, whereOf, type Table } from "./table.js";
import type { AnyParams, FitOutcome, FitPlan, GroupOutcome } from "./outcome.js";
import { checkHoldoutLeaves, holdoutReport } from "./holdout.js";
import { predictions } from "./predict.js";

/** Progress of one stage (a bar on stderr in the CLI). */
export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

export interface FitContext {
  pool: FitPool;
  /** The --by key, when the fits are per group. */
  by?: string;
  /** A progress reporter for a stage: its label and unit. */
  progress: (label: string, unit: string) => Progress;
}

/**
 * The rows to fit: every named column checked before filtering (so a typo fails first), then
 * --where; --holdout must match some of them and (without --by) leave enough to fit.
 */
export function selectRows(all: Table, plan: FitPlan, where: WhereClause[], by: string | undefined): Table {
  for (const c of plan.x) requireColumn(all, c, `--x ${plan.x.join(",")}`, suggest);
  requireColumn(all, plan.y, `--y ${plan.y}`, suggest);
  if (by !== undefined) requireColumn(all, by, `--by ${by}`, suggest);
  for (const c of plan.holdout) requireColumn(all, c.key, `--holdout ${c.text}`, suggest);
  const table = applyWhere(all, where, suggest);
  if (plan.holdout.length) {
    const split = partitionWhere(table, plan.holdout, "--holdout", suggest);
    if (split.matched.length === 0) {
      throw new FitInputError(`--holdout ${plan.holdout.map((c) => c.text).join(" --holdout ")} matches none of the ${table.length} rows being fitted`);
    }
    if (by === undefined) checkHoldoutLeaves(split.rest.length, table.length, plan, "");
  }
  return table;
}

/** Fit every --by group of the rows in turn. */
export async function fitGroups(table: Table, plan: FitPlan, ctx: FitContext, by: string): Promise<GroupOutcome[]> {
  const groups: GroupOutcome[] = [];
  for (const g of groupBy(table, by, suggest)) {
    const o = await fitOne(g.table, plan, ctx, `${by}=${g.value}`);
    groups.push({ value: g.value, ...o });
  }
  return groups;
}

/** Rephrase a FitInputError about one value as file:line and the column's real name. */
function located(e: FitInputError, table: Table, plan: FitPlan, group: string): FitInputError {
  const names: Record<string, string> = plan.form === "chinchilla" ? { N: plan.x[0], D: plan.x[1], L: plan.y } : { x: plan.x[0], L: plan.y };
  const prefix = group ? `${group}: ` : "";
  if (e.row !== undefined && e.column !== undefined && e.row < table.length) {
    const col = names[e.column] ?? e.column;
    const v = (table.cells.get(col) ?? [])[e.row];
    const why = /must be > 0/.test(e.message) ? "must be > 0 (its log is taken)" : "not a finite number";
    return new FitInputError(`${prefix}${whereOf(table, e.row)}: column "${col}" is ${String(v)}: ${why}`);
  }
  return new FitInputError(`${prefix}${e.message}`);
}

export async function fitOne(table: Table, plan: FitPlan, ctx: FitContext, group: string): Promise<FitOutcome> {
  for (const c of plan.x) requireColumn(table, c, `--x ${plan.x.join(",")}`, suggest);
  requireColumn(table, plan.y, `--y ${plan.y}`, suggest);
  const prefix = group ? `${group}: ` : "";
  let fitTable = table;
  let held: Table | null = null;
  if (plan.holdout.length) {
    const split = partitionWhere(table, plan.holdout, "--holdout", suggest);
    held = split.matched;
    fitTable = split.rest;
    checkHoldoutLeaves(fitTable.length, table.length, plan, prefix);
  }
  const xs = plan.x.map((c) => numericColumn(fitTable, c, `--x ${c}`));
  const ys = numericColumn(fitTable, plan.y, `--y ${plan.y}`);
  const label = group ? ` (${group})` : "";
  let fit: FitResult<AnyParams>;
  const bar = ctx.progress(`${plan.form} fit${label}`, "starts");
  try {
    const onProgress = (d: number, t: number) => bar.update(d, t);
    fit = plan.form === "chinchilla"
      ? await fitChinchillaParallel(ctx.pool, xs[0], xs[1], ys, { loss: plan.loss, onProgress })
      : fitPowerLaw(xs[0], ys, { fixE: plan.fixE, loss: plan.loss, onProgress });
  } catch (e) {
    if (e instanceof FitInputError) throw located(e, fitTable, plan, group);
    throw e;
  } finally {
    bar.stop();
  }
  let samples: AnyParams[] | null = null;
  let skippedResamples = 0;
  let sampleCols: Record<string, Float64Array> | null = null;
  if (plan.bootstrap) {
    const { K, seed, level, by } = plan.bootstrap;
    const clusters = by === "run" ? runClusters(fitTable) : null;
    const drawn = resampleIndices(fitTable.length, K, seed, clusters);
    // A resample whose x values (or N or D) are all equal determines no exponent: skipped and counted.
    const degenerate = (idx: Int32Array) => xs.some((col) => { const v = col[idx[0]]; for (let i = 1; i < idx.length; i++) if (col[idx[i]] !== v) return false; return true; });
    const resamples = drawn.filter((idx) => !degenerate(idx));
    skippedResamples = K - resamples.length;
    if (resamples.length < 2)
      throw new FitInputError(`${prefix}--bootstrap ${K}: ${skippedResamples} of ${K} resamples have a single ${plan.x.length > 1 ? `${plan.x.join(" or ")}` : plan.x[0]} value (too few distinct ${by === "run" ? "runs" : "points"} to resample); nothing to give intervals from`);
    const bbar = ctx.progress(`bootstrap${label}`, "resamples");
    try {
      samples = await bootstrapRefits<AnyParams>(
        ctx.pool,
        plan.form === "chinchilla"
          ? { kind: "chinchilla", N: xs[0], D: xs[1], L: ys, opts: chinchillaRefitOptions(fit as FitResult<ChinchillaParams>, plan.loss) }
          : { kind: "powerlaw", x: xs[0], L: ys, opts: { fixE: plan.fixE, loss: plan.loss } },
        resamples,
        (d, t) => bbar.update(d, t),
      );
    } catch (e) {
      if (e instanceof FitInputError) throw new FitInputError(`${prefix}bootstrap resample: ${e.message} (too few distinct ${by === "run" ? "runs" : "points"} to resample?)`);
      throw e;
    } finally {
      bbar.stop();
    }
    sampleCols = collectSamples(samples);
    fit.intervals = intervalsOf(sampleCols, level) as FitResult<AnyParams>["intervals"];
  }
  let allocation: FitOutcome["allocation"] = null;
  if (plan.compute) {
    try {
      allocation = { ...computeOptimal(fit.params as ChinchillaParams, plan.compute, plan.flops), flopsPerParamToken: plan.flops };
    } catch (e) {
      if (e instanceof FitInputError) throw new FitInputError(`${prefix}${e.message}`);
      throw e;
    }
  }
  const warnings = fitWarnings({
    form: plan.form, x: plan.x, y: plan.y, xs, ys, fit, loss: plan.loss, fixE: plan.fixE,
    intervals: fit.intervals as Record<string, [number, number]> | undefined, samples: sampleCols,
  });
  if (skippedResamples > 0) {
    const K = plan.bootstrap!.K;
    warnings.unshift({
      code: "degenerate-resamples",
      message: `${skippedResamples} of ${K} bootstrap resamples drew a single ${plan.x.length > 1 ? plan.x.join(" or ") : plan.x[0]} value (no exponent to fit) and were skipped; the intervals come from the other ${K - skippedResamples}`,
    });
  }
  warnings.push(...pooledKeyWarnings(table, plan, ctx.by));
  return {
    fit, x: plan.x, y: plan.y, xs, ys, bootstrap: plan.bootstrap, allocation, fixE: plan.fixE,
    holdout: held ? holdoutReport(held, plan, fit, group) : null,
    predictions: predictions(plan, fit, xs, ys, samples),
    warnings,
  };
}

/**
 * A sweep fitted as one law while a swept key other than the x and the seed takes several
 * values: one law across different experiments. Keys that set the x (params, network.hidden:
 * each value maps to one N) or D's batch are part of the x.
 */
function pooledKeyWarnings(table: Table, plan: FitPlan, by: string | undefined): FitWarning[] {
  if (by !== undefined) return [];
  // A sweep's swept keys are its columns past the fixed ones; a CSV's only when it is a table
  // `skillsim table` wrote (its header says which columns are swept keys).
  const keys = table.format === "jsonl" ? table.columns : table.format === "csv" ? (tableSweptKeys(table.columns) ?? []) : [];
  const out: FitWarning[] = [];
  const xCols = plan.x.map((c) => table.cells.get(c) ?? []);
  for (const key of keys) {
    if (["N", "D", "step", "loss", "id", "seed"].includes(key) || plan.x.includes(key) || key === plan.y) continue;
    if (key === "batch" && plan.x.includes("D")) continue;
    const col = table.cells.get(key)!;
    const values = new Set<string>();
    // does the key's value follow from an x column (one x value per key value)?
    const xOf = xCols.map(() => new Map<string, unknown>());
    const follows = xCols.map(() => true);
    for (let i = 0; i < table.length; i++) {
      const r = i; // cells are indexed by row (selectRows copies them)
      const v = String(col[r]);
      values.add(v);
      xCols.forEach((xc, j) => {
        const prev = xOf[j].get(v);
        if (prev === undefined) xOf[j].set(v, xc[r]);
        else if (prev !== xc[r]) follows[j] = false;
      });
    }
    // a key that sets the x (params for N, network.hidden for a network's N) is the x relabelled
    if (values.size < 2 || follows.some((f) => f)) continue;
    const list = [...values].slice(0, 5).join(", ") + (values.size > 5 ? ", ..." : "");
    out.push({
      code: "pooled-sweep-key",
      message: `${key} takes ${values.size} values in the fitted rows (${list}): one law is fitted across them, as if they were one experiment. Fit one law per value with --by ${key}, or keep one with --where ${key}=VALUE.`,
    });
  }
  return out;
}
