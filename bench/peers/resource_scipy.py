"""SciPy peer for `npm run bench -- resource`: the Resource-model ODE with solve_ivp.

    du_i/dt = -rate * p_i u_i^+ / (sum_j p_j u_j^+ + N0),   u^+ = max(u, 0),   u_i(0) = 1

with p_i ~ i^-2 (normalised), rate = 2 * 3e-4 * sqrt(1000) and N0 = 0.003: the spec's
reference Resource setting. solve_ivp runs RK45 (Dormand-Prince 5(4), as skillsim's own
integrator) with dense output, atol 1e-12, and is timed over several repeated solves.

usage: python3 resource_scipy.py [n_skills] [t_end] [rtol] [repeats]
prints: milliseconds per solve, the number of right-hand-side evaluations, and the final
levels s = 1 - u of the first and last skill (to check both sides solved the same problem).
"""
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp


def resource_rhs(p, rate, N0):
    def rhs(_t, u):
        c = p * np.maximum(u, 0.0)  # competitiveness of each skill
        return -rate * c / (c.sum() + N0)
    return rhs


def main(argv):
    n = int(argv[0]) if len(argv) > 0 else 10
    t_end = float(argv[1]) if len(argv) > 1 else 1000
    rtol = float(argv[2]) if len(argv) > 2 else 1e-8
    repeats = int(argv[3]) if len(argv) > 3 else 20
    p = np.arange(1, n + 1, dtype=float) ** -2.0
    p /= p.sum()
    rhs = resource_rhs(p, 2 * 3e-4 * np.sqrt(1000), 0.003)
    start = time.time()
    for _ in range(repeats):
        sol = solve_ivp(rhs, (0, t_end), np.ones(n), method="RK45", rtol=rtol, atol=1e-12, dense_output=True)
    ms = (time.time() - start) / repeats * 1e3
    s_end = 1 - sol.y[:, -1]
    print(f"scipy n={n} T={t_end} rtol={rtol} ms/solve={ms:.2f} nfev={sol.nfev} s_end[0]={s_end[0]:.6f} s_end[-1]={s_end[-1]:.6f}")


if __name__ == "__main__":
    main(sys.argv[1:])
