/** `skillsim init domino`: every key with its default, commented; and the built-in example. */
import { COMMON, FREQ } from "../../config/templates.js";

export const template = `# skillsim config: the Domino model (skills learned strictly one after another).
# Each skill takes t0 = 1 / eta_eff = 1 / (2 lr sqrt(params)) steps, most frequent first.
model: domino
skills:
${FREQ}
variant: serial       # serial | parallel (s_i = 1 - exp(-p_i t / tau))
# tau: 52.7           # parallel time scale; default t0
modules: 1            # k: split params into k modules, deal skills out by rank; reports the speed-up
${COMMON}
`;

/** The built-in example (`skillsim run --set model=domino` without a config). */
export const example = `# The paper's minimal Domino example: eta = 3e-4, N = 1000 (t0 = 1 / (2 eta sqrt(N)) steps per skill).
model: domino
skills:
  count: 10
  frequencies: {zipf: 2}
lr: 3.0e-4
params: 1000
steps: 1000
`;
