/**
 * Each optimizer's default hyper-parameters: plain values, apart from ./schema.ts (which
 * re-exports them) so that the optimizers on worker threads do not load zod.
 */
import type { OptimizerConfig, OptimizerName } from "./schema.js";

/** Default hyper-parameters: the spec's (adam 0.9/0.999/1e-8, momentum 0.9, signgd eps 1e-8),
 * PyTorch's for rmsprop (alpha 0.99, eps 1e-8), Chen et al. 2023's for lion (0.9, 0.99), and
 * Pagliardini, Ablin & Grangier 2024's for ademamix (0.9/0.999/0.9999, alpha 2, eps 1e-8, no warm-ups). */
export const optimizerDefaults: Record<OptimizerName, Omit<OptimizerConfig, "name">> = {
  sgd: {},
  momentum: { beta: 0.9 },
  signgd: { eps: 1e-8 },
  adam: { beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  rmsprop: { alpha: 0.99, eps: 1e-8 },
  lion: { beta1: 0.9, beta2: 0.99 },
  ademamix: { beta1: 0.9, beta2: 0.999, beta3: 0.9999, alpha: 2, eps: 1e-8 },
  adamw: { beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01 }, // torch.optim.AdamW's defaults
  natural: { damping: 1e-4 }, // exact natural gradient (Geometry): small against the rarest usual p_i
};
