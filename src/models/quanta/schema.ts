/** The quantization model's config: its keys and defaults (the shared ones are in src/config/schema.ts). */
import { z } from "zod";
import { common, nonNegNum, posInt, posNum, timelineDefaults, timelineFields } from "../../config/schema.js";

export const quantaSchema = z.strictObject({
  model: z.literal("quanta"),
  title: common.title,
  seed: common.seed, // nothing is drawn (closed form); kept so that sweeps over seeds run
  params: posInt.default(1000), // N
  steps: posNum.default(1000), // S, updates of `batch` samples each
  record: common.record,
  sweep: common.sweep,
  skills: z
    .strictObject({
      count: posInt.default(10), // the most frequent quanta, reported one by one as skills
      frequencies: z.strictObject({ zipf: nonNegNum }).default({ zipf: 1.5 }), // p_k ∝ k^-zipf, zipf = alpha + 1
    })
    .default({ count: 10, frequencies: { zipf: 1.5 } }),
  quanta: posInt.max(1e9).default(1_000_000), // n_q, every quantum there is (the loss sums over all)
  params_per_quantum: posNum.default(1), // C: N parameters learn floor(N / C) quanta
  tau: posNum.default(1), // a quantum is learned once it has been seen tau times
  batch: posInt.default(1), // B: samples per step, so D = S B
  learned_loss: z.number().finite().default(0), // a
  unlearned_loss: z.number().finite().default(1), // b (ln 2 for a ce reading)
  timeline: z.strictObject(timelineFields).default(timelineDefaults),
});

export type QuantaConfig = z.infer<typeof quantaSchema>;
