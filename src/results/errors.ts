/** Bad input in a file skillsim owns (a run JSON, a sweep line, a CSV): one line naming file:line, exit 2. */
export class ResultsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ResultsError";
  }
}
