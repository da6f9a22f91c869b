/** Small helpers shared by the commands. */

/** commander option collector for repeatable flags. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A note for the user, on stderr (stdout carries only results). */
export function note(message: string): void {
  process.stderr.write(`skillsim: note: ${message}\n`);
}
