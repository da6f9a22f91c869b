/**
 * How `calibrate` fits the Resource model: N0 and the rate eta_eff, searched in log space; the
 * levels come from the map (state after t updates) or the ODE's dense output (src/calibrate/).
 */
import type { Calibration } from "../spec.js";
import { effectiveRate } from "../skills.js";
import { resourceLevelsAt } from "./model.js";
import type { ResourceConfig } from "./schema.js";

export const resourceCalibration: Calibration<ResourceConfig> = {
  title: "Resource",
  levelsAt: resourceLevelsAt,
  fittable: () => ["N0", "rate"],
  variant: () => "",
  form: (c) => `${c.integrator}${c.loss === "ce" ? ", ce" : ""}`,
  defaultFit(_c, keys, rate) {
    const names = keys.includes("N0") ? [] : ["N0"];
    if (!rate.observed && !rate.set) names.push("rate");
    return names;
  },
  needsRate: true,
  parameters: {
    N0: {
      range: () => ({ lo: 1e-4, hi: 1e2, min: 1e-12, max: 1e8, start: "1e-4..1e2" }),
      set: (c, v) => { c.N0 = v; },
      fixedBy: ["N0"],
    },
    rate: {
      range: (_c, { rate0, rateHow, fmt }) => ({ lo: rate0 / 10, hi: rate0 * 10, min: rate0 / 1e6, max: rate0 * 1e6, start: `x/÷10 around ${fmt(rate0)}, ${rateHow}` }),
      set: (c, v) => { c.rate = v; },
      fixedBy: ["rate", "lr", "params"],
    },
  },
  fixed(c, fitted) {
    const out: Record<string, unknown> = {};
    if (!fitted.includes("N0")) out.N0 = c.N0;
    if (!fitted.includes("rate")) out.rate = effectiveRate(c);
    out.loss = c.loss;
    out.integrator = c.integrator;
    if (c.skills.correlation !== "identity") out.correlation = c.skills.correlation;
    if (c.skills.dependencies.length) out.dependencies = c.skills.dependencies;
    return out;
  },
  timeAlignment: (c) =>
    c.integrator === "map"
      ? "observed t = updates applied; compared with the map's state after t updates (s(1) is the state after the first), fractional t interpolated between whole steps"
      : "observed t = time; compared with the ODE's dense output at t",
  everyUpdate: (c) => (c.integrator === "map" ? { runner: "the map", instead: "the ODE (--set integrator=rk45, adaptive steps)" } : null),
};
