"""NumPy peer of skillsim's `network` model (bench/network.ts runs it side by side).

The same work per step as skillsim: a forward pass over the training set, the per-task
training accuracy read from it, the loss and its gradient, backpropagation, and Adam/AdamW;
float64 throughout, single-threaded BLAS (the thread limits are set before numpy loads).

  python3 network_numpy.py parity  [steps] [seed]   # Fig 2: 32-50-2 ReLU, 10,000 samples,
                                                     # p = [1, 0.05], masked mse, Adam 1e-3
  python3 network_numpy.py parity-lean [steps] [seed]  # the same, lean: the mask drawn for the
                                                     # rare task only, products in place
  python3 network_numpy.py modular [steps] [seed]   # Fig 13: (a+b) mod 59, embedding 128,
                                                     # 256-100-100-59 SiLU, ce, AdamW 0.01/0.03,
                                                     # the embedding layer factorised as skillsim
Prints us/step (wall-clock of the training loop), cpu_us/step (CPU time of the same loop, what
bench/network.ts and bench/table.ts compare: Python's start-up, NumPy's import and the data
generation are not timed, as skillsim's start-up is not), the final loss and the step at which
each task's accuracy first exceeds 0.9.
"""
import os
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[var] = "1"
import sys
import time
import numpy as np


def linear_init(rng, fan_in, fan_out):
    b = 1 / np.sqrt(fan_in)
    return rng.uniform(-b, b, (fan_in, fan_out)), rng.uniform(-b, b, fan_out)


class Adam:
    def __init__(self, params, lr, b1=0.9, b2=0.999, eps=1e-8, wd=0.0):
        self.p, self.lr, self.b1, self.b2, self.eps, self.wd = params, lr, b1, b2, eps, wd
        self.m = [np.zeros_like(x) for x in params]
        self.v = [np.zeros_like(x) for x in params]
        self.t = 0

    def step(self, grads):
        self.t += 1
        c1, c2 = 1 - self.b1 ** self.t, 1 - self.b2 ** self.t
        for x, g, m, v in zip(self.p, grads, self.m, self.v):
            if self.wd:
                x *= 1 - self.lr * self.wd
            m *= self.b1
            m += (1 - self.b1) * g
            v *= self.b2
            v += (1 - self.b2) * g * g
            x -= self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps)


def parity(steps, seed):
    rng = np.random.default_rng(seed)
    n, bits, hidden = 10000, 32, 50
    X = rng.integers(0, 2, (n, bits)).astype(np.float64)
    Y = np.stack([X[:, 0] != X[:, 1], X[:, 2] != X[:, 3]], axis=1).astype(np.float64)
    p = np.array([1.0, 0.05])
    W1, b1 = linear_init(rng, bits, hidden)
    W2, b2 = linear_init(rng, hidden, 2)
    opt = Adam([W1, b1, W2, b2], 1e-3)
    learned = [None, None]
    t0, c0 = time.perf_counter(), time.process_time()
    for t in range(steps + 1):
        Z1 = X @ W1 + b1
        H1 = np.maximum(Z1, 0)
        O = H1 @ W2 + b2
        acc = ((O > 0.5) == Y).mean(axis=0)
        for j in range(2):
            if learned[j] is None and acc[j] > 0.9:
                learned[j] = t
        E = O - Y
        loss = (p * E * E).mean()
        if t == steps:
            break
        mask = rng.random((n, 2)) < p
        dO = 2 * mask * E / E.size
        dW2 = H1.T @ dO
        db2 = dO.sum(axis=0)
        dH1 = dO @ W2.T
        dZ1 = dH1 * (Z1 > 0)
        dW1 = X.T @ dZ1
        db1 = dZ1.sum(axis=0)
        opt.step([dW1, db1, dW2, db2])
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    return dt / steps, dc / steps, loss, learned


def parity_lean(steps, seed):
    """Fig 2 as a researcher would write it lean: the same work as parity() (forward, per-task
    accuracy, masked mse, backward, Adam), but the mask drawn for the rare task only (task 1 has
    p = 1: it always counts), products written in place where NumPy allows, no Python-level
    per-task loop."""
    rng = np.random.default_rng(seed)
    n, bits, hidden = 10000, 32, 50
    X = rng.integers(0, 2, (n, bits)).astype(np.float64)
    XT = np.ascontiguousarray(X.T)
    Y = np.stack([X[:, 0] != X[:, 1], X[:, 2] != X[:, 3]], axis=1).astype(np.float64)
    p = np.array([1.0, 0.05])
    W1, b1 = linear_init(rng, bits, hidden)
    W2, b2 = linear_init(rng, hidden, 2)
    opt = Adam([W1, b1, W2, b2], 1e-3)
    learned = [None, None]
    Z1 = np.empty((n, hidden))
    H1 = np.empty((n, hidden))
    dZ1 = np.empty((n, hidden))
    scale = 2 / (2 * n)
    t0, c0 = time.perf_counter(), time.process_time()
    for t in range(steps + 1):
        np.matmul(X, W1, out=Z1)
        Z1 += b1
        np.maximum(Z1, 0, out=H1)
        O = H1 @ W2
        O += b2
        acc = ((O > 0.5) == Y).mean(axis=0)
        for j in range(2):
            if learned[j] is None and acc[j] > 0.9:
                learned[j] = t
        E = O - Y
        loss = (p * E * E).mean()
        if t == steps:
            break
        dO = E * scale
        dO[:, 1] *= rng.random(n) < p[1]
        dW2 = H1.T @ dO
        db2 = dO.sum(axis=0)
        np.matmul(dO, W2.T, out=dZ1)
        dZ1 *= Z1 > 0
        dW1 = XT @ dZ1
        db1 = dZ1.sum(axis=0)
        opt.step([dW1, db1, dW2, db2])
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    return dt / steps, dc / steps, loss, learned


def modular(steps, seed):
    """Fig 13. The embedding layer factorised as skillsim computes it: Z1 = Qa[a] + Qb[b] + c1
    with Qa = E Wa, Qb = E Wb (the same function as [E[a], E[b]] W1 + c1), and its backward
    through one-hot matrices (S_a = onehot(a)^T dZ1 by BLAS)."""
    rng = np.random.default_rng(seed)
    m, d, h = 59, 128, 100
    pairs = rng.permutation(m * m)
    ntr = int(0.8 * m * m)
    a, b = pairs // m, pairs % m
    y = (a + b) % m
    E = rng.standard_normal((m, d))
    W1, c1 = linear_init(rng, 2 * d, h)
    W2, c2 = linear_init(rng, h, h)
    W3, c3 = linear_init(rng, h, m)
    params = [E, W1, c1, W2, c2, W3, c3]
    opt = Adam(params, 0.01, wd=0.03)
    learned = [None, None]
    atr, btr, ytr = a[:ntr], b[:ntr], y[:ntr]
    ate, bte, yte = a[ntr:], b[ntr:], y[ntr:]
    eye = np.eye(m)
    Oa, Ob = eye[atr], eye[btr]  # one-hot rows, ntr x m
    rows = np.arange(ntr)

    def forward(Qa, Qb, aa, bb):
        z1 = Qa[aa] + Qb[bb] + c1
        s1 = 1 / (1 + np.exp(-z1))
        h1 = z1 * s1
        z2 = h1 @ W2 + c2
        s2 = 1 / (1 + np.exp(-z2))
        h2 = z2 * s2
        return z1, s1, h1, z2, s2, h2, h2 @ W3 + c3

    t0, c0 = time.perf_counter(), time.process_time()
    for t in range(steps + 1):
        Qa, Qb = E @ W1[:d], E @ W1[d:]
        z1, s1, h1, z2, s2, h2, o = forward(Qa, Qb, atr, btr)
        acc_tr = (o.argmax(axis=1) == ytr).mean()
        mx = o.max(axis=1, keepdims=True)
        ez = np.exp(o - mx)
        se = ez.sum(axis=1, keepdims=True)
        loss = (np.log(se[:, 0]) + mx[:, 0] - o[rows, ytr]).mean()
        if t < steps:
            do = ez / se
            do[rows, ytr] -= 1
            do /= ntr
            dW3, dc3 = h2.T @ do, do.sum(axis=0)
            dz2 = (do @ W3.T) * (s2 * (1 + z2 * (1 - s2)))
            dW2, dc2 = h1.T @ dz2, dz2.sum(axis=0)
            dz1 = (dz2 @ W2.T) * (s1 * (1 + z1 * (1 - s1)))
            Sa, Sb = Oa.T @ dz1, Ob.T @ dz1
            dW1 = np.concatenate([E.T @ Sa, E.T @ Sb], axis=0)
            dc1 = Sa.sum(axis=0)
            dE = Sa @ W1[:d].T + Sb @ W1[d:].T
        o_te = forward(Qa, Qb, ate, bte)[-1]
        acc_te = (o_te.argmax(axis=1) == yte).mean()
        for j, acc in enumerate((acc_tr, acc_te)):
            if learned[j] is None and acc > 0.9:
                learned[j] = t
        if t == steps:
            break
        opt.step([dE, dW1, dc1, dW2, dc2, dW3, dc3])
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    return dt / steps, dc / steps, loss, learned


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "parity"
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else (1000 if which == "parity" else 200)
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    per, cpu, loss, learned = {"parity": parity, "parity-lean": parity_lean, "modular": modular}[which](steps, seed)
    print(f"us/step={per * 1e6:.1f} cpu_us/step={cpu * 1e6:.1f} final_loss={loss:.6g} learned={learned}")
