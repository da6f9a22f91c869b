/** Numbers as the text reports print them: integers as they are, others to 4 significant digits
 * (exponent form below 1e-3 and from 1e6). One formatter for the header and the tables. */
export function fmt(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined) return "-";
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return Number(x.toPrecision(digits)).toExponential();
  return Number(x.toPrecision(digits)).toString();
}
