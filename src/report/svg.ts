/**
 * Publication-quality SVG figures for skillsim results: the run figure (skill levels, loss
 * and onset timeline), the sweep figure (final loss vs a swept key, log-log, one series
 * per value of a second key, spread over seeds) and the fit figure (data and a fitted
 * power law or Chinchilla law, with the compute-optimal frontier). Pure: plain objects or
 * JSON Lines text in, SVG text out; deterministic bytes. PNG conversion is in png.ts.
 */
export { runFigure, type RunResult, type RunSkill, type RunFigureOptions } from "./svg/run.js";
export {
  FONT_FAMILY, escapeXml, niceLinearTicks, logTicks, linearLabels, powerLabel, fmtValue, viridis,
  linearScale, logScale, textWidth, type Tick, type Scale,
} from "./svg/core.js";
export { sweepFigure, parseJsonLines, chooseKeys, chooseKeysOf, keyInfo, type KeyInfo, type SweepLine, type SweepFigureOptions } from "./svg/sweep.js";
export {
  fitFigure, formula, groupByD, type FitResult, type FitData, type FitFigureOptions, type ChinchillaParams,
  type PowerLawParams, type AllocationRow,
} from "./svg/fit.js";
