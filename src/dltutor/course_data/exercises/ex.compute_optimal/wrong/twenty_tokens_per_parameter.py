# expect-fail: chinchilla_budget
# Applies the rule of thumb D = 20 N (N = sqrt(C / 120)) instead of minimising the given formula.
import math


def compute_optimal(C, E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28):
    if C <= 0:
        raise ValueError("the compute budget must be positive")
    N = math.sqrt(C / 120)
    D = 20 * N
    return N, D, E + A / N**alpha + B / D**beta
