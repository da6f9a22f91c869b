/** skillsim as a library: config loading, the models, analysis and reporters. */
export { InputError, RunError, Interrupted } from "./errors.js";
export { loadConfig, ConfigError, DEFAULT_CONFIG_YAML } from "./config/load.js";
export type { Config, ResourceConfig, DominoConfig, GeometryConfig, NetworkConfig } from "./config/schema.js";
export { runModel, modelSpec, modelNames, isModelName } from "./models/index.js";
export type { ModelSpec } from "./models/spec.js";
export { runResource } from "./models/resource/model.js";
export { runDomino } from "./models/domino/model.js";
export { runGeometry } from "./models/geometry/model.js";
export { runNetwork } from "./models/network/model.js";
export type { ModelOutput, Trace, Crossings } from "./models/types.js";
export { DivergenceError } from "./models/types.js";
export { buildResult, type RunResult } from "./report/result.js";
export { configHash } from "./config/hash.js";
export { renderText, renderCsv } from "./report/text.js";
export { dopri5 } from "./engine/ode.js";
export { Rng, deriveSeed } from "./engine/rng.js";
export { planSweep, parseShard, type SweepPlan } from "./sweep/grid.js";
export { runSweep } from "./sweep/run.js";
export { mergeSweepFiles } from "./sweep/merge.js";
export { fitChinchilla, fitPowerLaw, bootstrapChinchilla, bootstrapPowerLaw, computeOptimal, makeLoss } from "./fit/index.js";
export { FitPool, fitChinchillaParallel } from "./fit/parallel.js";
export { fitWarnings } from "./fit/diagnostics.js";
export { buildSweepTable, parseSweepRuns } from "./analysis/sweep-table.js";
export { runSpec, sweepSpec, fitSpec, calibrateSpec, kinematicsSpec, relplot, renderFigure, figureFormat, type VlSpec, type RelplotOptions } from "./report/figure/index.js";
export { calibrate, parseObserved, plan as planCalibration, CalibrateError, type CalibrationResult } from "./calibrate/index.js";
export { kinematics, parseDeltas, type Kinematics } from "./analysis/kinematics.js";
export { NaturalPreconditioner, naturalLimitError } from "./engine/natural.js";
export {
  ResultsError, canonicalJson, baseConfig, firstDifference, csvCell, csvNumber, csvRecords, readRunJson, readFitJson, readResultDocument, forEachLine, readSweepLine, sweepLines,
  type RunJson, type FitJson, type ResultDocument, type SweepLine,
} from "./results/index.js";
