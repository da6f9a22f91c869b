/**
 * What every command that draws shares: `--plot FILE` (.svg, .png, .vl.json or .html),
 * `--xlim LO,HI` and `--plot-size WxH`, checked before any work (exit 2 naming the flag).
 * The figure itself is written by writeFigure (./write.ts), the one output layer.
 */
import type { Command } from "commander";
import { FIGURE_ENDINGS, figureFormat } from "../report/figure/formats.js";
import type { FigureSize } from "../report/figure/theme.js";
import { CliError } from "./errors.js";

export interface PlotFlags {
  plot?: string;
  xlim?: string;
  plotSize?: string;
}

/** Add --xlim and --plot-size to a command that has --plot. */
export function addPlotOptions(cmd: Command): Command {
  return cmd
    .option("--xlim <lo,hi>", "with --plot: draw only lo <= x <= hi (e.g. 0,500 or 1e2,1e4)")
    .option("--plot-size <WxH>", "with --plot: one panel's width and height in px (default: the figure's own, e.g. 560x340)");
}

/** The --plot file's format checked, --xlim and --plot-size parsed; throws CliError (exit 2). */
export function plotSettings(o: PlotFlags): FigureSize {
  if (o.plot !== undefined && figureFormat(o.plot) === null) throw new CliError(`--plot ${o.plot}: the figure file must end in ${FIGURE_ENDINGS}`);
  const size: FigureSize = {};
  if (o.xlim !== undefined) {
    const parts = o.xlim.split(",").map((s) => s.trim());
    const v = parts.map(Number);
    if (parts.length !== 2 || parts.some((s) => s === "") || !v.every(Number.isFinite) || !(v[0] < v[1])) {
      throw new CliError(`--xlim ${o.xlim}: expected two numbers lo,hi with lo < hi (e.g. 0,500)`);
    }
    size.xlim = [v[0], v[1]];
  }
  if (o.plotSize !== undefined) {
    const m = /^(\d+)x(\d+)$/i.exec(o.plotSize.trim());
    const w = m ? Number(m[1]) : NaN, h = m ? Number(m[2]) : NaN;
    if (!m || w < 50 || h < 50 || w > 5000 || h > 5000) throw new CliError(`--plot-size ${o.plotSize}: expected WIDTHxHEIGHT in px, each 50 to 5000 (e.g. 560x340)`);
    size.width = w;
    size.height = h;
  }
  return size;
}
