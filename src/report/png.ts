/**
 * SVG -> PNG with @resvg/resvg-js, for the report figures.
 *
 * Fonts: resvg draws no text at all when it finds no font (silently), and it never falls
 * back to a built-in one. So: (1) it loads the system fonts (fontdb scans /usr/share/fonts,
 * ~/.fonts, etc.); (2) it is also handed the first DejaVu Sans / Arial file found at the
 * usual paths, and that family is made the default and the sans-serif family, matching the
 * figures' font-family="DejaVu Sans, Arial, Helvetica, sans-serif" (and the text widths the
 * layout assumes); (3) before the first render it checks, once, that a test glyph actually
 * draws; if not, svgToPng throws instead of returning a figure without labels.
 * On Debian/Ubuntu the font comes from the package fonts-dejavu-core (pulled in by
 * fontconfig, present on this project's machines); elsewhere pass `fontFiles`.
 */
import { existsSync } from "node:fs";
import { Resvg, type ResvgRenderOptions } from "@resvg/resvg-js";

/** Well-known locations of DejaVu Sans (Linux distributions) and Arial (macOS, Windows). */
export const FONT_CANDIDATES = [
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", // Debian, Ubuntu (fonts-dejavu-core)
  "/usr/share/fonts/dejavu/DejaVuSans.ttf", // Fedora, RHEL
  "/usr/share/fonts/TTF/DejaVuSans.ttf", // Arch
  "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf", // Fedora (newer)
  "/usr/local/share/fonts/dejavu/DejaVuSans.ttf", // FreeBSD
  "/Library/Fonts/Arial.ttf", // macOS
  "/System/Library/Fonts/Supplemental/Arial.ttf", // macOS 10.15+
  "C:\\Windows\\Fonts\\arial.ttf", // Windows
];

export interface PngOptions {
  /** Extra font files to load (e.g. a bundled TTF). */
  fontFiles?: string[];
}

function fontOptions(extra: string[]): NonNullable<ResvgRenderOptions["font"]> {
  const found = FONT_CANDIDATES.find((p) => existsSync(p));
  const files = [...extra, ...(found ? [found] : [])];
  const family = found ? (found.toLowerCase().includes("arial") ? "Arial" : "DejaVu Sans") : undefined;
  return {
    loadSystemFonts: true,
    fontFiles: files,
    ...(family ? { defaultFontFamily: family, sansSerifFamily: family } : {}),
  };
}

const checked = new Map<string, boolean>();

/** True when resvg, with these fonts, actually draws text (checked once per font set). */
export function canRenderText(opts: PngOptions = {}): boolean {
  const key = JSON.stringify(opts.fontFiles ?? []);
  let ok = checked.get(key);
  if (ok === undefined) {
    const probe =
      '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">' +
      '<text x="2" y="16" font-size="16" font-family="DejaVu Sans, Arial, Helvetica, sans-serif">MW</text></svg>';
    const px = new Resvg(probe, { font: fontOptions(opts.fontFiles ?? []) }).render().pixels;
    ok = false;
    for (let i = 3; i < px.length; i += 4) if (px[i] > 0) { ok = true; break; }
    checked.set(key, ok);
  }
  return ok;
}

/**
 * Render an SVG document to PNG bytes, `width` px wide (default: the SVG's own width),
 * on a white background. Throws when no usable font is installed (see the file comment).
 */
export function svgToPng(svg: string, width?: number, opts: PngOptions = {}): Buffer {
  if (!canRenderText(opts)) {
    throw new Error(
      "svgToPng: resvg found no font to draw text with. Install one (Debian/Ubuntu: apt-get install fonts-dejavu-core) " +
        "or pass fontFiles: ['/path/to/DejaVuSans.ttf'].",
    );
  }
  const resvg = new Resvg(svg, {
    font: fontOptions(opts.fontFiles ?? []),
    background: "#ffffff",
    fitTo: width ? { mode: "width", value: Math.round(width) } : { mode: "original" },
    shapeRendering: 2,
    textRendering: 1,
  });
  return resvg.render().asPng();
}
