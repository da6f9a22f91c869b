/**
 * Text widths for vega in Node from the bundled DejaVu Sans (the font the PNG is drawn with).
 * Without a canvas vega estimates a text's width as 0.8 x font size per character, about 1.4
 * times DejaVu Sans's own width: a figure's subtitle then reserved hundreds of pixels of empty
 * canvas on its right. Here each character's advance width is the font's own, read with fontkit
 * (the cmap and hmtx tables, every cmap format), regular or bold as the text item asks; no
 * kerning (vega's canvas measure has none either). Read once, when the first figure is drawn.
 * fontkit (used by pdfkit and react-pdf) rather than our own table reader: it reads every cmap
 * format (characters beyond the BMP too) and checks the file; opentype.js 2.0.0 took about 0.7 s
 * to parse DejaVu Sans and its string measure throws on the font's GSUB lookups.
 */
import type { Font } from "fontkit";
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

/** A font file's advance widths by Unicode code point (font units; .notdef's for a character it lacks). */
export function fontMetrics(file: string): Metrics {
  // Required when the first figure is measured, not when this module loads: no other command pays for it.
  const { openSync } = createRequire(import.meta.url)("fontkit") as typeof import("fontkit");
  const font = openSync(file) as Font;
  const cache = new Map<number, number>();
  return {
    unitsPerEm: font.unitsPerEm,
    advance(code) {
      let w = cache.get(code);
      if (w === undefined) cache.set(code, (w = font.glyphForCodePoint(code).advanceWidth));
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
