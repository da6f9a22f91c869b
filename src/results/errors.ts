import { InputError } from "../errors.js";

/** Bad input in a file skillsim owns (a run JSON, a sweep line, a CSV): one line naming file:line, exit 2. */
export class ResultsError extends InputError {}

/** One JSON document parsed, or a ResultsError naming the file and the command whose output it should be. */
export function parseJsonDocument(text: string, name: string, command: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ResultsError(`${name}: not a JSON document (${(e as Error).message.split("\n")[0]}); give the output of \`${command}\``);
  }
}
