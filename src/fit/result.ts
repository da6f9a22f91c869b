/** What a scaling-law fit returns, and its input error (see ./index.ts for the method). */

import { InputError } from "../errors.js";
import type { Loss } from "./loss.js";

export interface ChinchillaParams { E: number; A: number; B: number; alpha: number; beta: number }
export interface PowerLawParams { E: number; A: number; alpha: number }

export interface FitResult<P> {
  form: "chinchilla" | "powerlaw";
  /** Number of data points. */
  n: number;
  params: P;
  /** The objective minimised. */
  loss: Loss;
  /** The summed loss at the optimum (in log space). */
  objective: number;
  /** RMS of (log prediction - log L) over the data. */
  rmse_log: number;
  /** Optimiser starts. */
  starts: number;
  /** Objective + gradient evaluations, all starts and the polish included. */
  evaluations: number;
  /** The optimum in the fitted coordinates: [a, b, e, alpha, beta] or [a, alpha(, e)]. */
  theta: Float64Array;
  /** Percentile intervals, when a bootstrap was run (see bootstrap*). */
  intervals?: Record<keyof P & string, [number, number]>;
}

/** Bad input to a fit: the CLI maps this to exit code 2. */
export class FitInputError extends InputError {
  /** Offending column (e.g. "N") and 0-based row, when the problem is one value. */
  readonly column?: string;
  readonly row?: number;
  constructor(message: string, column?: string, row?: number) {
    super(message);
    this.column = column;
    this.row = row;
  }
}
