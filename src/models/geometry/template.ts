/** `skillsim init geometry`: every key with its default, commented; and the built-in example. */
import { COMMON, FREQ } from "../../config/templates.js";

export const template = `# skillsim config: the Geometry model (skills are directions in parameter space,
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
`;

/** The built-in example (`skillsim run --set model=geometry` without a config). */
export const example = `# The authors' minimal Geometry example: SignGD on the full-batch mse gradient.
model: geometry
skills:
  count: 10
  frequencies: {zipf: 2}
  vectors: orthogonal
params: 1000
loss: mse
batch: full
optimizer: signgd
lr: 3.0e-4
steps: 1000
`;
