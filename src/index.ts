/** skillsim as a library: config loading, the models, analysis and reporters. */
export { loadConfig, ConfigError, DEFAULT_CONFIG_YAML } from "./config/load.js";
export type { Config, ResourceConfig, DominoConfig, GeometryConfig } from "./config/schema.js";
export { runModel } from "./models/index.js";
export { runResource } from "./models/resource.js";
export { runDomino } from "./models/domino.js";
export { runGeometry } from "./models/geometry.js";
export type { ModelOutput, Trace, Crossings } from "./models/types.js";
export { buildResult, type RunResult } from "./report/result.js";
export { renderText, renderCsv } from "./report/text.js";
export { dopri5 } from "./engine/ode.js";
export { Rng, deriveSeed } from "./engine/rng.js";
export { planSweep, parseShard, type SweepPlan } from "./sweep/grid.js";
export { runSweep } from "./sweep/run.js";
export { mergeSweepFiles } from "./sweep/merge.js";
export { fitChinchilla, fitPowerLaw, bootstrapChinchilla, bootstrapPowerLaw, computeOptimal } from "./analysis/scaling.js";
export { runFigure, sweepFigure, fitFigure } from "./report/svg.js";
export { calibrate, parseObserved, plan as planCalibration, CalibrateError, type CalibrationResult } from "./analysis/calibrate.js";
