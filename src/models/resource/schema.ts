/** The Resource model's config: its keys and defaults (the shared ones are in src/config/schema.ts). */
import { z } from "zod";
import { common, frequenciesSchema, nonNegInt, nonNegNum, posInt, timelineDefaults, timelineFields, type Resolved } from "../../config/schema.js";
import { vectorKinds } from "../geometry/schema.js";

/** The rk45 integrator's default tolerances (the map has none). */
export const rk45Defaults = { rtol: 1e-8, atol: 1e-12 } as const;

const dependencySchema = z.strictObject({
  skill: posInt,
  requires: z.array(posInt).min(1),
  gate: z.enum(["and", "or"]).default("and"),
  sharpness: z.number().positive().max(1).default(1e-3), // exponent a in 1 - u^a
});

/** C = T T^T from the skill vectors a Geometry config with these settings draws. */
const correlationFromGeometrySchema = z.strictObject({
  from: z.literal("geometry"),
  params: posInt, // N of the Geometry config
  vectors: z.enum(vectorKinds).default("random"),
  seed: nonNegInt.max(Number.MAX_SAFE_INTEGER).default(0),
});

/** State-dependent frequency: skill `skill` uses `frequency` once its level is >= at_level. */
const switchSchema = z.strictObject({
  skill: posInt,
  at_level: z.number().finite(),
  frequency: nonNegNum,
});
export const resourceSchema = z.strictObject({
  model: z.literal("resource"),
  ...common,
  skills: z
    .strictObject({
      count: posInt.optional(),
      frequencies: frequenciesSchema.default({ zipf: 2 }),
      correlation: z.union([z.literal("identity"), z.array(z.array(z.number().finite())), correlationFromGeometrySchema]).default("identity"),
      dependencies: z.array(dependencySchema).default([]),
      switches: z.array(switchSchema).optional(), // state-dependent frequencies (none when absent)
    })
    .default({ frequencies: { zipf: 2 }, correlation: "identity", dependencies: [] }),
  N0: nonNegNum.default(0.003), // wasted resource
  // map/mse: u <- max(0, u - ...) (absent = true); false never clips u (the authors' Fig 8 top).
  // Optional rather than defaulted so that configs without it keep their config hash.
  clip: z.boolean().optional(),
  loss: z.enum(["mse", "ce"]).default("mse"),
  integrator: z.enum(["map", "rk45"]).default("map"),
  rtol: z.number().positive().max(0.1).default(rk45Defaults.rtol),
  atol: z.number().positive().max(0.1).default(rk45Defaults.atol),
  timeline: z.strictObject(timelineFields).default(timelineDefaults),
});
export type ResourceConfig = Resolved<z.infer<typeof resourceSchema>>;
export type Dependency = z.infer<typeof dependencySchema>;
export type CorrelationFromGeometry = z.infer<typeof correlationFromGeometrySchema>;
export type FrequencySwitch = z.infer<typeof switchSchema>;
