/** `skillsim table SWEEP.jsonl`: a sweep's runs as a table (text, CSV, TSV or JSON), over src/analysis/sweep-table.ts. */
import type { Command } from "commander";
import {
  TEXT_DEFAULT_TOP, buildSweepTable, parseSweepRuns, toDelimited, toJson, toText, type TableOptions,
} from "../analysis/sweep-table.js";
import { CliError } from "./errors.js";
import { readTextFile } from "./read.js";
import { declareIo } from "./guard.js";
import { emit } from "./write.js";
import { note } from "./shared.js";
import { hasTaskNames, taskNamesOf } from "../models/index.js";

export interface TableCliOptions {
  csv?: boolean;
  tsv?: boolean;
  json?: boolean;
  long?: boolean;
  summary?: boolean;
  top?: string;
  skills?: string;
  out?: string;
  quiet?: boolean;
}

export function registerTable(program: Command): void {
  const cmd = program
    .command("table")
    .argument("<file>", "the JSON Lines of `skillsim sweep`")
    .description("a sweep's runs as a table: swept keys, final loss and each skill's onset/half/learned times")
    .option("--csv", "CSV (for pandas, R or a spreadsheet)")
    .option("--tsv", "tab-separated values")
    .option("--json", "a JSON array of records, one per row")
    .option("--long", "one row per run and skill (task name, onset, half, learned, level) instead of wide columns learned_1..n")
    .option("--summary", "one row per group of runs that differ only in seed: mean, sd and 95% interval of final loss and learned times")
    .option("--top <K>", `only the K most frequent skills (the text report shows ${TEXT_DEFAULT_TOP} by default)`)
    .option("--skills <list>", "only these skills, e.g. 1,2,5")
    .option("-o, --out <file>", "write to FILE (atomically) instead of stdout")
    .option("-q, --quiet", "no notes on stderr")
    .addHelpText(
      "after",
      `
Rows are in run id order. Wide columns (default): id, each swept key, final_loss, then
onset_k, half_k and learned_k for every skill k (the first step at which its progress reached
the timeline's thresholds; empty when never reached), final_k (its final level), ratio_k
(learned_k / the most frequent skill's learned time), gap_j_k (the domino gap from skill j's
learned time to skill k's onset), the run's summary (summary.KEY) and warnings. Where the
model names its tasks from the config (a sparse-parity output "x1 xor x2", modular addition's
"training accuracy" and "held-out accuracy"), --long has a task column and the text report
ends with which task each skill number is. The text
report prints learned_k only, for the ${TEXT_DEFAULT_TOP} most frequent skills unless --top or --skills says
otherwise; --csv, --tsv and --json carry every skill (--json keeps lists as lists).
--summary: the 95% interval of a mean uses Student's t quantile with n - 1 degrees of freedom.

Examples:
  $ skillsim table runs.jsonl
  $ skillsim table runs.jsonl --csv --out runs.csv        # pandas.read_csv("runs.csv")
  $ skillsim table runs.jsonl --summary --skills 1,2,5
  $ skillsim table runs.jsonl --long --tsv | head

Exit codes: 0 success, 2 bad usage or input (unreadable file, a line that is not a sweep result).`,
    )
    .action((file: string, opts: TableCliOptions) => tableCommand(file, opts));
  declareIo(cmd, { args: "sweep", outputs: ["--out"] });
}

function positiveInt(flag: string, s: string): number {
  const v = Number(s.trim());
  if (!(Number.isInteger(v) && v >= 1)) throw new CliError(`${flag} ${s}: expected a whole number >= 1`);
  return v;
}

/** A wide CSV with more columns than this gets the --long hint (some spreadsheets open no more than 1024). */
const WIDE_COLUMNS = 1024;

export function tableCommand(file: string, opts: TableCliOptions): void {
  const formats = [opts.csv && "--csv", opts.tsv && "--tsv", opts.json && "--json"].filter(Boolean);
  if (formats.length > 1) throw new CliError(`${formats.join(" and ")}: choose one output format`);
  if (opts.top !== undefined && opts.skills !== undefined) throw new CliError("--top and --skills: choose one way to pick skills");
  const sel: TableOptions = { long: opts.long, summary: opts.summary };
  if (opts.top !== undefined) sel.top = positiveInt("--top", opts.top);
  if (opts.skills !== undefined) sel.skills = opts.skills.split(",").map((s) => positiveInt("--skills", s));
  const text = readTextFile(file, "sweep file");
  // Task names from each line's config, where the model names them ("x1 xor x2").
  const runs = parseSweepRuns(text, file, (config, count) => (hasTaskNames(config, count) ? taskNamesOf(config, count) : null));
  const isText = formats.length === 0;
  if (isText && sel.top === undefined && sel.skills === undefined) sel.top = TEXT_DEFAULT_TOP;
  const t = buildSweepTable(runs, sel);
  if (!opts.quiet) {
    for (const d of t.duplicates.slice(0, 5)) note(`${file}: run id ${d.id} is on lines ${d.lines.join(", ")}; every line is a row`);
    if ((opts.csv || opts.tsv) && !opts.long && !opts.summary && t.columns.length > WIDE_COLUMNS) {
      note(`${t.columns.length} columns (${t.skillsShown.length} skills); --long gives one row per run and skill (id, keys, skill, onset, half, learned, level, ratio), which pandas and R read more easily`);
    }
  }
  const out = opts.csv ? toDelimited(t, ",") : opts.tsv ? toDelimited(t, "\t") : opts.json ? toJson(t) : toText(t, sel);
  emit(out, opts.out);
}
