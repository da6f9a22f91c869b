/**
 * The two kinds of failure skillsim reports, and the base of every error class it throws:
 *
 * - InputError: the input is wrong (a config, a result file, a command-line value). The CLI
 *   prints one line and exits 2, before any work is done where it can.
 * - RunError: the input was fine but the work failed (a run diverged, a write failed, a check
 *   found differences). The CLI prints one line and exits 1; Interrupted (a RunError) exits
 *   130 or 143.
 *
 * Only cli/main.ts turns these into exit codes; code elsewhere throws the class that says what
 * went wrong and never re-wraps one error class in another. This module imports nothing, so
 * any module (and the CLI before it loads a command) can use it.
 */

/** Bad input: one line, exit code 2. `where` (file:line:col, a flag) and `key` locate it when known. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly where: string = "",
    readonly key: string = "",
  ) {
    super(message);
    this.name = new.target.name;
  }
  /** The line the CLI prints after "skillsim: ". */
  line(): string {
    return this.message;
  }
}

/** A run or a write that failed on valid input: one line, exit code 1. */
export class RunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
  /** The line the CLI prints after "skillsim: ". */
  line(): string {
    return this.message;
  }
}

/** Work stopped by SIGINT or SIGTERM (what was kept is in the message): exit code 130 or 143. */
export class Interrupted extends RunError {
  constructor(
    message: string,
    readonly signal: "SIGINT" | "SIGTERM",
  ) {
    super(message);
  }
}
