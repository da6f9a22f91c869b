/**
 * Scaling-law fits: the Chinchilla loss law L(N, D) = E + A / N^alpha + B / D^beta and the
 * one-variable power law L(x) = E + A x^-alpha, their compute-optimal allocation, and
 * bootstrap percentile intervals.
 *
 * The Chinchilla fit follows Hoffmann et al. 2022 (Approach 3) as replicated by Besiroglu et
 * al. 2024: with A = e^a, B = e^b, E = e^e and the log residual
 *     r_k = LSE(a - alpha log N_k, b - beta log D_k, e) - log L_k
 * (prediction minus data), minimise the SUM (not the mean, which stops the optimiser early)
 * over data points k of one objective (`Loss`):
 *     huber       Huber_delta(r_k), delta = 1e-3 by default (the published method);
 *     mse         r_k^2;
 *     asymmetric  w r_k^2 with w = K (the penalty) when r_k > 0, the law over-predicting, else 1,
 * by L-BFGS (../engine/optim/lbfgs.ts, SciPy L-BFGS-B's defaults) with the analytic gradient, from every
 * start of the grid alpha, beta in {0, 0.5, ..., 2}, e in {-1, -0.5, ..., 1},
 * a, b in {0, 5, ..., 25} (4500 starts), keeping the best objective. The best few end points
 * are then polished (same optimiser, purely relative f tolerance ~2e-15, no gradient
 * tolerance), which can only lower the objective. The starts are independent, so they can run
 * in any order or on several threads (./parallel.ts): the end points are ranked by
 * (objective, start index), which makes the result the same for any split.
 * Huber is scipy.special.huber's: r^2 / 2 for |r| <= delta, delta (|r| - delta / 2) beyond.
 *
 * The power law is fitted the same way (LSE(a - alpha log x, e) vs log L, grid of 5 x 5 x 6
 * starts) with the same objective; E fixed to a value holds e = log E (E = 0: e = -inf, so the
 * law is a straight line in log-log, fitted with the same objective as every other form).
 * Above LARGE_N rows the grid runs on an evenly strided subsample and only the best end point
 * is polished on all rows (a million-row fit takes about a second, not minutes). The Chinchilla
 * fit does the same above CHINCHILLA_LARGE_N rows (its 4,500 starts cost ~1.3 ms of CPU per
 * row: 38 s for 20,000 rows on every row); at or below it every row is used, as before.
 *
 * These modules take arrays and returns numbers: no I/O. Invalid input (non-finite values,
 * non-positive values where logs are taken, too few rows) throws FitInputError; rows are
 * 0-based indices into the arrays passed in.
 */

export * from "./result.js";
export * from "./loss.js";
export * from "./check.js";
export * from "./rows.js";
export * from "./multistart.js";
export * from "./chinchilla-objective.js";
export * from "./chinchilla.js";
export * from "./powerlaw-objective.js";
export * from "./powerlaw.js";
export * from "./allocation.js";
export * from "./bootstrap.js";
