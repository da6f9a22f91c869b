/**
 * The parts every model's `init` template shares (each model's own template is in
 * src/models/NAME/template.ts). These texts are the documentation of the config format
 * (tested to load).
 */

export const COMMON = `seed: 0               # random seed (geometry draws; sweeps derive per-run seeds from it)
params: 1000          # N, number of model parameters
lr: 3.0e-4            # eta, learning rate
# rate: 0.0189737     # eta_eff directly; overrides 2 * lr * sqrt(params)
steps: 1000           # number of updates (or the time horizon for the ODE)
record:               # which times to keep in the trace: \`every\` or
  points: 200         #   at most this many points (bounded memory for long runs)
  spacing: log        #   log | linear (always includes t = 0 and the last step)
timeline:             # thresholds reported per skill
  onset: 0.1          #   first time progress > 0.1
  half: 0.5
  learned: 0.9
  on: progress        #   progress (s - s0) / (1 - s0) | level (the level s itself)`;

export const FREQ = `  count: 10                 # n, number of skills
  frequencies: {zipf: 2}    # {zipf: a} | {exponential: r} | an explicit list [0.3, 1, 3] (used as given)`;
