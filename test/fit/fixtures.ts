/** Hand-made inputs for the `skillsim fit` tests: sweep JSON lines and CSVs with known laws. */

/** One sweep line as `skillsim sweep` writes it, plus the run's config (none when config is null). */
export function sweepLine(
  id: number,
  overrides: Record<string, unknown>,
  t: number[],
  loss: number[],
  config: Record<string, unknown> | null = { params: overrides.params, batch: 8 },
): string {
  const line: Record<string, unknown> = {
    id, overrides, final: { loss: loss[loss.length - 1] }, skills: [], trace: { t, loss }, config_hash: "0123456789abcdef",
  };
  if (config) line.config = config;
  return JSON.stringify(line);
}

/** L = E + A x^-alpha at x = 10, 20, 40, ..., as CSV text with columns `params,loss,seed`. */
export function powerLawCsv(E: number, A: number, alpha: number, points = 8): string {
  const rows = ["params,loss,seed"];
  for (let k = 0; k < points; k++) {
    const x = 10 * 2 ** k;
    rows.push(`${x},${E + A * Math.pow(x, -alpha)},${k % 2}`);
  }
  return rows.join("\n") + "\n";
}

/**
 * A small sweep: params in {20, 40, 80, 160} x zipf in {1, 2}, recorded at steps 0, 10, 100,
 * 1000 with batch 8, loss = E_z + A_z / N^0.5 + 30 / D^0.4 (E_z = 0.1 z, A_z = 20 z) exactly.
 */
export function sweepJsonl(): string {
  const lines: string[] = [];
  let id = 0;
  for (const p of [20, 40, 80, 160]) {
    for (const z of [1, 2]) {
      const t = [0, 10, 100, 1000];
      const loss = t.map((s) => (s === 0 ? 9 : 0.1 * z + (20 * z) / Math.sqrt(p) + 30 * Math.pow(s * 8, -0.4)));
      lines.push(sweepLine(id++, { params: p, "skills.frequencies.zipf": z }, t, loss, { params: p, batch: 8, steps: 1000 }));
    }
  }
  return lines.join("\n") + "\n";
}
