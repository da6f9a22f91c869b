/**
 * `skillsim init MODEL`: a commented example config per model, listing every key with its
 * default. These texts are the documentation of the config format (tested to load).
 */
import type { ModelName } from "./schema.js";

const COMMON = `seed: 0               # random seed (geometry draws; sweeps derive per-run seeds from it)
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

const FREQ = `  count: 10                 # n, number of skills
  frequencies: {zipf: 2}    # {zipf: a} | {exponential: r} | an explicit list [0.3, 1, 3] (used as given)`;

export const TEMPLATES: Record<ModelName, string> = {
  resource: `# skillsim config: the Resource model (skills compete for a shared learning resource).
# The paper's minimal example; \`skillsim run this.yaml\` prints each skill's onset timeline.
model: resource
# title: my experiment  # optional, shown in reports and figures
skills:
${FREQ}
  correlation: identity     # identity | an n x n symmetric matrix C (r = C c / (sum c + N0)) |
  #   {from: geometry, params: 10, vectors: random, seed: 7}: C = T T^T of the skill vectors that
  #   a geometry config with that seed, vectors and params draws (export them: run --vectors FILE)
  dependencies: []          # compositional skills, numbered from 1, e.g.
  #  - {skill: 2, requires: [1], gate: and, sharpness: 1.0e-3}   # gate: and | or; g = 1 - u^sharpness
  # switches:               # state-dependent frequencies: skill 3 uses 0.08 while its level >= 0.5
  #  - {skill: 3, at_level: 0.5, frequency: 0.08}   # (judged on the state before each update)
N0: 0.003             # wasted resource (0: strictly serial; large: independent, parallel)
loss: mse             # mse (u <- u - eta_eff r) | ce (z <- z + eta_eff r, s = sigmoid z)
integrator: map       # map (one update per step, the reference) | rk45 (adaptive ODE)
# clip: true          # map, mse: u <- max(0, u - ...); false never clips (u < 0 and levels > 1 possible)
# rtol: 1.0e-8        # rk45 only: relative tolerance (refused with the map, which has none)
# atol: 1.0e-12       # rk45 only: absolute tolerance
${COMMON}
`,
  domino: `# skillsim config: the Domino model (skills learned strictly one after another).
# Each skill takes t0 = 1 / eta_eff = 1 / (2 lr sqrt(params)) steps, most frequent first.
model: domino
skills:
${FREQ}
variant: serial       # serial | parallel (s_i = 1 - exp(-p_i t / tau))
# tau: 52.7           # parallel time scale; default t0
modules: 1            # k: split params into k modules, deal skills out by rank; reports the speed-up
${COMMON}
`,
  geometry: `# skillsim config: the Geometry model (skills are directions in parameter space,
# learned by a stochastic optimiser on a linear model). The authors' minimal example.
model: geometry
skills:
${FREQ}
  vectors: orthogonal       # orthogonal (count <= params) | random (unit Gaussian) | modular (basis) |
  #   gaussian (Gaussian / sqrt(params), not normalised) | rows [[1, 0], [0, 1]] | {file: vectors.csv}
  #   (explicit rows: one per skill, params entries each, any length; a file path is relative to this file)
# init: [0, 0]        # theta(0): a list of params numbers or {file: theta.csv}; default all 0
loss: mse             # mse (s = z) | ce (s = sigmoid z, initial loss ln 2)
batch: full           # full (expected gradient) | B (skills drawn per step from p)
noise: 0              # sigma of Gaussian noise added to g, the gradient of (1/2)(1 - s)^2 (mse);
                      # the authors' Fig 7 adds it to the gradient of (1 - s)^2: their sigma = 2 x this
optimizer: signgd     # sgd | momentum | signgd | adam | rmsprop | lion | ademamix | natural, or with settings:
# optimizer: {name: adam, beta1: 0.9, beta2: 0.999, eps: 1.0e-8}
# optimizer: {name: adam, power: 0.75}   # divide by v^power (0.5: adam; 0: momentum sgd; 1: v itself)
# optimizer: {name: natural, damping: 1.0e-4}   # exact natural gradient: (Fisher + damping I)^-1 g
#   momentum: beta 0.9 · signgd: eps 1e-8 · rmsprop: alpha 0.99, eps 1e-8 · lion: beta1 0.9, beta2 0.99
#   ademamix: beta1 0.9, beta2 0.999, beta3 0.9999, alpha 2, eps 1e-8, alpha_warmup/beta3_warmup (steps; off)
diagnostics: false    # true: aligned dimensions per skill and |dtheta| at recorded steps;
                      # average: their means over each recorded interval (every step counts)
${COMMON}
`,
  network: `# skillsim config: the network model (a small MLP trained by backpropagation; each task
# is a skill). The paper's Fig 2 setting: two sparse-parity tasks, the second counting on 5% of
# the samples. \`skillsim run this.yaml\` prints when each task's training accuracy first
# exceeds 0.6, 0.75 and 0.9 (docs/network.md has the exact definitions).
model: network
task:
  kind: sparse-parity       # sparse-parity | multitask-parity | modular-addition | squares
  bits: 32                  # random input bits (parity tasks)
  samples: 10000            # data set size (modular-addition uses all modulus^2 pairs)
  train_fraction: 1.0       # the rest is held out
  subtasks: [[1, 2], [3, 4]]   # sparse-parity: one output per subtask, the XOR of these bits (from 1)
  # k: 3                    # multitask-parity: bits per task;  control: one-hot control bits (default: one per task)
  # modulus: 59             # modular-addition: (a + b) mod modulus
skills:
  frequencies: [1, 0.05]    # sparse-parity: share of samples whose loss counts per task (mask redrawn every step)
                            # multitask-parity, squares: task distribution ({zipf: a} | list); count: number of tasks
network:
  hidden: [50]              # hidden widths (defaults per kind: [50], [200], [100, 100], [100, 100])
  activation: relu          # relu | silu
  modules: 1                # k block-diagonal sub-networks (k must divide every layer's width)
  # embedding: 128          # modular-addition: embedding size per operand (input width 2d)
loss: mse                   # mse | ce (defaults: mse for sparse-parity and squares, ce otherwise)
batch: full                 # full | B training samples per update (drawn with replacement)
optimizer: adam             # sgd | momentum | signgd | adam | rmsprop | lion | adamw, or with settings:
# optimizer: {name: adamw, beta1: 0.9, beta2: 0.999, eps: 1.0e-8, weight_decay: 0.01}
lr: 1.0e-3
steps: 1000
seed: 0                     # data, initialisation, masks and batches all come from this seed
record:
  points: 200
  spacing: log
timeline:                   # accuracies start near chance (0.5), so read them on level:
  on: level                 #   level (the accuracy itself, the paper's "> 0.9") | progress
  onset: 0.6
  half: 0.75
  learned: 0.9
`,
};
