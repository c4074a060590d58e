# expect-fail: chinchilla_budget, small_and_huge_budgets
# Searches the lesson's fixed grid (1e9 to 1e12 parameters, 300 points): too coarse, and blind to
# optima outside that range.
import numpy as np


def compute_optimal(C, E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28):
    if C <= 0:
        raise ValueError("the compute budget must be positive")
    Ns = np.logspace(9, 12, 300)
    losses = E + A / Ns**alpha + B / (C / (6 * Ns)) ** beta
    N = float(Ns[np.argmin(losses)])
    D = C / (6 * N)
    return N, D, float(E + A / N**alpha + B / D**beta)
