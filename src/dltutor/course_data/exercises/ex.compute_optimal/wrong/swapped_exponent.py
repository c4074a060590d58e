# expect-fail: chinchilla_budget, small_and_huge_budgets
# Raises C/6 to alpha/(alpha+beta) instead of beta/(alpha+beta): the model grows too fast with compute.
def compute_optimal(C, E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28):
    if C <= 0:
        raise ValueError("the compute budget must be positive")
    N = (alpha * A / (beta * B)) ** (1 / (alpha + beta)) * (C / 6) ** (alpha / (alpha + beta))
    D = C / (6 * N)
    return N, D, E + A / N**alpha + B / D**beta
