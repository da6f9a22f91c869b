/** Small helpers shared by the commands. */

/** commander option collector for repeatable flags. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A note for the user, on stderr (stdout carries only results). */
export function note(message: string): void {
  process.stderr.write(`skillsim: note: ${message}\n`);
}

/**
 * One warning line for the runs of a sweep whose results carry warnings (a withheld timeline, a
 * task with no training rows, a level threshold below the start), so a sweep or a study never
 * hides what `run` would have said: how many, their ids (the first ten, in id order), the first
 * one's first warning, and where the rest are.
 */
export function warnRunsWithWarnings(warned: { id: number; first: string }[], finished: number, where: string): void {
  if (warned.length === 0) return;
  const byId = [...warned].sort((a, b) => a.id - b.id);
  const ids = byId.slice(0, 10).map((w) => w.id).join(", ") + (byId.length > 10 ? ", ..." : "");
  process.stderr.write(`skillsim: warning: ${where}${byId.length} of ${finished} runs have warnings (id${byId.length === 1 ? "" : "s"} ${ids}); run ${byId[0].id}: ${byId[0].first}; each line's "warnings" has them all\n`);
}
