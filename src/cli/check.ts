/** `skillsim check RESULT --baseline BASELINE`: did anything move beyond tolerance? (CI regressions) */
import type { Command } from "commander";
import {
  DEFAULT_ATOL,
  DEFAULT_RTOL,
  compareResults,
  parseResult,
  parseTolerances,
  type CompareOptions,
} from "../analysis/compare.js";
import { comparisonJson, renderComparison, summaryLine } from "../report/compare.js";
import { CliError } from "./errors.js";
import { readTextFile } from "./read.js";
import { declareIo } from "./guard.js";
import { RunError } from "../errors.js";
import { note } from "./shared.js";

export interface CheckOptions {
  baseline: string;
  rtol?: string;
  atol?: string;
  tolerances?: string;
  json?: boolean;
  limit?: string;
}

export function registerCheck(program: Command): void {
  const cmd = program
    .command("check")
    .argument("<result>", "the new result: run JSON (run --json), sweep JSON Lines, or fit JSON (fit --json)")
    .requiredOption("--baseline <file>", "the reference result of the same kind and config")
    .option("--rtol <r>", `relative tolerance for non-integer numbers (default ${DEFAULT_RTOL})`)
    .option("--atol <a>", `absolute tolerance for non-integer numbers (default ${DEFAULT_ATOL})`)
    .option("--tolerances <file>", "per-field tolerances, a YAML mapping of field patterns (see below)")
    .option("--json", "print the comparison as one JSON document")
    .option("--limit <n>", "print at most N rows of the table; 0 prints all", "50")
    .description("compare a result with a baseline field by field; list what moved beyond tolerance")
    .addHelpText(
      "after",
      `
Compares onset/half/learned per skill, final levels and loss, the trace, summaries, and
fitted parameters. The kind (run, sweep, fit) is read from the content. provenance is never
compared (it holds the Node version); a different skillsim version is noted on stderr.
The configs must match (config_hash, else the config objects; for sweeps, the config_hash
of every run id and the same set of ids): otherwise this is an input error naming the keys.

A number passes when |now - baseline| <= atol + rtol * |baseline|. Two integers (step
counts, ids) must be equal unless a tolerance pattern names the field; null vs a number, a
changed string, a missing field and a list of another length are always changes.

Field names: skills.3.onset (skill 3), skills.3.final, final.loss, trace.t.17,
trace.level.3.17 (skill 3 at trace point 17), summary.eta_eff, params.alpha (fits).

--tolerances FILE (YAML; later patterns win; * matches one segment, and a pattern covers
everything under the section it names):
  skills.*.onset: {atol: 2}        # onsets may move by 2 steps
  final.loss: {rtol: 1.0e-3}
  trace: {rtol: 1.0e-6, atol: 1.0e-9}
  summary: {ignore: true}          # not compared at all

Examples:
  $ skillsim run cfg.yaml --json --out now.json
  $ skillsim check now.json --baseline baseline.json
  $ skillsim check now.json --baseline baseline.json --tolerances tol.yaml --json | jq .changes
  $ skillsim check sweep.jsonl --baseline sweep-baseline.jsonl --rtol 1e-6

Output: a table (field, baseline, now, relative change, tolerance) and a summary line
("2467 fields compared, 0 moved beyond tolerance"); --json for scripts. docs/ci.md shows
a CI job and how to refresh a baseline.
Exit codes: 0 all within tolerance, 1 something moved beyond tolerance, 2 bad input
(unreadable or non-JSON file, different kinds or configs, a bad tolerance file).`,
    )
    .action((result: string, opts: CheckOptions) => checkCommand(result, opts));
  declareIo(cmd, { args: "result", inputs: ["--baseline", "--tolerances"] });
}

export function checkCommand(resultPath: string, opts: CheckOptions): void {
  const options: CompareOptions = {
    rtol: tolerance(opts.rtol, "--rtol", DEFAULT_RTOL),
    atol: tolerance(opts.atol, "--atol", DEFAULT_ATOL),
    rules: [],
  };
  const limit = Number(opts.limit ?? "50");
  if (!Number.isInteger(limit) || limit < 0) throw new CliError(`--limit: expected a whole number >= 0, got ${JSON.stringify(opts.limit)}`);
  if (opts.tolerances !== undefined) options.rules = parseTolerances(readTextFile(opts.tolerances, "tolerance file"), opts.tolerances);
  const now = parseResult(readTextFile(resultPath, "result"), resultPath);
  const baseline = parseResult(readTextFile(opts.baseline, "baseline"), opts.baseline);
  const cmp = compareResults(now, baseline, options);
  for (const n of cmp.notes) note(n);
  for (const p of cmp.unusedPatterns) note(`tolerance pattern "${p}" matched no field`);
  process.stdout.write(opts.json ? JSON.stringify(comparisonJson(cmp, options), null, 2) + "\n" : renderComparison(cmp, limit));
  if (cmp.changes.length > 0) throw new RunError(`check failed: ${summaryLine(cmp)}`);
}

function tolerance(text: string | undefined, flag: string, dflt: number): number {
  if (text === undefined) return dflt;
  const v = Number(text);
  if (text.trim() === "" || !Number.isFinite(v) || v < 0) throw new CliError(`${flag}: expected a number >= 0, got ${JSON.stringify(text)}`);
  return v;
}
