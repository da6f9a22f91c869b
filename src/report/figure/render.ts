/**
 * One Vega-Lite specification, four files, chosen by the file name's ending:
 * - `.vl.json`: the specification itself with its data inline (opens unchanged in the Vega
 *   editor, and in Altair as `alt.Chart.from_json`);
 * - `.svg`: compiled by vega-lite and drawn by vega's View.toSVG() in Node, no browser;
 * - `.png`: that SVG drawn by resvg with the bundled DejaVu Sans only (../png.ts);
 * - `.html`: one self-contained interactive page, vega, vega-lite and vega-embed inlined
 *   (no network): tooltips, pan and zoom.
 * Same specification, same bytes. vega and vega-lite are loaded here only, and this module
 * only when a figure is asked for (the CLI imports it lazily).
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { FigureFormat } from "./formats.js";
import type { VlSpec } from "./theme.js";
import { bundledFontFiles, dejaVuWidth } from "./text-width.js";

let measuring: ReturnType<typeof dejaVuWidth> | undefined;

/** The specification as the .vl.json file holds it: two-space JSON, one trailing newline. */
export function specJson(spec: VlSpec): string {
  return JSON.stringify(spec, null, 2) + "\n";
}

/** What vega-lite and vega said while compiling and drawing (kept, not printed: tests read them). */
export const renderWarnings: string[] = [];

/** A logger for vega-lite and vega that keeps warnings in renderWarnings and throws on errors. */
function keepingLogger(): Record<string, unknown> {
  let level = 2;
  const logger: Record<string, unknown> = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error(...a: unknown[]) { throw new Error(a.map(String).join(" ")); },
    warn(...a: unknown[]) {
      const m = a.map(String).join(" ");
      // Pan and zoom listen to the browser window; drawing in Node there is none, as expected.
      if (!/^Can not resolve event source: window$/.test(m)) renderWarnings.push(m);
      return logger;
    },
    info() { return logger; },
    debug() { return logger; },
  };
  return logger;
}

/** The SVG document vega draws for a Vega-Lite specification. */
export async function specToSvg(spec: VlSpec): Promise<string> {
  const vl = await import("vega-lite");
  const vega = await import("vega");
  // The bundled font's own widths, not vega's estimate (text-width.ts), set once.
  if (!measuring) (vega as unknown as { textMetrics: { width: unknown } }).textMetrics.width = measuring = dejaVuWidth(bundledFontFiles());
  const logger = keepingLogger();
  const compiled = vl.compile(spec as never, { logger: logger as never }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none", logger: logger as never });
  try {
    return renumberClips(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/**
 * vega numbers clip paths with a counter that lives as long as the process (clip1, clip2,
 * ... then clip14 for the next figure): renumbered from 1 in order of appearance, the same
 * figure is the same bytes however many were drawn before it.
 */
function renumberClips(svg: string): string {
  const ids = new Map<string, number>();
  return svg.replace(/\b(id="|url\(#)clip(\d+)\b/g, (_m, pre: string, n: string) => {
    if (!ids.has(n)) ids.set(n, ids.size + 1);
    return `${pre}clip${ids.get(n)}`;
  });
}

const require = createRequire(import.meta.url);

/** An installed package's folder (its "exports" do not list the browser bundles, so they are found from its entry point). */
function packageDir(name: string): string {
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, "package.json")) || (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string }).name !== name) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the ${name} package`);
    dir = up;
  }
  return dir;
}

/** A browser bundle's text made safe inside <script>…</script>. */
function inlineScript(pkg: string, file: string): string {
  return readFileSync(join(packageDir(pkg), file), "utf8").replace(/<\/(script)/gi, "<\\/$1");
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** The self-contained interactive page: the three libraries and the specification inlined. */
export function specToHtml(spec: VlSpec): string {
  const title = (spec.title as { text?: string } | undefined)?.text ?? "skillsim figure";
  const json = JSON.stringify(spec).replace(/</g, "\\u003c");
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    "<style>body{margin:16px;font-family:'DejaVu Sans',Verdana,sans-serif;background:#fff}</style>",
    `<script>${inlineScript("vega", "build/vega.min.js")}</script>`,
    `<script>${inlineScript("vega-lite", "build/vega-lite.min.js")}</script>`,
    `<script>${inlineScript("vega-embed", "build/vega-embed.min.js")}</script>`,
    "</head>",
    "<body>",
    '<div id="figure"></div>',
    `<script>const spec = ${json};`,
    'vegaEmbed("#figure", spec, { renderer: "svg", actions: { export: true, source: true, compiled: false, editor: false } })',
    '  .catch((e) => { document.getElementById("figure").textContent = "skillsim: cannot draw the figure: " + e.message; console.error(e); });',
    "</script>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

export interface Rendered {
  data: string | Uint8Array;
  /** What the user must know (e.g. characters the PNG's font cannot draw). */
  notes: string[];
}

/** Render a specification in a format (see the file comment). */
export async function renderFigure(spec: VlSpec, format: FigureFormat): Promise<Rendered> {
  if (format === "vl.json") return { data: specJson(spec), notes: [] };
  if (format === "html") return { data: specToHtml(spec), notes: [] };
  const svg = await specToSvg(spec);
  if (format === "svg") return { data: svg, notes: [] };
  const { missingGlyphs, svgToPng } = await import("../png.js"); // the native renderer only for a PNG
  const missing = missingGlyphs(svg);
  const notes = missing.length
    ? [`the bundled font (DejaVu Sans) has no glyph for ${missing.map((c) => JSON.stringify(c)).join(" ")}; the PNG draws an empty box (the font's missing-glyph mark) in place of each; the .svg, .vl.json and .html keep the characters (a browser draws them with its own fonts)`]
    : [];
  return { data: svgToPng(svg), notes };
}
