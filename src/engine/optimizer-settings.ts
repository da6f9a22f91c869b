/**
 * The optimizers' names, their fully-resolved settings and each one's default hyper-parameters:
 * plain values without zod, so that the optimizers (run on worker threads) need no schema.
 * The config schema (src/config/schema.ts) builds on these; src/engine/optimizers.ts implements them.
 */
export const optimizerNames = ["sgd", "momentum", "signgd", "adam", "rmsprop", "lion", "ademamix", "adamw", "natural"] as const;
export type OptimizerName = (typeof optimizerNames)[number];

/** Fully-resolved optimizer settings. */
export interface OptimizerConfig {
  name: OptimizerName;
  beta?: number;
  beta1?: number;
  beta2?: number;
  beta3?: number;
  alpha?: number;
  alpha_warmup?: number;
  beta3_warmup?: number;
  eps?: number;
  weight_decay?: number;
  power?: number;
  damping?: number;
}

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
