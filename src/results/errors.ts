import { InputError } from "../errors.js";

/** Bad input in a file skillsim owns (a run JSON, a sweep line, a CSV): one line naming file:line, exit 2. */
export class ResultsError extends InputError {}
