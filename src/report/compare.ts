/**
 * The report of `skillsim check`: the summary line, the text table of the fields that moved
 * beyond tolerance, and the --json document. Pure: a Comparison (src/analysis/compare.ts) in,
 * text out.
 */
import type { CompareOptions, Comparison } from "../analysis/compare.js";

export function summaryLine(c: Comparison): string {
  return `${c.compared} field${c.compared === 1 ? "" : "s"} compared, ${c.changes.length} moved beyond tolerance`;
}

/** The text table of changes (at most `limit` rows; 0: all) and the summary line. */
export function renderComparison(c: Comparison, limit = 50): string {
  const shown = limit > 0 ? c.changes.slice(0, limit) : c.changes;
  const lines: string[] = [];
  if (shown.length > 0) {
    const sweep = c.kind === "sweep";
    const head = [...(sweep ? ["run"] : []), "field", "baseline", "now", "change", "tolerance"];
    const rows = shown.map((ch) => [
      ...(sweep ? [ch.id ?? ""] : []),
      ch.field,
      cell(ch.baseline),
      cell(ch.now),
      ch.rel !== null ? signed(ch.rel) : ch.abs !== null ? `${signed(ch.abs)} abs` : "-",
      ch.tolerance,
    ]);
    const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
    const fmt = (r: string[]) => r.map((x, j) => (j === r.length - 1 ? x : x.padEnd(widths[j]))).join("  ");
    lines.push(fmt(head));
    for (const r of rows) lines.push(fmt(r));
    if (shown.length < c.changes.length) lines.push(`... and ${c.changes.length - shown.length} more (--limit 0 shows all; --json lists all)`);
  }
  lines.push(summaryLine(c));
  return lines.join("\n") + "\n";
}

function cell(v: unknown): string {
  if (v === undefined) return "(absent)";
  if (typeof v === "number") return String(v);
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}


function signed(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return `${x >= 0 ? "+" : ""}${x.toExponential(2)}`;
}

/** The --json document. */
export function comparisonJson(c: Comparison, opts: CompareOptions): Record<string, unknown> {
  return {
    kind: c.kind,
    ok: c.changes.length === 0,
    compared: c.compared,
    moved: c.changes.length,
    tolerances: { rtol: opts.rtol, atol: opts.atol, rules: opts.rules },
    changes: c.changes.map((ch) => ({
      ...(ch.id !== undefined ? { id: ch.id } : {}),
      field: ch.field,
      // A field absent on one side has no value there, and "missing" names that side.
      ...(ch.baseline === undefined ? { missing: "baseline" } : { baseline: ch.baseline }),
      ...(ch.now === undefined ? { missing: "now" } : { now: ch.now }),
      rel: ch.rel,
      abs: ch.abs,
      tolerance: ch.tolerance,
    })),
    unused_patterns: c.unusedPatterns,
    notes: c.notes,
  };
}
