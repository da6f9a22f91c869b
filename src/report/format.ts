/**
 * Number labels in the figures' and reports' typography ("2.5×10⁻³"), the choice of evenly
 * spaced skills, and Chinchilla points grouped by D: shared by the text reports and the figure
 * specifications (./figure/), and light (no figure library), so a text report loads none.
 */

/** Trim trailing zeros of a fixed/precision number string ("0.350" -> "0.35", "2.0" -> "2"). */
export function trimZeros(s: string): string {
  if (!s.includes(".") || s.includes("e")) return s;
  return s.replace(/0+$/, "").replace(/\.$/, "");
}

const SUP: Record<string, string> = {
  "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻",
};

/** Integer exponent in Unicode superscripts: 10 + sup(-3) = "10⁻³". */
export function superscript(k: number): string {
  return String(k).split("").map((c) => SUP[c] ?? c).join("");
}

/** m×10ᵏ form ("10⁸", "2×10⁸", "2.5×10⁻³") for a value with at most 3 significant digits. */
export function powerLabel(v: number): string {
  if (v === 0) return "0";
  const sign = v < 0 ? "−" : "";
  const a = Math.abs(v);
  let k = Math.floor(Math.log10(a) + 1e-9);
  let m = Number((a / Math.pow(10, k)).toPrecision(3));
  if (m >= 10) { m /= 10; k += 1; }
  const mant = trimZeros(m.toFixed(2));
  return sign + (mant === "1" ? "" : mant + "×") + "10" + superscript(k);
}

/** `m` ranks out of 0..n-1, evenly spaced, always including the first and last. */
export function evenlySpaced(n: number, m: number): number[] {
  if (n <= m) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let j = 0; j < m; j++) {
    const r = Math.round((j * (n - 1)) / (m - 1));
    if (out[out.length - 1] !== r) out.push(r);
  }
  return out;
}

export interface DGroup { d: number; label: string; idx: number[] }

/** Group Chinchilla points by D: exact values when at most 6 distinct, else `k` quantile bins. */
export function groupByD(D: number[], k = 4): DGroup[] {
  const idx = D.map((_, i) => i).filter((i) => D[i] > 0 && Number.isFinite(D[i]));
  const distinct = [...new Set(idx.map((i) => D[i]))].sort((a, b) => a - b);
  const two = (v: number) => powerLabel(Number(v.toPrecision(2)));
  if (distinct.length <= 6) {
    return distinct.map((d) => ({ d, label: `D = ${two(d)}`, idx: idx.filter((i) => D[i] === d) }));
  }
  const sorted = [...idx].sort((a, b) => D[a] - D[b] || a - b);
  const groups: DGroup[] = [];
  for (let g = 0; g < k; g++) {
    const part = sorted.slice(Math.floor((g * sorted.length) / k), Math.floor(((g + 1) * sorted.length) / k));
    if (part.length === 0) continue;
    const med = D[part[Math.floor(part.length / 2)]];
    const lo = D[part[0]];
    const hi = D[part[part.length - 1]];
    groups.push({ d: med, label: `D ${two(lo)}–${two(hi)}`, idx: part });
  }
  return groups;
}

/** A number for a title or label: 3 significant digits, m×10ᵏ outside [10⁻³, 10⁶). */
export function fmtValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  const sign = v < 0 ? "−" : "";
  if (a >= 1e6 || a < 1e-3) return powerLabel(v);
  if (a >= 100) return sign + String(Math.round(a));
  return sign + trimZeros(a.toPrecision(3));
}

/** Plain config values for titles: numbers via fmtValue, everything else as text. */
export function fmtAny(v: unknown): string {
  if (typeof v === "number") return fmtValue(v);
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(fmtAny).join(", ")}]`;
  return JSON.stringify(v) ?? "";
}

/** Numbers as the text reports print them: integers as they are, others to 4 significant digits
 * (exponent form below 1e-3 and from 1e6). One formatter for the header and the tables. */
export function fmt(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined) return "-";
  if (Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return Number(x.toPrecision(digits)).toExponential();
  return Number(x.toPrecision(digits)).toString();
}

/**
 * An explicit list in a one-line header: short lists in full, long ones summarised (the first
 * three values, the last, and the count), a matrix by its shape. A 50 x 200 vectors file must
 * not make a 200 KB first line.
 */
export function listLabel(v: unknown, show: (x: number) => string = (x) => fmt(x), max = 8): string {
  if (!Array.isArray(v)) return String(v);
  if (v.length > 0 && Array.isArray(v[0])) return `${v.length} x ${(v[0] as unknown[]).length} matrix`;
  const xs = v as number[];
  if (xs.length <= max) return `[${xs.map(show).join(", ")}]`;
  return `[${xs.slice(0, 3).map(show).join(", ")}, ..., ${show(xs[xs.length - 1])}] (${xs.length} values)`;
}
