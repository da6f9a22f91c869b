/** `skillsim init resource`: every key with its default, commented; and the built-in example. */
import { COMMON, FREQ } from "../../config/templates.js";

export const template = `# skillsim config: the Resource model (skills compete for a shared learning resource).
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
`;

/** The built-in example (`skillsim run --set model=resource` without a config). */
export const example = `# The paper's minimal Resource-model example (docs/models.md: reference numbers).
model: resource
skills:
  count: 10
  frequencies: {zipf: 2}
lr: 3.0e-4
params: 1000
N0: 0.003
steps: 1000
`;
