/** `skillsim fit FILE`: fit a scaling law (power law or Chinchilla) to a CSV, a sweep's JSON Lines or a run JSON. */
import type { Command } from "commander";
import { createHash } from "node:crypto";
import { availableParallelism } from "node:os";
import { VERSION } from "../version.js";
import { CHINCHILLA_GRID, DEFAULT_DELTA, DEFAULT_PENALTY, LOSS_NAMES, makeLoss, type Loss } from "../fit/index.js";
import { FitPool } from "../fit/parallel.js";
import { detectFormat, parseTable } from "../fit/input.js";
import { parseWhere, type WhereClause } from "../fit/select.js";
import { hasNumbers, type Table } from "../fit/table.js";
import type { BootstrapSpec, FitOutcome, FitPlan } from "../fit/outcome.js";
import { fitGroups, fitOne, selectRows, type FitContext } from "../fit/pipeline.js";
import { byJson, fitJson, renderByText, renderFitText } from "../report/fit.js";
import { CliError } from "./errors.js";
import { readTextFile } from "./read.js";
import { declareIo } from "./guard.js";
import { emit, writeFigure } from "./write.js";
import { colorAllowed } from "./terminal.js";
import { progressBar } from "./progress.js";
import { collect, note } from "./shared.js";
import { plotSettings, type PlotFlags } from "./plot.js";
import { withSuffix } from "../report/figure/formats.js";
import type { FigureSize, VlSpec } from "../report/figure/theme.js";

export interface FitCliOptions extends PlotFlags {
  form?: string;
  x?: string;
  y: string;
  where: string[];
  holdout: string[];
  by?: string;
  final?: boolean;
  batch?: string;
  fixE?: string;
  loss?: string;
  delta?: string;
  penalty?: string;
  bootstrap?: string;
  bootstrapBy?: string;
  seed?: string;
  level?: string;
  predict?: string;
  compute?: string;
  flopsPerParamToken?: string;
  jobs?: string;
  json?: boolean;
  out?: string;
  quiet?: boolean;
}

export function registerFit(program: Command): void {
  const cmd = program
    .command("fit")
    .argument("<file>", "CSV with a header row, the JSON Lines of `skillsim sweep`, or one `skillsim run --json`")
    .description("fit a scaling law, L = E + A/x^alpha or L = E + A/N^alpha + B/D^beta, to a CSV, sweep or run output")
    .option("--form <form>", "powerlaw or chinchilla (default: powerlaw for one --x column, chinchilla for two)")
    .option("--x <cols>", "the x column (powerlaw) or N,D columns (chinchilla); default N,D when the file has both with values, step for a run JSON")
    .option("--y <col>", "the loss column", "loss")
    .option("--where <expr>", "keep rows where KEY=VALUE, KEY!=VALUE, KEY<VALUE, KEY<=VALUE, KEY>VALUE or KEY>=VALUE (repeatable; numbers compare numerically, lists such as k=[0.9, 0.1] as values)", collect, [])
    .option("--holdout <expr>", "leave the rows matching EXPR (same syntax as --where; repeatable, all must match) out of the fit and report how well the law predicts them", collect, [])
    .option("--by <key>", "fit separately for each distinct value of KEY (one table row / JSON entry per group)")
    .option("--final", "sweep JSON Lines or run JSON: keep only each run's last recorded point")
    .option("--batch <B>", "sweep JSON Lines: batch size for D = step x batch when the lines carry no config")
    .option("--fix-E <value>", "powerlaw: hold E at VALUE (0: a pure power law, fitted with the same objective)")
    .option("--loss <name>", `the objective: ${LOSS_NAMES.join(", ")} (default huber)`)
    .option("--delta <d>", `--loss huber: Huber's delta on log residuals (default ${DEFAULT_DELTA})`)
    .option("--penalty <K>", `--loss asymmetric: over-predictions weigh K times more (default ${DEFAULT_PENALTY})`)
    .option("--bootstrap <K>", "K bootstrap resamples: percentile intervals for every parameter (and for --predict)")
    .option("--bootstrap-by <unit>", "resample whole runs (run; the default for sweep JSON Lines) or single rows (row)")
    .option("--seed <S>", "bootstrap random seed", "0")
    .option("--level <p>", "bootstrap interval coverage", "0.95")
    .option("--predict <points>", "predicted loss at N,D[;N,D...] (chinchilla) or x[;x...] (powerlaw), with intervals given --bootstrap")
    .option("--compute <C1,C2,...>", "chinchilla: compute-optimal N and D for these compute budgets (FLOPs)")
    .option("--flops-per-param-token <k>", "FLOPs per parameter per token in C = k N D", "6")
    .option("--jobs <n>", "threads for the Chinchilla starts and the bootstrap refits (default: all cores; the result does not depend on it)")
    .option("--json", "print the fit as one JSON document")
    .option("-o, --out <file>", "write the result to FILE (atomically) instead of stdout")
    .option("--plot <file>", "also draw the fit: FILE.svg, .png, .vl.json or .html (with --by: one figure per group, FILE-<value>.svg)")
    .option("--xlim <lo,hi>", "with --plot: draw only lo <= x <= hi (N for Chinchilla)")
    .option("--plot-size <WxH>", "with --plot: one panel's width and height in px")
    .option("-q, --quiet", "no progress, notes or warnings on stderr (warnings stay in the report and the JSON)")
    .addHelpText(
      "after",
      `
Input: CSV (numeric columns by header name; comma, semicolon or tab separated, # comment
lines skipped), sweep JSON Lines (first character "{"), where every recorded point of
every run is a row with columns N (config.params), D (step x batch), step, loss, id and each
swept key by its dotted name (params, seed, skills.frequencies.zipf, ...), or one run JSON
(its trace as rows: N, D, step, loss). Points at step 0 are dropped (D = 0; logs are
taken); --final keeps each run's last point, before --where filters. Diverged runs are
skipped and run ids found twice are reported, with a note.

Method (docs/fit.md): minimise the sum over rows of a loss of the log residuals,
log prediction - log L (huber: Huber(1e-3), as Hoffmann et al. 2022 and Besiroglu et al.
2024; mse: squared; asymmetric: squared, over-predictions weighted --penalty times), by
L-BFGS from a grid of starts (Chinchilla: ${countGrid()} starts), on all cores. --bootstrap
resamples runs (sweeps) or rows and refits (percentile intervals; seeded, reproducible).
Warnings (on stderr and in the JSON) say when the data cannot identify the law.

Examples:
  $ skillsim fit data/chinchilla-fig4.csv --where "loss<3.4469" --compute 1e21,1e24
  $ skillsim fit data/chinchilla-fig4.csv --where "loss<3.4469" --holdout "N>2e9"
  $ skillsim fit data/chinchilla-fig4.csv --where "loss<3.4469" --bootstrap 100 --predict "7e10,1.4e12"
  $ skillsim fit runs.csv --x params --y loss --fix-E 0 --loss mse
  $ skillsim fit scaling.jsonl --x params --final --by skills.frequencies.zipf
  $ skillsim fit scaling.jsonl --x N,D --where skills.frequencies.zipf=1 --bootstrap 50 --json | jq .params

Exit codes: 0 success, 2 bad usage or input (missing or empty file, unknown column,
non-numeric or non-positive values, too few points, a --where or --holdout that matches
nothing or leaves too few rows, an unknown --loss, --predict with the wrong arity).`,
    )
    .action((file: string, opts: FitCliOptions) => fitCommand(file, opts));
  declareIo(cmd, { args: "data", outputs: ["--out", "--plot"] });
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


/** Options checked before the input is read. */
interface EarlyOptions {
  loss: Loss;
  jobs: number;
  where: WhereClause[];
  holdout: WhereClause[];
  batch: number | undefined;
}

function earlyOptions(opts: FitCliOptions): EarlyOptions {
  plotSettings(opts);
  const name = opts.loss ?? "huber";
  if (!(LOSS_NAMES as readonly string[]).includes(name)) throw new CliError(`--loss ${name}: expected ${LOSS_NAMES.join(", ")}`);
  if (opts.delta !== undefined && name !== "huber") throw new CliError(`--delta applies to --loss huber (Huber's delta), not to --loss ${name}`);
  if (opts.penalty !== undefined && name !== "asymmetric") throw new CliError(`--penalty applies to --loss asymmetric, not to --loss ${name}`);
  const delta = opts.delta === undefined ? DEFAULT_DELTA : parseNumber("--delta", opts.delta, (v) => v > 0, "a positive number, e.g. 1e-3");
  const penalty = opts.penalty === undefined ? DEFAULT_PENALTY : parseNumber("--penalty", opts.penalty, (v) => v >= 1, "a number >= 1 (how many times more an over-prediction weighs)");
  const cores = availableParallelism();
  const jobs = opts.jobs === undefined ? Math.min(cores, 8) : parseNumber("--jobs", opts.jobs, (v) => Number.isInteger(v) && v >= 1 && v <= 256, "a whole number of threads >= 1");
  const clauses = (list: string[], flag: string) => list.map((w) => parseWhere(w, flag));
  const batch = opts.batch === undefined ? undefined : parseNumber("--batch", opts.batch, (v) => v > 0, "a positive batch size");
  if (opts.bootstrapBy !== undefined && opts.bootstrapBy !== "run" && opts.bootstrapBy !== "row") throw new CliError(`--bootstrap-by ${opts.bootstrapBy}: expected run or row`);
  return { loss: makeLoss(name, delta, penalty), jobs: Math.min(jobs, 4 * cores), where: clauses(opts.where, "--where"), holdout: clauses(opts.holdout ?? [], "--holdout"), batch };
}

function planFrom(opts: FitCliOptions, table: Table, early: EarlyOptions): FitPlan {
  if (opts.form !== undefined && opts.form !== "powerlaw" && opts.form !== "chinchilla") {
    throw new CliError(`--form ${opts.form}: expected powerlaw or chinchilla`);
  }
  let x: string[];
  if (opts.x !== undefined) {
    x = opts.x.split(",").map((s) => s.trim());
    if (x.length > 2 || x.some((s) => s === "")) throw new CliError(`--x ${opts.x}: expected one column (powerlaw) or two, N,D (chinchilla)`);
  } else if (table.format === "run" && opts.form !== "chinchilla") {
    x = ["step"]; // one run: its loss against time
  } else if (opts.form !== "powerlaw" && table.cells.has("N") && table.cells.has("D")) {
    x = ["N", "D"];
  } else {
    throw new CliError(
      `give --x COL (powerlaw) or --x N,D (chinchilla); columns in ${table.file}: ${table.columns.join(", ")}`,
    );
  }
  if (table.format !== "csv" && x.includes("D") && !hasNumbers(table, "D")) {
    throw new CliError(
      `${table.file}: no D = step x batch for a Chinchilla fit: ${table.noBatch ?? "no run has a batch size"} (Resource, Domino and full-batch runs have none); ` +
        `fit loss against one column instead: --x step (loss vs time) or --x N --final (final loss vs params)` +
        (table.format === "jsonl" ? `, or give --batch B if the runs had one` : ""),
    );
  }
  const form = (opts.form as FitPlan["form"] | undefined) ?? (x.length === 2 ? "chinchilla" : "powerlaw");
  if (form === "powerlaw" && x.length !== 1) throw new CliError(`--form powerlaw takes one --x column, got ${opts.x}`);
  if (form === "chinchilla" && x.length !== 2) throw new CliError(`--form chinchilla takes two --x columns, N,D (got ${opts.x})`);
  let fixE: number | null = null;
  if (opts.fixE !== undefined) {
    if (form !== "powerlaw") throw new CliError("--fix-E applies to --form powerlaw");
    fixE = parseNumber("--fix-E", opts.fixE, (v) => v >= 0, "a number >= 0");
  }
  const seed = parseNumber("--seed", opts.seed ?? "0", (v) => Number.isSafeInteger(v) && v >= 0, "a whole number >= 0");
  const level = parseNumber("--level", opts.level ?? "0.95", (v) => v > 0 && v < 1, "a coverage between 0 and 1, e.g. 0.95");
  let by: "row" | "run" = table.format === "jsonl" ? "run" : "row";
  if (opts.bootstrapBy !== undefined) {
    if (opts.bootstrapBy !== "run" && opts.bootstrapBy !== "row") throw new CliError(`--bootstrap-by ${opts.bootstrapBy}: expected run or row`);
    if (opts.bootstrapBy === "run" && table.format === "csv") {
      throw new CliError(`--bootstrap-by run needs sweep JSON Lines (runs are its lines); ${table.file} is CSV, so only --bootstrap-by row applies`);
    }
    by = opts.bootstrapBy;
  }
  let bootstrap: BootstrapSpec | null = null;
  if (opts.bootstrap !== undefined) {
    const K = parseNumber("--bootstrap", opts.bootstrap, (v) => Number.isInteger(v) && v >= 2 && v <= 1e6, "a whole number of resamples >= 2");
    bootstrap = { K, seed, level, by };
  }
  let predict: number[][] | null = null;
  if (opts.predict !== undefined) {
    const arity = form === "chinchilla" ? 2 : 1;
    const want = form === "chinchilla" ? `N,D pairs separated by ";" (e.g. "7e10,1.4e12;1e9,2e10")` : `x values separated by ";" (e.g. "1000;1e4")`;
    predict = opts.predict.split(";").map((pt) => {
      const vals = pt.split(",");
      if (vals.length !== arity) {
        throw new CliError(`--predict ${opts.predict}: "${pt.trim()}" has ${vals.length} value${vals.length === 1 ? "" : "s"}, but the ${form} law takes ${arity} (${x.join(",")}); expected ${want}`);
      }
      return vals.map((v) => parseNumber("--predict", v, (n) => n > 0, `positive numbers: ${want}`));
    });
  }
  let compute: number[] | null = null;
  if (opts.compute !== undefined) {
    if (form !== "chinchilla") throw new CliError("--compute needs --form chinchilla (the allocation of compute C = k N D between N and D)");
    compute = opts.compute.split(",").map((s) => parseNumber("--compute", s, (v) => v > 0, "positive compute budgets in FLOPs, e.g. 1e21,1e24"));
  }
  const flops = parseNumber("--flops-per-param-token", opts.flopsPerParamToken ?? "6", (v) => v > 0, "a positive number, e.g. 6");
  return { form, x, y: opts.y, fixE, loss: early.loss, bootstrap, predict, compute, flops, holdout: early.holdout };
}


/** "fit.svg" + value 1.5 -> "fit-1.5.svg". */
function groupFigurePath(path: string, value: number | string): string {
  return withSuffix(path, `-${String(value).replace(/[^A-Za-z0-9._+-]+/g, "_")}`);
}

async function figureFor(o: FitOutcome, size: FigureSize, title?: string): Promise<VlSpec> {
  const { fitSpec } = await import("../report/figure/fit.js");
  const data = o.fit.form === "chinchilla"
    ? { N: Array.from(o.xs[0]), D: Array.from(o.xs[1]), y: Array.from(o.ys) }
    : { x: Array.from(o.xs[0]), y: Array.from(o.ys) };
  const xLabel = o.fit.form === "chinchilla" ? (o.x[0] === "N" ? undefined : o.x[0]) : o.x[0];
  const fit = { ...o.fit, intervals: o.fit.intervals as Record<string, [number, number]> | undefined, allocation: o.allocation ?? undefined };
  return fitSpec(fit, data, { title, xLabel, yLabel: o.y, xSymbol: o.x[0].length <= 6 ? o.x[0] : "x", ...size });
}

export async function fitCommand(file: string, opts: FitCliOptions): Promise<void> {
  const quiet = Boolean(opts.quiet);
  const say = (m: string) => { if (!quiet) note(m); };
  const early = earlyOptions(opts);
  const text = readTextFile(file, "data file");
  const pool = new FitPool(early.jobs);
  try {
    const reading = progressBar(`reading ${file}`, quiet, "MB");
    let parsed;
    try {
      // A sweep's N may need its model (a network counts its layers); a CSV loads no model.
      const parameterCount = detectFormat(text) === "jsonl" ? (await import("../models/index.js")).parameterCountOf : undefined;
      parsed = parseTable(text, file, { final: opts.final, batch: early.batch, parameterCount, onProgress: (d, t) => reading.update(d / 1e6, t / 1e6) });
    } finally {
      reading.stop();
    }
    const all = parsed.table;
    const plan = planFrom(opts, all, early);
    const table = selectRows(all, plan, early.where, opts.by);
    // Notes once the request is known to be good (bad input gets one line and nothing else).
    for (const n of parsed.notes) say(n);
    for (const d of parsed.duplicates.slice(0, 5)) {
      say(`${file}: run id ${d.id} is on lines ${d.lines.join(", ")} (a shard merged twice, or two sweeps in one file?); every line is used`);
    }
    if (parsed.duplicates.length > 5) say(`${file}: ${parsed.duplicates.length} run ids appear on more than one line`);
    if (parsed.diverged.length) {
      const ids = parsed.diverged.slice(0, 10).join(", ") + (parsed.diverged.length > 10 ? ", ..." : "");
      say(`skipped ${parsed.diverged.length} diverged run${parsed.diverged.length === 1 ? "" : "s"} (id ${ids})`);
    }
    if (parsed.droppedStepZero) say(`dropped ${parsed.droppedStepZero} point${parsed.droppedStepZero === 1 ? "" : "s"} at step 0 (D = 0; logs are taken)`);

    if (early.where.length) say(`--where kept ${table.length} of ${all.length} rows`);
    const summary = { file, rows: all.length, where: early.where.map((w) => w.text) };
    const color = !opts.out && !opts.json && colorAllowed(process.stdout);
    const textOpts = { color, width: process.stdout.columns || 100 };
    const ctx: FitContext = { pool, by: opts.by, progress: (label, unit) => progressBar(label, quiet, unit) };
    // Each warning once: on stderr (identical ones of several --by groups in one line, naming
    // the groups) and in the JSON. The text report on stdout does not repeat what stderr says;
    // with --quiet, or in a file (--out), it keeps them.
    const onStderr = !quiet;
    const textHere = !opts.json && !opts.out;
    const warn = (list: { label: string; ws: FitOutcome["warnings"] }[]) => {
      if (!onStderr) return;
      const by = new Map<string, string[]>();
      for (const { label, ws } of list) for (const w of ws ?? []) {
        const g = by.get(w.message);
        if (g) g.push(label);
        else by.set(w.message, [label]);
      }
      for (const [m, labels] of by) {
        const named = labels.filter((l) => l !== "");
        const key = opts.by !== undefined ? `${opts.by}=` : "";
        const which = key && named.every((l) => l.startsWith(key)) ? `${key}${named.map((l) => l.slice(key.length)).join(", ")}` : named.join("; ");
        process.stderr.write(`skillsim: warning${named.length ? ` (${which})` : ""}: ${m}\n`);
      }
    };
    const forText = <T extends FitOutcome>(o: T): T => (onStderr && textHere ? { ...o, warnings: [] } : o);
    const stderrLine = (n: number) => (onStderr && textHere && n > 0 ? `\n${n} warning${n === 1 ? "" : "s"}: on stderr (and in --json)\n` : "");

    if (opts.by === undefined) {
      const o = await fitOne(table, plan, ctx, "");
      warn([{ label: "", ws: o.warnings }]);
      emit(opts.json ? JSON.stringify({ ...fitJson(o), provenance: fitProvenance(file, text, opts) }) + "\n" : renderFitText(forText(o), summary, textOpts) + stderrLine(o.warnings?.length ?? 0), opts.out);
      if (opts.plot) await writeFigure(opts.plot, await figureFor(o, plotSettings(opts)), Boolean(opts.quiet));
      return;
    }
    const groups = await fitGroups(table, plan, ctx, opts.by);
    warn(groups.map((g) => ({ label: `${opts.by}=${g.value}`, ws: g.warnings })));
    const nWarn = new Set(groups.flatMap((g) => (g.warnings ?? []).map((w) => w.message))).size;
    emit(opts.json ? JSON.stringify({ ...byJson(opts.by, groups), provenance: fitProvenance(file, text, opts) }) + "\n" : renderByText(opts.by, groups.map(forText), summary, textOpts) + stderrLine(nWarn), opts.out);
    if (opts.plot) {
      const paths: string[] = [];
      for (const g of groups) {
        const path = groupFigurePath(opts.plot, g.value);
        const kind = g.fit.form === "chinchilla" ? "Chinchilla fit" : `Power-law fit of ${g.y} vs ${g.x[0]}`;
        await writeFigure(path, await figureFor(g, plotSettings(opts), `${kind} (${opts.by} = ${g.value})`), Boolean(opts.quiet));
        paths.push(path);
      }
      say(`wrote ${paths.length} figures: ${paths.join(", ")}`);
    }
  } finally {
    await pool.close();
  }
}

/** Where a fit came from: versions, the input (name and content hash) and the options that shape it. */
function fitProvenance(file: string, text: string, cli: FitCliOptions): Record<string, unknown> {
  const opts = cli as unknown as Record<string, unknown>;
  const keys = [
    "form", "x", "y", "where", "holdout", "by", "final", "fixE", "batch", "loss", "delta", "penalty", "bootstrap", "bootstrapBy", "seed", "level",
    "predict", "compute", "flopsPerParamToken",
  ];
  const options = Object.fromEntries(keys.filter((k) => opts[k] !== undefined && !(Array.isArray(opts[k]) && (opts[k] as unknown[]).length === 0 && k === "holdout")).map((k) => [k, opts[k]]));
  return {
    skillsim: VERSION,
    node: process.version,
    input: file,
    input_sha256: createHash("sha256").update(text).digest("hex").slice(0, 16),
    options,
  };
}
