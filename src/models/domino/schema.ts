/** The Domino model's config: its keys and defaults (the shared ones are in src/config/schema.ts). */
import { z } from "zod";
import { common, frequenciesSchema, posInt, posNum, timelineDefaults, timelineFields, type Resolved } from "../../config/schema.js";

export const dominoSchema = z.strictObject({
  model: z.literal("domino"),
  ...common,
  skills: z
    .strictObject({
      count: posInt.optional(),
      frequencies: frequenciesSchema.default({ zipf: 2 }),
    })
    .default({ frequencies: { zipf: 2 } }),
  variant: z.enum(["serial", "parallel"]).default("serial"),
  tau: posNum.optional(), // parallel time scale; default t0 = 1/eta_eff
  modules: posInt.default(1), // k
  timeline: z.strictObject(timelineFields).default(timelineDefaults),
});
export type DominoConfig = Resolved<z.infer<typeof dominoSchema>>;
