/**
 * The command line: maps subcommands to their modules, and turns every error into one
 * line on stderr and an exit code (0 ok, 1 run failed, 2 usage or input error).
 */
import { checkPartners } from "./partners.js";
import { Command, CommanderError } from "commander";
import { InputError, Interrupted, RunError } from "../errors.js";
import { VERSION } from "../version.js";
import { checkDeclared } from "./guard.js";
import { installInterruptHandler, prepareBackground } from "./background.js";

/**
 * Every command, in the order `--help` lists them, with a loader of its module. Commands are
 * loaded on demand: `skillsim fit` loads the fit's modules and nothing of the models, the
 * YAML parser, the config schema or vega, which keeps start-up short (the test suite starts
 * hundreds of processes, and a fit of a small CSV is mostly start-up).
 */
const COMMANDS: ReadonlyArray<readonly [name: string, load: () => Promise<(program: Command) => void>]> = [
  ["run", async () => (await import("./run.js")).registerRun],
  ["validate", async () => (await import("./validate.js")).registerValidate],
  ["sweep", async () => (await import("./sweep.js")).registerSweep],
  ["merge", async () => (await import("./merge.js")).registerMerge],
  ["check", async () => (await import("./check.js")).registerCheck],
  ["fit", async () => (await import("./fit.js")).registerFit],
  ["table", async () => (await import("./table.js")).registerTable],
  ["calibrate", async () => (await import("./calibrate.js")).registerCalibrate],
  ["kinematics", async () => (await import("./kinematics.js")).registerKinematics],
  ["study", async () => (await import("./study.js")).registerStudy],
  ["paper", async () => (await import("./paper.js")).registerPaper],
  ["init", async () => (await import("./init.js")).registerInit],
];

/**
 * The program for `argv` (as process.argv: node, script, arguments). When the first argument
 * names a command, only that command is loaded and registered; for `--version` (which prints
 * and exits before any command is looked at) none is. Anything else (no arguments, --help,
 * `help`, an unknown or misspelt command) gets every command, so that help listings, "did you
 * mean" suggestions and errors are the same as with all of them loaded.
 */
export async function buildProgram(argv: readonly string[]): Promise<Command> {
  const first = argv[2];
  const only = COMMANDS.filter(([name]) => name === first);
  const wanted = first === "-V" || first === "--version" ? [] : only.length ? only : COMMANDS;
  // `run`: its worker thread starts now, while this thread loads the YAML parser and the schema
  // and reads the config; it then imports only the config's model (spec.runner). Not for --help
  // or a misspelt command, which load every command but run none.
  if (first === "run") prepareBackground();
  const registers = await Promise.all(wanted.map(([, load]) => load()));
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
  for (const register of registers) register(program);
  for (const c of program.commands) c.exitOverride();
  guardOutputs(program);
  // Options given without their partner: a note, once the command has succeeded (bad input gets one line only).
  program.hook("postAction", (_p, cmd) => checkPartners(cmd));
  return program;
}

/**
 * Every command's declared outputs (declareIo, where it is registered) are checked against its
 * inputs and each other before its action runs: nothing is read or computed for a command line
 * that would destroy an input, write two outputs to one file, or fail to write at the end.
 * \`fit\` also gets an interrupt handler that says what was written (hooks, so that fit.ts
 * stays the fit's own).
 */
function guardOutputs(program: Command): void {
  let remove: (() => void) | null = null;
  program.hook("preAction", async (_p, cmd) => {
    checkDeclared(cmd);
    if (cmd.name() !== "fit") return;
    remove = installInterruptHandler("the fit");
    // One turn of the event loop with a timer: only then does a signal that arrives during
    // synchronous work reach the handler (measured; setImmediate is not enough).
    await new Promise((r) => setTimeout(r, 1));
  });
  program.hook("postAction", async (_p, cmd) => {
    if (cmd.name() !== "fit") return;
    await new Promise((r) => setTimeout(r, 1)); // a signal sent during the fit is heard (and reported) now
    remove?.();
    remove = null;
  });
}

/** Run the CLI; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0); // `skillsim ... | head` is fine
    throw e;
  });
  try {
    await (await buildProgram(argv)).parseAsync(argv);
    return 0;
  } catch (e) {
    return report(e);
  }
}

/**
 * The one place an error becomes an exit code: bad input (InputError) 2, a failed run
 * (RunError) 1, an interrupted one 130 (SIGINT) or 143 (SIGTERM). Null for anything else
 * (a bug). Every error class skillsim throws derives from InputError or RunError (src/errors.ts).
 */
export function exitCodeOf(e: unknown): number | null {
  if (e instanceof Interrupted) return e.signal === "SIGINT" ? 130 : 143;
  if (e instanceof RunError) return 1;
  if (e instanceof InputError) return 2;
  return null;
}

function report(e: unknown): number {
  if (e instanceof CommanderError) {
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return 0;
    return 2; // commander printed the message already
  }
  const code = exitCodeOf(e);
  if (code !== null) {
    process.stderr.write(`skillsim: ${(e as InputError | RunError).line()}\n`);
    return code;
  }
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`skillsim: internal error: ${msg}\n`);
  if (process.env.SKILLSIM_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
  else process.stderr.write("skillsim: this is a bug; please report it with the command line (SKILLSIM_DEBUG=1 shows a stack trace)\n");
  return 1;
}
