"""
The authors' two-skill Geometry loop (KindXiaoming/physics_of_skill_learning,
scripts/Fig4_geometry_2task.ipynb) in NumPy, float32 like their torch tensors: orthonormal
task vectors (first rows of an SVD of a Gaussian dim x dim matrix), batch 128 drawn from p,
g = -mean_b t_b (1 - s_b), and torch's SGD / Adam / Adam(betas=(0, 0)) (= SignGD) updates.
Torch's random streams cannot be reproduced here, so each seed is a different draw; the point
is the spread of learned_2 / learned_1 (first step with level > 0.9) under their arithmetic.
Usage: python3 scripts/paper/authors_geometry.py [SEEDS]
"""
import sys
import numpy as np

f32 = np.float32


def run(optim, p1, seed, dim=1000, steps=3000, batch=128):
    rng = np.random.default_rng(seed)
    u, _, _ = np.linalg.svd(rng.standard_normal((dim, dim)).astype(f32))
    T = u[:2].astype(f32)  # torch.svd's u: its first rows, as the notebook takes them
    prob = np.array([p1, 1 - p1])
    x = np.zeros(dim, f32)
    m = np.zeros(dim, f32)
    v = np.zeros(dim, f32)
    lr = f32(3e-2 if optim == "sgd" else 3e-4)
    b1, b2 = (0.0, 0.0) if optim == "signgd" else (0.9, 0.999)
    learned = [None, None]
    for i in range(steps):
        s = T @ x
        for k in range(2):
            if learned[k] is None and s[k] > 0.9:
                learned[k] = i  # the level after i updates
        ids = rng.choice(2, batch, p=prob)
        counts = np.bincount(ids, minlength=2).astype(f32)
        neg = (counts[:, None] * T * (1 - s)[:, None]).sum(0) / f32(batch)
        g = -neg
        if optim == "sgd":
            x = x - lr * g
        else:
            t = i + 1
            m = f32(b1) * m + f32(1 - b1) * g
            v = f32(b2) * v + f32(1 - b2) * g * g
            bc1 = f32(1 - b1**t)
            bc2 = f32(1 - b2**t)
            x = x - lr * (m / bc1) / (np.sqrt(v) / np.sqrt(bc2) + f32(1e-8))
    return learned


seeds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
for optim in ("sgd", "signgd", "adam"):
    for p1 in (0.5, 0.9, 0.95):
        rows = [run(optim, p1, s) for s in range(seeds)]
        ratios = [round(b / a, 2) if a and b else None for a, b in rows]
        print(f"{optim} p1={p1}: learned {rows} ratio {ratios}")
