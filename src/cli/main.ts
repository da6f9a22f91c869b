/**
 * The command line: maps subcommands to their modules, and turns every error into one
 * line on stderr and an exit code (0 ok, 1 run failed, 2 usage or input error).
 */
import { Command, CommanderError } from "commander";
import { ConfigError } from "../config/load.js";
import { DivergenceError } from "../models/types.js";
import { VERSION } from "../version.js";
import { CliError } from "./io.js";
import { registerInit } from "./init.js";
import { registerRun } from "./run.js";
import { registerSweep } from "./sweep.js";
import { registerMerge } from "./merge.js";
import { registerValidate } from "./validate.js";
import { registerCheck } from "./check.js";
import { registerFit } from "./fit.js";
import { registerTable } from "./table.js";
import { registerCalibrate } from "./calibrate.js";
import { registerKinematics } from "./kinematics.js";

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("skillsim")
    .description(
      "Simulate how neural networks learn skills, one after another (the Domino effect):\n" +
        "the Geometry, Resource and Domino models of 'Physics of Skill Learning' (Liu et al. 2025).",
    )
    .version(VERSION, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(`skillsim: ${s.replace(/^error: /, "")}`) })
    .addHelpText("after", `
Start here:
  $ skillsim run                        # the paper's minimal Resource-model example
  $ skillsim init geometry > g.yaml     # a commented config to edit
  $ skillsim run g.yaml --json | jq .skills

Models and equations: docs/models.md (in the package and the repository); usage: README.md.`);
  registerRun(program);
  registerValidate(program);
  registerSweep(program);
  registerMerge(program);
  registerCheck(program);
  registerFit(program);
  registerTable(program);
  registerCalibrate(program);
  registerKinematics(program);
  registerInit(program);
  for (const c of program.commands) c.exitOverride();
  return program;
}

/** Run the CLI; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0); // `skillsim ... | head` is fine
    throw e;
  });
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (e) {
    return report(e);
  }
}

function report(e: unknown): number {
  if (e instanceof CommanderError) {
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return 0;
    return 2; // commander printed the message already
  }
  if (e instanceof ConfigError) {
    process.stderr.write(`skillsim: config error: ${e.format()}\n`);
    return 2;
  }
  if (e instanceof CliError) {
    process.stderr.write(`skillsim: ${e.message}\n`);
    return e.code;
  }
  if (e instanceof DivergenceError) {
    process.stderr.write(`skillsim: run failed: ${e.message}\n`);
    return 1;
  }
  if ((e as Error)?.name === "FitInputError") {
    process.stderr.write(`skillsim: ${(e as Error).message}\n`);
    return 2;
  }
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`skillsim: internal error: ${msg}\n`);
  if (process.env.SKILLSIM_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
  else process.stderr.write("skillsim: this is a bug; please report it with the command line (SKILLSIM_DEBUG=1 shows a stack trace)\n");
  return 1;
}
