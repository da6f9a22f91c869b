/** What a fit is asked (FitPlan, from the command line) and what it gives (FitOutcome, to the reporters). */
import type { ChinchillaParams, ComputeOptimal, FitResult, Loss, PowerLawParams } from "./index.js";
import type { FitWarning } from "./diagnostics.js";
import type { WhereClause } from "./select.js";

export type AnyParams = ChinchillaParams | PowerLawParams;

export interface BootstrapSpec { K: number; seed: number; level: number; by: "row" | "run" }

/** How well the law predicts the held-out rows (--holdout). */
export interface HoldoutReport {
  n: number;
  /** RMS of log prediction - log y over the held-out rows (null when none). */
  rmse_log: number | null;
  /** Largest |prediction - y| / y (null when none). */
  max_abs_rel_error: number | null;
  rows: { at: string; x: Record<string, number>; y: number; predicted: number; rel_error: number }[];
  /** The --holdout expressions. */
  where: string[];
}

/** A --predict point: the law there, and bootstrap intervals when a bootstrap ran. */
export interface Prediction {
  x: Record<string, number>;
  predicted: number;
  /** Interval of the mean law at x (parameter uncertainty only). */
  confidence: [number, number] | null;
  /** Interval for one new run at x: parameter uncertainty plus the residual scatter of the data. */
  prediction: [number, number] | null;
}

/** One finished fit with what it was fitted on. */
export interface FitOutcome {
  fit: FitResult<AnyParams>;
  /** Column names: [x] for a power law, [N, D] for Chinchilla. */
  x: string[];
  y: string;
  /** The data fitted: one array per x column, and y. */
  xs: Float64Array[];
  ys: Float64Array;
  bootstrap: BootstrapSpec | null;
  allocation: (ComputeOptimal & { flopsPerParamToken: number }) | null;
  /** The E held fixed (power law --fix-E), or null. */
  fixE?: number | null;
  holdout?: HoldoutReport | null;
  predictions?: Prediction[] | null;
  warnings?: FitWarning[];
}

export interface GroupOutcome extends FitOutcome {
  /** The --by column's value for this group. */
  value: number | string;
}

/** One fit to do: the law, its columns and objective, and what to report beside the parameters. */
export interface FitPlan {
  form: "powerlaw" | "chinchilla";
  x: string[];
  y: string;
  fixE: number | null;
  loss: Loss;
  bootstrap: BootstrapSpec | null;
  predict: number[][] | null;
  compute: number[] | null;
  flops: number;
  holdout: WhereClause[];
}
