/** `skillsim fit FILE`: fit a scaling law (power law or Chinchilla) to a CSV or a sweep's JSON Lines. */
import type { Command } from "commander";
import { createHash } from "node:crypto";
import { VERSION } from "../version.js";
import {
  CHINCHILLA_GRID, FitInputError, bootstrapChinchilla, bootstrapPowerLaw, computeOptimal, fitChinchilla, fitPowerLaw,
  type FitResult,
} from "../analysis/scaling.js";
import { TableError, applyWhere, groupBy, numericColumn, parseTable, parseWhere, requireColumn, type Table } from "../analysis/table.js";
import { suggest } from "../config/load.js";
import {
  byJson, fitJson, renderByText, renderFitText, type AnyParams, type BootstrapSpec, type FitOutcome, type GroupOutcome,
} from "../report/fit.js";
import { fitFigure } from "../report/svg.js";
import { CliError, colorAllowed, emit, readTextFile, writeFigure } from "./io.js";
import { progressBar } from "./progress.js";
import { collect, note } from "./shared.js";

export interface FitCliOptions {
  form?: string;
  x?: string;
  y: string;
  where: string[];
  by?: string;
  final?: boolean;
  batch?: string;
  fixE?: string;
  bootstrap?: string;
  seed?: string;
  level?: string;
  compute?: string;
  flopsPerParamToken?: string;
  json?: boolean;
  out?: string;
  plot?: string;
  quiet?: boolean;
}

export function registerFit(program: Command): void {
  program
    .command("fit")
    .argument("<file>", "CSV with a header row, or the JSON Lines of `skillsim sweep`")
    .description("fit a scaling law, L = E + A/x^alpha or L = E + A/N^alpha + B/D^beta, to a CSV or sweep output")
    .option("--form <form>", "powerlaw or chinchilla (default: powerlaw for one --x column, chinchilla for two)")
    .option("--x <cols>", "the x column (powerlaw) or N,D columns (chinchilla); default N,D when the file has both")
    .option("--y <col>", "the loss column", "loss")
    .option("--where <expr>", "keep rows where KEY=VALUE, KEY!=VALUE, KEY<VALUE, KEY<=VALUE, KEY>VALUE or KEY>=VALUE (repeatable; numbers compare numerically)", collect, [])
    .option("--by <key>", "fit separately for each distinct value of KEY (one table row / JSON entry per group)")
    .option("--final", "sweep JSON Lines: keep only each run's last recorded point")
    .option("--batch <B>", "sweep JSON Lines: batch size for D = step x batch when the lines carry no config")
    .option("--fix-E <value>", "powerlaw: hold E at VALUE (0: least squares in log-log)")
    .option("--bootstrap <K>", "K bootstrap resamples of the rows: percentile intervals for every parameter")
    .option("--seed <S>", "bootstrap random seed", "0")
    .option("--level <p>", "bootstrap interval coverage", "0.95")
    .option("--compute <C1,C2,...>", "chinchilla: compute-optimal N and D for these compute budgets (FLOPs)")
    .option("--flops-per-param-token <k>", "FLOPs per parameter per token in C = k N D", "6")
    .option("--json", "print the fit as one JSON document")
    .option("-o, --out <file>", "write the result to FILE (atomically) instead of stdout")
    .option("--plot <file>", "also draw the fit: FILE.svg or FILE.png (with --by: one figure per group, FILE-<value>.svg)")
    .option("-q, --quiet", "no progress or notes on stderr")
    .addHelpText(
      "after",
      `
Input: CSV (numeric columns by header name) or sweep JSON Lines (first character "{"),
where every recorded point of every run is a row with columns N (config.params), D
(step x batch), step, loss, id and each swept key by its dotted name (params, seed,
skills.frequencies.zipf, ...). Points at step 0 are dropped (D = 0; logs are taken);
--final keeps each run's last point, before --where filters. Lines without "config" take N
from overrides.params and need --batch for D. Diverged runs are skipped (with a note).

Method (docs/models.md, "Scaling fits"): minimise the sum of Huber(1e-3) of the log
residuals by L-BFGS from a grid of starts (Chinchilla: ${countGrid()} starts, as Hoffmann et al. 2022
and Besiroglu et al. 2024); --fix-E 0 is least squares in log-log. --bootstrap resamples
the rows with replacement and refits (percentile intervals; seeded, reproducible).

Examples:
  $ skillsim fit chinchilla-fig4.csv --x N,D --where "loss<3.4469" --compute 1e21,1e24
  $ skillsim fit runs.csv --x params --y loss --fix-E 0 --bootstrap 200
  $ skillsim fit scaling.jsonl --x params --final --by skills.frequencies.zipf
  $ skillsim fit scaling.jsonl --x step --where params=160 --by skills.frequencies.zipf --plot steps.svg
  $ skillsim fit scaling.jsonl --x N,D --where skills.frequencies.zipf=1 --json | jq .params

Exit codes: 0 success, 2 bad usage or input (missing or empty file, unknown column,
non-numeric or non-positive values, too few points, a --where that matches nothing).`,
    )
    .action((file: string, opts: FitCliOptions) => fitCommand(file, opts));
}

function countGrid(): number {
  const g = CHINCHILLA_GRID;
  return g.alpha.length * g.beta.length * g.e.length * g.a.length * g.b.length;
}

// ---------------------------------------------------------------------------------------------
// Options

function parseNumber(flag: string, s: string, check: (v: number) => boolean, want: string): number {
  const t = s.trim();
  const v = t === "" ? NaN : Number(t);
  if (!Number.isFinite(v) || !check(v)) throw new CliError(`${flag} ${s}: expected ${want}`);
  return v;
}

interface Plan {
  form: "powerlaw" | "chinchilla";
  x: string[];
  y: string;
  fixE: number | null;
  bootstrap: BootstrapSpec | null;
  compute: number[] | null;
  flops: number;
}

function planFrom(opts: FitCliOptions, table: Table): Plan {
  if (opts.form !== undefined && opts.form !== "powerlaw" && opts.form !== "chinchilla") {
    throw new CliError(`--form ${opts.form}: expected powerlaw or chinchilla`);
  }
  let x: string[];
  if (opts.x !== undefined) {
    x = opts.x.split(",").map((s) => s.trim());
    if (x.length > 2 || x.some((s) => s === "")) throw new CliError(`--x ${opts.x}: expected one column (powerlaw) or two, N,D (chinchilla)`);
  } else if (opts.form !== "powerlaw" && table.cells.has("N") && table.cells.has("D")) {
    x = ["N", "D"];
  } else {
    throw new CliError(
      `give --x COL (powerlaw) or --x N,D (chinchilla); columns in ${table.file}: ${table.columns.join(", ")}`,
    );
  }
  const form = (opts.form as Plan["form"] | undefined) ?? (x.length === 2 ? "chinchilla" : "powerlaw");
  if (form === "powerlaw" && x.length !== 1) throw new CliError(`--form powerlaw takes one --x column, got ${opts.x}`);
  if (form === "chinchilla" && x.length !== 2) throw new CliError(`--form chinchilla takes two --x columns, N,D (got ${opts.x})`);
  let fixE: number | null = null;
  if (opts.fixE !== undefined) {
    if (form !== "powerlaw") throw new CliError("--fix-E applies to --form powerlaw");
    fixE = parseNumber("--fix-E", opts.fixE, (v) => v >= 0, "a number >= 0");
  }
  let bootstrap: BootstrapSpec | null = null;
  if (opts.bootstrap !== undefined) {
    const K = parseNumber("--bootstrap", opts.bootstrap, (v) => Number.isInteger(v) && v >= 2 && v <= 1e6, "a whole number of resamples >= 2");
    const seed = parseNumber("--seed", opts.seed ?? "0", (v) => Number.isSafeInteger(v) && v >= 0, "a whole number >= 0");
    const level = parseNumber("--level", opts.level ?? "0.95", (v) => v > 0 && v < 1, "a coverage between 0 and 1, e.g. 0.95");
    bootstrap = { K, seed, level };
  } else {
    // Still check them, so a typo is not silently ignored.
    parseNumber("--seed", opts.seed ?? "0", (v) => Number.isSafeInteger(v) && v >= 0, "a whole number >= 0");
    parseNumber("--level", opts.level ?? "0.95", (v) => v > 0 && v < 1, "a coverage between 0 and 1, e.g. 0.95");
  }
  let compute: number[] | null = null;
  if (opts.compute !== undefined) {
    if (form !== "chinchilla") throw new CliError("--compute needs --form chinchilla (the allocation of compute C = k N D between N and D)");
    compute = opts.compute.split(",").map((s) => parseNumber("--compute", s, (v) => v > 0, "positive compute budgets in FLOPs, e.g. 1e21,1e24"));
  }
  const flops = parseNumber("--flops-per-param-token", opts.flopsPerParamToken ?? "6", (v) => v > 0, "a positive number, e.g. 6");
  return { form, x, y: opts.y, fixE, bootstrap, compute, flops };
}

// ---------------------------------------------------------------------------------------------
// Fitting

/** Rephrase a FitInputError about one value as file:line and the column's real name. */
function located(e: FitInputError, table: Table, plan: Plan, group: string): CliError {
  const names: Record<string, string> = plan.form === "chinchilla" ? { N: plan.x[0], D: plan.x[1], L: plan.y } : { x: plan.x[0], L: plan.y };
  const prefix = group ? `${group}: ` : "";
  if (e.row !== undefined && e.column !== undefined && e.row < table.length) {
    const col = names[e.column] ?? e.column;
    const v = (table.cells.get(col) ?? [])[e.row];
    const why = /must be > 0/.test(e.message) ? "must be > 0 (its log is taken)" : "not a finite number";
    return new CliError(`${prefix}${table.where[e.row]}: column "${col}" is ${String(v)}: ${why}`);
  }
  return new CliError(`${prefix}${e.message}`);
}

function fitOne(table: Table, plan: Plan, quiet: boolean, group: string): FitOutcome {
  for (const c of plan.x) requireColumn(table, c, `--x ${plan.x.join(",")}`, suggest);
  requireColumn(table, plan.y, `--y ${plan.y}`, suggest);
  const xs = plan.x.map((c) => numericColumn(table, c, `--x ${c}`));
  const ys = numericColumn(table, plan.y, `--y ${plan.y}`);
  const label = group ? ` (${group})` : "";
  let fit: FitResult<AnyParams>;
  try {
    if (plan.form === "chinchilla") {
      const bar = progressBar(`chinchilla fit${label}`, quiet, "starts");
      try {
        fit = fitChinchilla(xs[0], xs[1], ys, { onProgress: (d, t) => bar.update(d, t) });
      } finally {
        bar.stop();
      }
    } else {
      fit = fitPowerLaw(xs[0], ys, { fixE: plan.fixE });
    }
  } catch (e) {
    if (e instanceof FitInputError) throw located(e, table, plan, group);
    throw e;
  }
  if (plan.bootstrap) {
    const { K, seed, level } = plan.bootstrap;
    const bar = progressBar(`bootstrap${label}`, quiet, "resamples");
    const onProgress = (d: number, t: number) => bar.update(d, t);
    try {
      fit.intervals = plan.form === "chinchilla"
        ? bootstrapChinchilla(xs[0], xs[1], ys, fit as FitResult<never>, { K, seed, level, onProgress })
        : bootstrapPowerLaw(xs[0], ys, { K, seed, level, onProgress, fixE: plan.fixE }) as FitResult<AnyParams>["intervals"];
    } catch (e) {
      if (e instanceof FitInputError) throw new CliError(`${group ? `${group}: ` : ""}bootstrap resample: ${e.message} (too few distinct points to resample?)`);
      throw e;
    } finally {
      bar.stop();
    }
  }
  let allocation: FitOutcome["allocation"] = null;
  if (plan.compute) {
    try {
      allocation = { ...computeOptimal(fit.params as never, plan.compute, plan.flops), flopsPerParamToken: plan.flops };
    } catch (e) {
      if (e instanceof FitInputError) throw new CliError(`${group ? `${group}: ` : ""}${e.message}`);
      throw e;
    }
  }
  return { fit, x: plan.x, y: plan.y, xs, ys, bootstrap: plan.bootstrap, allocation };
}

/** "fit.svg" + value 1.5 -> "fit-1.5.svg". */
function groupFigurePath(path: string, value: number | string): string {
  const m = /\.(svg|png)$/i.exec(path)!;
  const safe = String(value).replace(/[^A-Za-z0-9._+-]+/g, "_");
  return `${path.slice(0, m.index)}-${safe}${m[0]}`;
}

function figureFor(o: FitOutcome, title?: string): string {
  const data = o.fit.form === "chinchilla"
    ? { N: Array.from(o.xs[0]), D: Array.from(o.xs[1]), y: Array.from(o.ys) }
    : { x: Array.from(o.xs[0]), y: Array.from(o.ys) };
  const xLabel = o.fit.form === "chinchilla" ? (o.x[0] === "N" ? undefined : o.x[0]) : o.x[0];
  const fit = { ...o.fit, intervals: o.fit.intervals as Record<string, [number, number]> | undefined, allocation: o.allocation ?? undefined };
  return fitFigure(fit, data, { title, xLabel, yLabel: o.y, xSymbol: o.x[0].length <= 6 ? o.x[0] : "x" });
}

export async function fitCommand(file: string, opts: FitCliOptions): Promise<void> {
  const quiet = Boolean(opts.quiet);
  const say = (m: string) => { if (!quiet) note(m); };
  if (opts.plot && !/\.(svg|png)$/i.test(opts.plot)) throw new CliError(`--plot ${opts.plot}: the figure file must end in .svg or .png`);
  const batch = opts.batch === undefined ? undefined : parseNumber("--batch", opts.batch, (v) => v > 0, "a positive batch size");
  const where = opts.where.map((w) => {
    try {
      return parseWhere(w);
    } catch (e) {
      throw e instanceof TableError ? new CliError(e.message) : e;
    }
  });
  const text = readTextFile(file, "data file");
  try {
    const parsed = parseTable(text, file, { final: opts.final, batch });
    if (parsed.diverged.length) {
      const ids = parsed.diverged.slice(0, 10).join(", ") + (parsed.diverged.length > 10 ? ", ..." : "");
      say(`skipped ${parsed.diverged.length} diverged run${parsed.diverged.length === 1 ? "" : "s"} (id ${ids})`);
    }
    if (parsed.droppedStepZero) say(`dropped ${parsed.droppedStepZero} point${parsed.droppedStepZero === 1 ? "" : "s"} at step 0 (D = 0; logs are taken)`);
    const all = parsed.table;
    const plan = planFrom(opts, all);
    // Check every named column before filtering, so a typo fails first.
    for (const c of plan.x) requireColumn(all, c, `--x ${plan.x.join(",")}`, suggest);
    requireColumn(all, plan.y, `--y ${plan.y}`, suggest);
    if (opts.by !== undefined) requireColumn(all, opts.by, `--by ${opts.by}`, suggest);
    const table = applyWhere(all, where, suggest);
    if (where.length) say(`--where kept ${table.length} of ${all.length} rows`);
    const summary = { file, rows: all.length, where: where.map((w) => w.text) };
    const color = !opts.out && !opts.json && colorAllowed(process.stdout);
    const textOpts = { color, width: process.stdout.columns || 100 };

    if (opts.by === undefined) {
      const o = fitOne(table, plan, quiet, "");
      emit(opts.json ? JSON.stringify({ ...fitJson(o), provenance: fitProvenance(file, text, opts) }) + "\n" : renderFitText(o, summary, textOpts), opts.out);
      if (opts.plot) await writeFigure(opts.plot, figureFor(o));
      return;
    }
    const groups: GroupOutcome[] = groupBy(table, opts.by, suggest).map((g) => ({
      value: g.value,
      ...fitOne(g.table, plan, quiet, `${opts.by}=${g.value}`),
    }));
    emit(opts.json ? JSON.stringify({ ...byJson(opts.by, groups), provenance: fitProvenance(file, text, opts) }) + "\n" : renderByText(opts.by, groups, summary, textOpts), opts.out);
    if (opts.plot) {
      const paths: string[] = [];
      for (const g of groups) {
        const path = groupFigurePath(opts.plot, g.value);
        const kind = g.fit.form === "chinchilla" ? "Chinchilla fit" : `Power-law fit of ${g.y} vs ${g.x[0]}`;
        await writeFigure(path, figureFor(g, `${kind} (${opts.by} = ${g.value})`));
        paths.push(path);
      }
      say(`wrote ${paths.length} figures: ${paths.join(", ")}`);
    }
  } catch (e) {
    if (e instanceof TableError) throw new CliError(e.message);
    throw e;
  }
}

/** Where a fit came from: versions, the input (name and content hash) and the options that shape it. */
function fitProvenance(file: string, text: string, cli: FitCliOptions): Record<string, unknown> {
  const opts = cli as unknown as Record<string, unknown>;
  const keys = ["form", "x", "y", "where", "by", "final", "fixE", "batch", "bootstrap", "seed", "level", "compute", "flopsPerParamToken"];
  const options = Object.fromEntries(keys.filter((k) => opts[k] !== undefined).map((k) => [k, opts[k]]));
  return {
    skillsim: VERSION,
    node: process.version,
    input: file,
    input_sha256: createHash("sha256").update(text).digest("hex").slice(0, 16),
    options,
  };
}
