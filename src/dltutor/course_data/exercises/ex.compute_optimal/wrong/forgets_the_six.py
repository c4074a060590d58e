# expect-fail: chinchilla_budget, budget_is_spent
# Uses C = N * D, forgetting the 6 FLOPs per parameter and token (2 forward + 4 backward).
def compute_optimal(C, E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28):
    if C <= 0:
        raise ValueError("the compute budget must be positive")
    N = (alpha * A / (beta * B)) ** (1 / (alpha + beta)) * C ** (beta / (alpha + beta))
    D = C / N
    return N, D, E + A / N**alpha + B / D**beta
