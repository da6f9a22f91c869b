"""NumPy peer for `npm run bench -- geometry`: the Geometry model in the scaling-law setting.

The same algorithm as skillsim's Geometry model in that setting, written the way a careful
NumPy user would write it, so the benchmark compares like with like:
  - n skills with unit-length Gaussian directions t_i (rows of T), frequencies p_i ~ i^-a;
  - ce loss: level s_i = sigmoid(t_i . x), skill loss -log s_i;
  - each step draws a batch of B skills from p (as multinomial counts) and uses the batch
    gradient g = -(1/B) sum_b (1 - s_b) t_b, touching only the skills that were drawn;
  - adam (0.9, 0.999, 1e-8, bias-corrected) or sign descent (g / (|g| + 1e-8)).

usage: python3 geometry_numpy.py N STEPS [n_skills] [zipf] [batch] [optimizer] [lr] [seed]
prints: microseconds per step (wall clock) and the final loss sum_i p_i log(1 + e^-z_i).
"""
import sys
import time

import numpy as np


def simulate(N, steps, n=1000, zipf=1.0, batch=1024, optimizer="adam", lr=0.01, seed=0):
    rng = np.random.default_rng(seed)
    p = np.arange(1, n + 1, dtype=float) ** -zipf
    p /= p.sum()
    T = rng.standard_normal((n, N))
    T /= np.linalg.norm(T, axis=1, keepdims=True)

    x = np.zeros(N)  # parameters
    m = np.zeros(N)  # adam's first moment
    v = np.zeros(N)  # adam's second moment
    beta1, beta2, eps = 0.9, 0.999, 1e-8

    for t in range(1, steps + 1):
        counts = rng.multinomial(batch, p)
        drawn = np.nonzero(counts)[0]  # only these skills enter this step's gradient
        s = 1.0 / (1.0 + np.exp(-(T[drawn] @ x)))
        g = -(counts[drawn] * (1.0 - s)) @ T[drawn] / batch
        if optimizer == "adam":
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            x -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
        else:  # sign descent
            x -= lr * g / (np.abs(g) + eps)

    z = T @ x
    return float(p @ np.logaddexp(0.0, -z))


def main(argv):
    N, steps = int(argv[0]), int(argv[1])
    n = int(argv[2]) if len(argv) > 2 else 1000
    zipf = float(argv[3]) if len(argv) > 3 else 1.0
    batch = int(argv[4]) if len(argv) > 4 else 1024
    optimizer = argv[5] if len(argv) > 5 else "adam"
    lr = float(argv[6]) if len(argv) > 6 else 0.01
    seed = int(argv[7]) if len(argv) > 7 else 0
    start = time.time()
    loss = simulate(N, steps, n, zipf, batch, optimizer, lr, seed)
    elapsed = time.time() - start
    print(f"numpy N={N} steps={steps} us/step={elapsed / steps * 1e6:.1f} final_loss={loss:.5f}")


if __name__ == "__main__":
    main(sys.argv[1:])
