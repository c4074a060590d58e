def compute_optimal(C, E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28):
    if C <= 0:
        raise ValueError("the compute budget must be positive")
    # dL/dN = 0 with D = C / (6N):  alpha*A / N**alpha = beta*B / D**beta
    #   =>  N**(alpha + beta) = (alpha*A / (beta*B)) * (C / 6)**beta
    N = (alpha * A / (beta * B)) ** (1 / (alpha + beta)) * (C / 6) ** (beta / (alpha + beta))
    D = C / (6 * N)
    return float(N), float(D), float(E + A / N**alpha + B / D**beta)
