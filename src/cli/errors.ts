import { InputError } from "../errors.js";

/** A bad command line or an input file that cannot be read: one line, exit code 2. */
export class CliError extends InputError {}
