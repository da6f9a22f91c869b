/** `skillsim merge FILES...`: sweep outputs (shards, resumed files) -> one file sorted by run id. */
import type { Command } from "commander";
import { planSweep } from "../sweep/grid.js";
import { mergeSweepFiles } from "../sweep/merge.js";
import { CliError } from "./errors.js";
import { inputName, readTextFile } from "./read.js";
import { declareIo } from "./guard.js";
import { collect, note } from "./shared.js";

export interface MergeCliOptions {
  out?: string;
  config?: string;
  set: string[];
  quiet?: boolean;
}

export function registerMerge(program: Command): void {
  const cmd = program
    .command("merge")
    .argument("<files...>", "JSON Lines outputs of `skillsim sweep` (shards, or resumed runs)")
    .description("combine sweep outputs into one JSON Lines file sorted by run id")
    .option("-o, --out <file>", "write to FILE (atomically) instead of stdout")
    .option("--config <file>", "the sweep's config: check every line's config_hash, and that no run is missing")
    .option("--set <key=value>", "the --set flags the sweep was run with (with --config)", collect, [])
    .option("-q, --quiet", "no notes on stderr")
    .addHelpText(
      "after",
      `
Lines are copied byte for byte in id order, so merging the K shards of a sweep gives exactly
the output of one serial run (--jobs 1, no shard). The same run twice with identical lines
is kept once, with a note naming the ids; two different lines for one id, lines that are
not sweep results, and files from different sweeps (other swept keys, or another base
config: any key apart from the swept ones and the seed) are errors naming file:line.
--out may not be one of the inputs.

Examples:
  $ skillsim merge part-*.jsonl > runs.jsonl
  $ skillsim merge part-*.jsonl --out runs.jsonl --config my-sweep.yaml
  $ skillsim merge runs.jsonl --out sorted.jsonl              # sort a --jobs N output by id

Exit codes: 0 merged, 2 bad input (unreadable file, bad line, conflicting runs; with --config:
a config_hash that does not match, or missing runs).`,
    )
    .action((files: string[], opts: MergeCliOptions) => mergeCommand(files, opts));
  declareIo(cmd, { args: "input", inputs: ["--config"], outputs: ["--out"] });
}

export async function mergeCommand(files: string[], opts: MergeCliOptions): Promise<void> {
  if (opts.set.length > 0 && !opts.config) throw new CliError("--set only applies with --config (the sweep's config)");
  const plan = opts.config ? planSweep(readTextFile(opts.config, "config"), { file: inputName(opts.config), sets: opts.set }) : undefined;
  const s = await mergeSweepFiles(files, {
    plan,
    out: opts.out,
    write: (chunk) =>
      new Promise<void>((resolve) => {
        if (process.stdout.write(chunk)) resolve();
        else process.stdout.once("drain", () => resolve());
      }),
    note: opts.quiet ? undefined : note,
  });
  if (!opts.quiet && opts.out) note(`${s.runs} runs from ${files.length} file${files.length === 1 ? "" : "s"} merged into ${opts.out}`);
}
