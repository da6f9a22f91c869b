/** The Geometry model's config: its keys and defaults (the shared ones are in src/config/schema.ts). */
import { z } from "zod";
import { common, fileRefSchema, frequenciesSchema, nonNegNum, optimizerSchema, posInt, rowsSchema, timelineDefaults, timelineFields, type OptimizerConfig, type Resolved } from "../../config/schema.js";

/** Skill vector kinds the Geometry model can draw (see models/geometry/vectors.ts). */
export const vectorKinds = ["orthogonal", "random", "modular", "gaussian"] as const;
export type VectorKind = (typeof vectorKinds)[number];
export const geometrySchema = z.strictObject({
  model: z.literal("geometry"),
  ...common,
  skills: z
    .strictObject({
      count: posInt.optional(),
      frequencies: frequenciesSchema.default({ zipf: 2 }),
      // a kind, explicit rows [[...], ...] (one per skill, params entries each), or {file: vectors.csv}
      vectors: z.union([z.enum(vectorKinds), rowsSchema, fileRefSchema]).default("orthogonal"),
    })
    .default({ frequencies: { zipf: 2 }, vectors: "orthogonal" }),
  init: z.union([z.array(z.number().finite()).min(1), fileRefSchema]).optional(), // theta(0); default 0
  loss: z.enum(["mse", "ce"]).default("mse"),
  batch: z.union([z.literal("full"), posInt]).default("full"),
  noise: nonNegNum.default(0), // sigma of Gaussian gradient noise
  optimizer: optimizerSchema.default("signgd"),
  // true: aligned dimensions per skill and |dtheta| at each recorded step; average: their
  // means over the steps of each recorded interval (every step counts, without record: every)
  diagnostics: z.union([z.boolean(), z.literal("average")]).default(false),
  timeline: z.strictObject(timelineFields).default(timelineDefaults), // always exact (first step past each threshold)
  // float32: vectors, overlaps and gradient in float32 (./float32.ts); absent: float64
  precision: z.enum(["float64", "float32"]).optional(),
});
type GeometryParsed = Resolved<z.infer<typeof geometrySchema>>;
/** After loading, `{file: ...}` references are replaced by the numbers read from the file. */
export type GeometryConfig = Omit<GeometryParsed, "optimizer" | "skills" | "init"> & {
  skills: Omit<GeometryParsed["skills"], "vectors"> & { vectors: VectorKind | number[][] };
  init?: number[];
  optimizer: OptimizerConfig;
};
