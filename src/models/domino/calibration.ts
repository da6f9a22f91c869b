/**
 * How `calibrate` fits the Domino model: the serial variant's t0 = 1/eta_eff, or the parallel
 * variant's tau, searched in log space against the closed form (src/calibrate/).
 */
import type { Calibration } from "../spec.js";
import { effectiveRate } from "../skills.js";
import { dominoLevelsAt } from "./model.js";
import type { DominoConfig } from "./schema.js";

export const dominoCalibration: Calibration<DominoConfig> = {
  title: "Domino",
  levelsAt(c, times, out) {
    dominoLevelsAt(c, times, out);
    return true;
  },
  fittable: (c) => (c.variant === "parallel" ? ["tau"] : ["t0"]),
  fitHint: (c, name) =>
    name === "t0" && c.variant === "parallel" ? " (the parallel variant's levels depend on tau only)"
      : name === "tau" ? " (tau belongs to the parallel variant: --set variant=parallel)" : "",
  variant: (c) => c.variant,
  form: (c) => c.variant,
  defaultFit: (c, keys, rate) => (c.variant === "parallel" ? (keys.includes("tau") ? [] : ["tau"]) : rate.set ? [] : ["t0"]),
  needsRate: false,
  parameters: {
    t0: {
      range: (_c, { rate0, rateHow, fmt }) => ({ lo: 0.1 / rate0, hi: 10 / rate0, min: 1e-6 / rate0, max: 1e6 / rate0, start: `x/÷10 around ${fmt(1 / rate0)} = 1/rate, ${rateHow}` }),
      set: (c, v) => { c.rate = 1 / v; },
      fixedBy: ["rate", "lr", "params"],
    },
    tau: {
      // the time constant of the most frequent skill's exponential
      range(c, { rate0, fmt }) {
        const tau0 = c.tau ?? 1 / rate0;
        return { lo: tau0 / 10, hi: tau0 * 10, min: tau0 / 1e6, max: tau0 * 1e6, start: `x/÷10 around ${fmt(tau0)}` };
      },
      set: (c, v) => { c.tau = v; },
      fixedBy: ["tau"],
    },
  },
  fixed(c, fitted) {
    const out: Record<string, unknown> = {};
    out.variant = c.variant;
    if (!fitted.includes("t0") && c.variant === "serial") out.t0 = 1 / effectiveRate(c);
    if (!fitted.includes("tau") && c.variant === "parallel") out.tau = c.tau ?? 1 / effectiveRate(c);
    if (c.modules > 1) out.modules = c.modules;
    return out;
  },
  timeAlignment: () => "observed t = updates applied; compared with the Domino closed form at t",
};
