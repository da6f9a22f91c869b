"""
The authors' Resource-model loops (KindXiaoming/physics_of_skill_learning, scripts/Fig6, Fig8,
Fig16, Fig17 notebooks), transcribed to plain NumPy float64, printing the first step at which
each skill's level exceeds 0.5 and 0.9 -- the numbers docs/paper.md sets next to skillsim's.
Step k of the authors' list is the state after k+1 updates, so times here count updates
(skillsim's convention). Usage: python3 scripts/paper/authors_resource.py [VECTORS_DIR]
(VECTORS_DIR holds v5.csv ... v100.csv from `skillsim run configs/paper/fig8-top-geometry.yaml
--set skills.count=K --vectors vK.csv`; without it Fig 8 is skipped).
"""
import sys
import numpy as np


def first(levels, th):
    out = []
    for i in range(levels.shape[1]):
        k = np.nonzero(levels[:, i] > th)[0]
        out.append(int(k[0]) + 1 if len(k) else None)
    return out


def zipf(n, a):
    p = 1 / (np.arange(n) + 1) ** a
    return p / p.sum()


def fig6(N0, steps=3000):
    prob, l, lr = zipf(10, 2), np.ones(10), 3e-4 * np.sqrt(1000) * 2
    ls = []
    for _ in range(steps):
        fg = prob * l
        fg_norm = fg / (np.sum(fg) + N0)
        l = l - lr * fg_norm
        l = np.maximum(l, 0.0)
        ls.append(l.copy())
    return 1 - np.array(ls)


def fig8_top(T, steps=3000):
    n = T.shape[0]
    prob, l, lr, C = zipf(n, 2), np.ones(n), 2 * 1e-3 * np.sqrt(10), T @ T.T
    ls = []
    for _ in range(steps):
        fg = prob * l
        fg_norm = (C @ fg) / (np.sum(fg) + 0.01)
        l = l - lr * fg_norm  # no clipping (the notebook's np.maximum line is commented out)
        ls.append(l.copy())
    return 1 - np.array(ls)


def fig8_bottom(T, steps=3000):
    n = T.shape[0]
    prob, l, lr, C = zipf(n, 2), np.zeros(n), 4 * 0.01 * np.sqrt(10), T @ T.T
    ls = []
    for _ in range(steps):
        fg = prob * np.exp(-l) / (1 + np.exp(-l))
        fg_norm = (C @ fg) / (np.sum(fg) + 0.0)
        l = l + lr * fg_norm
        ls.append(l.copy())
    return 1 / (1 + np.exp(-np.array(ls)))


def fig16(switch=True, steps=3000):
    prob = np.array([1 / 3, 1 / 3, 0.0045])
    l, lr, ls = np.ones(3), 1e-2 * np.sqrt(350 / 400), []
    for _ in range(steps):
        p = prob.copy()
        if switch and 1 - l[2] >= 0.5:
            p[2] = 0.08
        fg = p * l
        fg_norm = fg / (np.sum(fg) + 0.1)
        l = np.maximum(l - lr * fg_norm, 0.0)
        ls.append(l.copy())
    return 1 - np.array(ls)


def fig17(case):
    if case == 1:
        prob, a, steps = np.array([0.3, 1, 3.0]), 1e-4, 5000
    elif case == 2:
        prob, a, steps = np.array([1, 0.1, 2, 0.2, 1, 1, 1.0]), 1e-3, 20000
    else:
        prob, a, steps = np.array([0.1, 0.01, 2, 0.2, 1, 1, 1.0]), 1e-3, 20000
    n = len(prob)
    l, ls = np.ones(n), []
    for _ in range(steps):
        c = np.ones(n)
        if case == 1:
            c[1], c[2] = 1 - l[0] ** a, 1 - l[1] ** a
        elif case == 2:
            c[4] = (1 - l[0] ** a) * (1 - l[1] ** a)
            c[5] = (1 - l[2] ** a) * (1 - l[3] ** a)
            c[6] = (1 - l[4] ** a) * (1 - l[5] ** a)
        else:
            c[4] = (1 - l[0] ** a) * (1 - l[1] ** a)
            c[5] = max(1 - l[2] ** a, 1 - l[3] ** a)
            c[6] = max(1 - l[4] ** a, 1 - l[5] ** a)
        fg = c * prob * l
        fg_norm = fg / (np.sum(fg) + 1e-3)
        l = np.maximum(l - 1e-3 * fg_norm, 0.0)
        ls.append(l.copy())
    return 1 - np.array(ls)


def show(name, s):
    print(f"{name}: half {first(s, 0.5)} learned {first(s, 0.9)} final {np.round(s[-1], 4).tolist()}")


for N0 in [0.0001, 0.001, 0.003, 0.01, 0.1, 1.0]:
    show(f"fig6 N0={N0}", fig6(N0))
show("fig16 switch", fig16(True))
show("fig16 no switch", fig16(False))
for case in (1, 2, 3):
    show(f"fig17 case {case}", fig17(case))
if len(sys.argv) > 1:
    for n in (5, 10, 20, 40, 100):
        T = np.loadtxt(f"{sys.argv[1]}/v{n}.csv", delimiter=",", comments="#")
        show(f"fig8 top n={n}", fig8_top(T))
        show(f"fig8 bottom n={n}", fig8_bottom(T))
