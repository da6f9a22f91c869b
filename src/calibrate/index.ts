/**
 * Calibration: fit a toy model (Resource or Domino) to observed skill curves.
 *
 *   objective  MSE(theta) = sum_c w_c sum_k (m_i(t_k; theta) - o_c(t_k))^2 / sum_c w_c n_c
 *              over every recorded point (t_k, o_c(t_k)) of every observed curve c (a skill i
 *              of a run), m the toy model's level (or progress) at the same t_k, w_c = 1
 *              (bootstrap: how often curve c was drawn), n_c its number of points.
 *   time       an observed t_k counts updates applied, as in every skillsim model: it is
 *              compared with the map's state after t_k updates (s(1) is the state after the
 *              first update); a fractional t_k is interpolated linearly between whole steps;
 *              the ODE and the Domino closed form are evaluated at t_k itself.
 *   levels     compared as the observed run defines them: progress (s - s0)/(1 - s0) by
 *              default, s itself when its config says `timeline.on: level`; CSV levels as given.
 *   search     in log space: a log-spaced grid (N0 1e-4..1e2; rate, t0, tau over two decades
 *              around their starting value), then Nelder-Mead from the best grid point, then
 *              Levenberg-Marquardt on the residuals (which converges to the optimum itself,
 *              so the answer does not depend on the grid beyond the refinement's tolerance).
 *   bootstrap  resample the skills (one observed run) or the runs (several, e.g. seeds) with
 *              replacement, refit from the optimum; percentile intervals.
 *
 * The parts: ./observed.ts reads the curves, ./plan.ts checks them and builds the toy config,
 * ./objective.ts is the model on the observed time grid, ./fit.ts the search, ./bootstrap.ts
 * and ./identification.ts what is said about the optimum, ./result.ts and ./report.ts the
 * result and its JSON and text. Pure: text in, numbers and text out; the CLI
 * (src/cli/calibrate.ts) parses options, reads files and writes.
 */
export { CalibrateError, calibrationOf, type ToyModel } from "./common.js";
export { parseObserved, type Comparison, type ObservedInput } from "./observed.js";
export { plan, type CalibrateOptions, type Plan } from "./plan.js";
export { Objective, fittedCurves } from "./objective.js";
export { MAP_WORK_BUDGET, TOLERANCE, calibrate } from "./fit.js";
export { IDENT_SHIFT } from "./identification.js";
export type { CalibrationResult } from "./result.js";
export { calibrationJson, configYaml, figureCurves, renderText } from "./report.js";
