/**
 * The figure layer: every figure skillsim draws is a Vega-Lite specification with its data
 * inline, built by a pure function (data in, spec out), and rendered by ./render.ts as
 * .vl.json, .svg, .png or .html. `relplot` is the general builder (tidy rows, x/y/colour/
 * facet, error bands over seeds) the others and `skillsim study` build on.
 */
export { type VlSpec, type FigureSize, CONFIG, FONT, VEGA_LITE_SCHEMA, topLevel, viridis, viridisRange, okabeIto, zoom } from "./theme.js";
export { relplot, summarise, tQuantile975, distinctValues, type Row, type RelplotOptions, type ErrorBand, type LogSetting, type Summary } from "./relplot.js";
export { runSpec, describeConfig, taskNames, lossFloor, LOSS_RANGE, type RunFigureInput, type RunFigureOptions, type RunSkillRow } from "./run.js";
export {
  sweepSpec, sweepRows, chooseKeys, chooseKeysOf, keyInfo, sweptKeys, shortKey, getPath,
  type SweepLine, type SweepFigureOptions, type KeyInfo,
} from "./sweep.js";
export { fitSpec, formula, paramLines, type FitResult, type FitData, type FitFigureOptions, type ChinchillaParams, type PowerLawParams, type AllocationRow } from "./fit.js";
export { calibrateSpec, type CalibrateFigureInput } from "./calibrate.js";
export { kinematicsSpec } from "./kinematics.js";
export { studySpec, GROUP_INTERVAL, FIT_INTERVAL, type StudyFigureOptions } from "./study.js";
export { figureFormat, withSuffix, FIGURE_ENDINGS, type FigureFormat } from "./formats.js";
export { renderFigure, specToSvg, specToHtml, specJson, type Rendered } from "./render.js";
