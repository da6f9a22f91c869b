"""
The authors' Fig 15 loop (KindXiaoming/physics_of_skill_learning, scripts/Fig15_optimizer.ipynb)
in NumPy, with their AdEMAMix (scripts/ademamix.py, defaults) and torch's Adam (0.9, 0.95):
ce, 10 gaussian skill vectors randn/sqrt(10) in 10 dimensions, zipf 2, batch 128, lr 0.01,
15,000 steps, no noise; the gradient is autograd's of mean -log sigmoid(z) over the batch.
Torch's random streams cannot be reproduced here, so each seed is a different draw. It prints,
per optimizer, precision and seed, the final loss and the largest |update| / lr over the run:
AdEMAMix divides its slow momentum by a second moment that shrinks with the gradients.
Usage: python3 scripts/paper/authors_fig15.py [SEEDS]   (one JSON line per run)
"""
import json
import sys
import numpy as np


def run(dt, opt, seed, n=10, dim=10, steps=15000, lr=0.01, zipf=2.0, batch=128):
    rng = np.random.default_rng(seed)
    u = (rng.standard_normal((n, dim)) / np.sqrt(dim)).astype(dt)
    p = 1 / (np.arange(n) + 1) ** zipf
    p /= p.sum()
    x = np.zeros(dim, dt)
    m1 = np.zeros(dim, dt)
    m2 = np.zeros(dim, dt)
    v = np.zeros(dim, dt)
    one = dt(1)
    b1, b2, b3, alpha, eps = 0.9, (0.95 if opt == "adam" else 0.999), 0.9999, 2.0, 1e-8
    largest = 0.0
    for t in range(1, steps + 1):
        idx = rng.choice(n, batch, p=p)
        s = one / (one + np.exp(-(u[idx] @ x)))  # torch.sigmoid
        g = (-((one - s)[:, None] * u[idx]).mean(axis=0)).astype(dt)
        m1 = (dt(b1) * m1 + dt(1 - b1) * g).astype(dt)
        v = (dt(b2) * v + dt(1 - b2) * g * g).astype(dt)
        den = (np.sqrt(v) / dt(np.sqrt(1 - b2**t)) + dt(eps)).astype(dt)
        if opt == "adam":
            upd = (m1 / dt(1 - b1**t)) / den
        else:
            m2 = (dt(b3) * m2 + dt(1 - b3) * g).astype(dt)
            upd = (m1 / dt(1 - b1**t) + dt(alpha) * m2) / den
        largest = max(largest, float(np.abs(upd).max()))
        x = (x - dt(lr) * upd).astype(dt)
    loss = float(np.sum(np.logaddexp(0, -(u @ x).astype(np.float64)) * p))  # ce of the final x, exactly
    return loss, largest


if __name__ == "__main__":
    seeds = [int(s) for s in sys.argv[1].split(",")] if len(sys.argv) > 1 else [0, 1, 2, 3]
    for opt in ["adam", "ademamix"]:
        for dt in [np.float32, np.float64]:
            for seed in seeds:
                loss, largest = run(dt, opt, seed)
                print(json.dumps({"optimizer": opt, "precision": dt.__name__, "seed": seed, "final_loss": loss, "largest_update_over_lr": largest}), flush=True)
