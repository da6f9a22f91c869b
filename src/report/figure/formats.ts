/** Which figure file a name asks for: light, so a command checks --plot before any work. */
export type FigureFormat = "vl.json" | "svg" | "png" | "html";

export const FIGURE_ENDINGS = ".svg, .png, .vl.json or .html";

/** The format a figure file name asks for, or null. */
export function figureFormat(path: string): FigureFormat | null {
  const p = path.toLowerCase();
  if (p.endsWith(".vl.json")) return "vl.json";
  if (p.endsWith(".svg")) return "svg";
  if (p.endsWith(".png")) return "png";
  if (p.endsWith(".html")) return "html";
  return null;
}

/** "fit.svg" + "-1.5" -> "fit-1.5.svg" (the ending kept whole: "fit.vl.json" -> "fit-1.5.vl.json"). */
export function withSuffix(path: string, suffix: string): string {
  const m = /\.(vl\.json|svg|png|html)$/i.exec(path);
  return m ? `${path.slice(0, m.index)}${suffix}${m[0]}` : path + suffix;
}
