/** `skillsim init network`: every key with its default, commented; and the built-in example. */
export const template = `# skillsim config: the network model (a small MLP trained by backpropagation; each task
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
`;

/** The built-in example (`skillsim run --set model=network` without a config). */
export const example = "model: network\n";
