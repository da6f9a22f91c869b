/**
 * Text widths for vega in Node from the bundled DejaVu Sans (the font the PNG is drawn with).
 * Without a canvas vega estimates a text's width as 0.8 x font size per character, about 1.4
 * times DejaVu Sans's own width: a figure's subtitle then reserved hundreds of pixels of empty
 * canvas on its right. Here each character's advance width comes from the font's hmtx table
 * (through its cmap), regular or bold as the text item asks; no kerning (vega's canvas
 * measure has none either). Read once, when the first figure is drawn.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** The bundled font files (DejaVu Sans from the dejavu-fonts-ttf package): the PNG's fonts (../png.ts) and the widths here. */
export function bundledFontFiles(): { regular: string; bold: string; oblique: string; boldOblique: string } {
  const dir = join(dirname(createRequire(import.meta.url).resolve("dejavu-fonts-ttf/package.json")), "ttf");
  return {
    regular: join(dir, "DejaVuSans.ttf"),
    bold: join(dir, "DejaVuSans-Bold.ttf"),
    oblique: join(dir, "DejaVuSans-Oblique.ttf"),
    boldOblique: join(dir, "DejaVuSans-BoldOblique.ttf"),
  };
}

interface Metrics { unitsPerEm: number; advance: (code: number) => number }

/** A TrueType font's advance widths by character code (cmap format 4, Unicode BMP). */
export function fontMetrics(file: string): Metrics {
  const b = readFileSync(file);
  const tables = new Map<string, number>();
  const n = b.readUInt16BE(4);
  for (let i = 0; i < n; i++) tables.set(b.toString("latin1", 12 + 16 * i, 16 + 16 * i), b.readUInt32BE(12 + 16 * i + 8));
  const need = (t: string) => {
    const o = tables.get(t);
    if (o === undefined) throw new Error(`${file}: no ${t} table`);
    return o;
  };
  const unitsPerEm = b.readUInt16BE(need("head") + 18);
  const nMetrics = b.readUInt16BE(need("hhea") + 34);
  const hmtx = need("hmtx");
  const adv = (glyph: number) => b.readUInt16BE(hmtx + 4 * Math.min(glyph, nMetrics - 1));
  const cmap = need("cmap");
  let sub = -1;
  for (let i = 0; i < b.readUInt16BE(cmap + 2); i++) {
    const e = cmap + 4 + 8 * i;
    const platform = b.readUInt16BE(e), encoding = b.readUInt16BE(e + 2), off = cmap + b.readUInt32BE(e + 4);
    if (((platform === 3 && encoding === 1) || platform === 0) && b.readUInt16BE(off) === 4) { sub = off; break; }
  }
  if (sub < 0) throw new Error(`${file}: no Unicode cmap (format 4)`);
  const segX2 = b.readUInt16BE(sub + 6);
  const ends = sub + 14, starts = ends + segX2 + 2, deltas = starts + segX2, offsets = deltas + segX2;
  const cache = new Map<number, number>();
  const glyphOf = (code: number): number => {
    for (let s = 0; s < segX2; s += 2) {
      if (code > b.readUInt16BE(ends + s)) continue;
      const start = b.readUInt16BE(starts + s);
      if (code < start) return 0;
      const delta = b.readInt16BE(deltas + s), ro = b.readUInt16BE(offsets + s);
      if (ro === 0) return (code + delta) & 0xffff;
      const g = b.readUInt16BE(offsets + s + ro + 2 * (code - start));
      return g === 0 ? 0 : (g + delta) & 0xffff;
    }
    return 0;
  };
  return {
    unitsPerEm,
    advance(code) {
      let w = cache.get(code);
      if (w === undefined) cache.set(code, (w = adv(code > 0xffff ? 0 : glyphOf(code))));
      return w;
    },
  };
}

/** Width in px of `text` at `size` px in the given metrics. */
export function textWidth(m: Metrics, text: string, size: number): number {
  let u = 0;
  for (const ch of text) u += m.advance(ch.codePointAt(0)!);
  return (u / m.unitsPerEm) * size;
}

interface TextItem { fontSize?: number | string; fontWeight?: string | number; limit?: number }

/**
 * vega's textMetrics.width for the DejaVu files (regular, bold): as vega's canvas measure, 0 for
 * an empty text or size, the text trimmed, and at most the item's `limit` (vega truncates it there).
 */
export function dejaVuWidth(files: { regular: string; bold: string }): (item: TextItem, text: unknown) => number {
  const regular = fontMetrics(files.regular), bold = fontMetrics(files.bold);
  return (item, line) => {
    const size = item.fontSize != null ? +item.fontSize || 0 : 11;
    const text = line == null ? "" : String(line).trim();
    if (size <= 0 || !text) return 0;
    const w = item.fontWeight === "bold" || Number(item.fontWeight) >= 600 ? bold : regular;
    const width = textWidth(w, text, size);
    return item.limit && item.limit > 0 ? Math.min(width, item.limit) : width;
  };
}
