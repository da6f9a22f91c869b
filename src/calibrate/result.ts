/** What a calibration returns (its JSON and text are ./report.ts). */
import type { Config } from "../config/schema.js";
import type { ToyModel } from "./common.js";

export interface CalibrationResult {
  model: ToyModel;
  params: Record<string, number>;
  fixed: Record<string, unknown>;
  rmse: number;
  n_points: number;
  /** Per skill (1-based index), over every run. */
  skills: { index: number; rmse: number; points: number }[];
  worst_skill: { index: number; rmse: number };
  intervals: Record<string, [number, number]> | null;
  bootstrap: { K: number; unit: "skills" | "seeds"; level: number; seed: number; failed: number } | null;
  config: Config;
  compare: string;
  time_alignment: string;
  search: {
    grid: { name: string; lo: number; hi: number; points: number; centre: string }[];
    evaluations: number;
    at_bound: string[];
    /** Why the data do not pin the parameters down (null: they do). */
    not_identified: string | null;
    tolerance: string;
  };
  notes: string[];
}

