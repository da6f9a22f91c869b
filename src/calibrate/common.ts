/** What every part of calibration shares: its input error, the model's calibration spec, number display. */
import { InputError } from "../errors.js";
import { modelSpec } from "../models/index.js";
import type { Calibration } from "../models/spec.js";

/** Bad input for calibration: the CLI prints the message as one line and exits 2. */
export class CalibrateError extends InputError {}

/** A model calibrate can fit: one whose spec has a `calibration` (src/models/spec.ts). */
export type ToyModel = string;

/** How calibrate fits `model` (a model in calibratedModels). */
export function calibrationOf(model: string): Calibration {
  return modelSpec(model).calibration!;
}


/** 4 significant digits, shortest form (levels, ranges, factors in messages). */
export function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
}
