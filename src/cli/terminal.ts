/** Whether a stream may carry colour and progress bars: a terminal, and never with NO_COLOR or TERM=dumb. */
export function colorAllowed(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !("NO_COLOR" in process.env && process.env.NO_COLOR !== "") && process.env.TERM !== "dumb";
}
