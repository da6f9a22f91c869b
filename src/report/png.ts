/**
 * SVG -> PNG with @resvg/resvg-js, for the report figures.
 *
 * Fonts: the figures name DejaVu Sans (figure/theme.ts). resvg draws no text at all when it
 * finds no font, and it would otherwise pick whatever the machine has. So the PNG is drawn
 * only with the DejaVu Sans files of the `dejavu-fonts-ttf` package, a dependency of
 * skillsim (regular, bold, oblique, bold oblique), with the system fonts NOT loaded: the
 * same pixels on every machine, and no font to install.
 *
 * Limit: a character DejaVu Sans has no glyph for (it covers Latin, Greek, Cyrillic, the
 * usual mathematical symbols and arrows, not CJK) cannot be drawn in the PNG: resvg draws the
 * font's missing-glyph mark, an empty box, in its place. The SVG keeps it (a browser uses its
 * own fonts). missingGlyphs() names such characters, and the CLI says so when it writes a PNG.
 */
import { readFileSync } from "node:fs";
import { Resvg } from "@resvg/resvg-js";

import { bundledFontFiles } from "./figure/text-width.js";
export { bundledFontFiles };

export interface PngOptions {
  /** Extra font files to load besides the bundled DejaVu Sans (e.g. for CJK text). */
  fontFiles?: string[];
}

function fontOptions(extra: string[]) {
  const f = bundledFontFiles();
  return {
    loadSystemFonts: false,
    fontFiles: [f.regular, f.bold, f.oblique, f.boldOblique, ...extra],
    defaultFontFamily: "DejaVu Sans",
    sansSerifFamily: "DejaVu Sans",
  };
}

/**
 * Render an SVG document to PNG bytes, `width` px wide (default: the SVG's own width),
 * on a white background, with the bundled font only (see the file comment).
 */
export function svgToPng(svg: string, width?: number, opts: PngOptions = {}): Buffer {
  const resvg = new Resvg(svg, {
    font: fontOptions(opts.fontFiles ?? []),
    background: "#ffffff",
    fitTo: width ? { mode: "width", value: Math.round(width) } : { mode: "original" },
    shapeRendering: 2,
    textRendering: 1,
  });
  return resvg.render().asPng();
}

// ---------------------------------------------------------------------------------------
// Which characters the bundled font can draw: its cmap table (formats 4 and 12).

const coverage = new Map<string, Set<number>>();

/** The code points a TrueType file maps to glyphs (cmap subtables of format 4 and 12). */
export function fontCodePoints(file: string): Set<number> {
  let set = coverage.get(file);
  if (set) return set;
  set = new Set<number>();
  const b = readFileSync(file);
  const numTables = b.readUInt16BE(4);
  let cmap = -1;
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i;
    if (b.toString("latin1", rec, rec + 4) === "cmap") cmap = b.readUInt32BE(rec + 8);
  }
  if (cmap < 0) throw new Error(`${file}: no cmap table`);
  const subtables = b.readUInt16BE(cmap + 2);
  for (let i = 0; i < subtables; i++) {
    const off = cmap + b.readUInt32BE(cmap + 4 + 8 * i + 4);
    const fmt = b.readUInt16BE(off);
    if (fmt === 4) {
      const segX2 = b.readUInt16BE(off + 6);
      const ends = off + 14, starts = ends + segX2 + 2, deltas = starts + segX2, ranges = deltas + segX2;
      for (let s = 0; s < segX2 / 2; s++) {
        const end = b.readUInt16BE(ends + 2 * s), start = b.readUInt16BE(starts + 2 * s);
        const delta = b.readInt16BE(deltas + 2 * s), rangeOff = b.readUInt16BE(ranges + 2 * s);
        for (let c = start; c <= end && c !== 0xffff; c++) {
          const glyph = rangeOff === 0 ? (c + delta) & 0xffff : b.readUInt16BE(ranges + 2 * s + rangeOff + 2 * (c - start));
          if (glyph !== 0) set.add(c);
        }
      }
    } else if (fmt === 12) {
      const groups = b.readUInt32BE(off + 12);
      for (let g = 0; g < groups; g++) {
        const r = off + 16 + 12 * g;
        const start = b.readUInt32BE(r), end = b.readUInt32BE(r + 4), glyph0 = b.readUInt32BE(r + 8);
        for (let c = start; c <= end; c++) if (glyph0 + (c - start) !== 0) set.add(c);
      }
    }
  }
  coverage.set(file, set);
  return set;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/**
 * The distinct characters of the SVG's text that the bundled font cannot draw, in order of
 * first appearance (white space and control characters aside). Empty for skillsim's own
 * figures unless a title or key names such characters.
 */
export function missingGlyphs(svg: string): string[] {
  const fonts = bundledFontFiles();
  const regular = fontCodePoints(fonts.regular);
  const bold = fontCodePoints(fonts.bold);
  const missing = new Set<string>();
  for (const m of svg.matchAll(/<text\b([^>]*)>([\s\S]*?)<\/text>/g)) {
    const isBold = /font-weight="bold"/.test(m[1]);
    const content = m[2].replace(/<[^>]*>/g, "").replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ENTITIES[e]);
    for (const ch of content) {
      const c = ch.codePointAt(0)!;
      if (c <= 32) continue;
      if (!regular.has(c) || (isBold && !bold.has(c))) missing.add(ch);
    }
  }
  return [...missing];
}
