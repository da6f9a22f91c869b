/** `skillsim init quanta`: every key with its default, commented; and the built-in example. */

export const template = `# skillsim config: the quantization model of neural scaling (Michaud, Liu, Girit, Tegmark 2023).
# Quanta k = 1..n_q are used with frequencies p_k = k^-(alpha+1) / Z. N parameters learn the
# floor(N / C) most frequent; with D = steps x batch samples, quantum k is learned once
# D p_k >= tau. Loss L = sum_k p_k (a if learned else b): L(N) ~ N^-alpha, L(D) ~ D^-alpha/(alpha+1).
model: quanta
# title: my experiment      # optional, shown in reports and figures
skills:
  count: 10                 # the most frequent quanta, reported one by one (timelines) as skills
  frequencies: {zipf: 1.5}  # p_k ∝ k^-zipf: zipf = alpha + 1 (alpha 0.5)
quanta: 1000000             # n_q, every quantum there is; the loss sums over all of them
params: 1000                # N, number of model parameters
params_per_quantum: 1       # C: N parameters learn the floor(N / C) most frequent quanta
tau: 1                      # a quantum is learned once it has been seen tau times
batch: 1                    # B, samples per step: after S steps D = S B samples were seen
learned_loss: 0             # a, the loss of a learned quantum
unlearned_loss: 1           # b, the loss of an unlearned one (ln 2 for a ce reading)
steps: 1000                 # S; quantum k is learned at step ceil(tau / (B p_k)) if N allows it
seed: 0                     # nothing is drawn (closed form); sweeps may still vary it
record:                     # which times to keep in the trace: \`every\` or
  points: 200               #   at most this many points
  spacing: log              #   log | linear
timeline:                   # a quantum's level jumps from 0 to 1 when it is learned, so its
  onset: 0.1                #   onset, half and learned times are the same step
  half: 0.5
  learned: 0.9
  on: progress
`;

/** The built-in example (`skillsim run --set model=quanta` without a config). */
export const example = `# The quantization model: alpha 0.5 (zipf 1.5), 10^6 quanta, N = 1000, one sample per step.
model: quanta
skills:
  count: 10
  frequencies: {zipf: 1.5}
quanta: 1000000
params: 1000
steps: 1000
`;
