"""Hidden tests for ex.compute_optimal."""

import numpy as np

CHINCHILLA = dict(E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28)


def loss(N, D, E, A, B, alpha, beta):
    return E + A / N**alpha + B / D**beta


def minimise(C, E, A, B, alpha, beta):
    """Independent of any derivation: golden-section search on log N."""
    f = lambda u: loss(np.exp(u), C / (6 * np.exp(u)), E, A, B, alpha, beta)
    lo, hi = np.log(1e-3), np.log(C)
    g = (np.sqrt(5) - 1) / 2
    for _ in range(200):
        a, b = hi - g * (hi - lo), lo + g * (hi - lo)
        if f(a) < f(b):
            hi = b
        else:
            lo = a
    N = float(np.exp((lo + hi) / 2))
    return N, C / (6 * N), float(f((lo + hi) / 2))


def check(t, C, why_n, **consts):
    kw = {**CHINCHILLA, **consts}
    got = t.call("compute_optimal", C, **consts)
    N, D, L = t.unpack(got, 3, "(N, D, loss)")
    want_N, want_D, want_L = minimise(C, **kw)
    t.close(N, want_N, why_n, rtol=1e-3, atol=0)
    t.close(D, want_D, ("D = C / (6 N) at the optimum", "最优点的 D = C / (6 N)"), rtol=1e-3, atol=0)
    t.close(L, want_L, ("the minimal loss L(N, D)", "最小损失 L(N, D)"), rtol=1e-6, atol=1e-9)
    return N, D, L


def test_chinchilla_budget(t):
    C = 6 * 70e9 * 1.4e12
    check(t, C, ("N = 32.5 B parameters: this fit's own optimum for Chinchilla's budget (not 70 B)", "N = 325 亿参数：这个拟合公式在 Chinchilla 预算下的最优点（不是 700 亿）"))


def test_budget_is_spent(t):
    C = 3.0e21
    got = t.call("compute_optimal", C)
    N, D, _ = t.unpack(got, 3, "(N, D, loss)")
    t.close(6.0 * float(N) * float(D), C, ("6 N D = C: the whole budget is used", "6 N D = C：预算恰好用完"), rtol=1e-6, atol=0)


def test_neighbours_are_worse(t):
    C = 1e22
    got = t.call("compute_optimal", C)
    N, _, L = t.unpack(got, 3, "(N, D, loss)")
    for f in (0.97, 1.03):
        n = float(N) * f
        worse = loss(n, C / (6 * n), **CHINCHILLA)
        t.expect(worse >= float(L) - 1e-12, (f"a loss no higher than at {f} N", f"损失不高于 {f} N 处"), L)
    check(t, C, ("the loss-minimising N", "使损失最小的 N"))


def test_symmetric_constants(t):
    # with A = B and alpha = beta the optimum splits the budget evenly: N = D = sqrt(C / 6)
    C = 6e20
    check(t, C, ("N = D = sqrt(C / 6) = 1e10 when A = B and alpha = beta", "A = B、alpha = beta 时 N = D = sqrt(C / 6) = 1e10"), A=300.0, B=300.0, alpha=0.3, beta=0.3)


def test_small_and_huge_budgets(t):
    for C in (1e15, 1e18, 1e25, 1e28):
        check(t, C, (f"the optimal N for a budget of {C:.0e} FLOPs", f"预算为 {C:.0e} FLOPs 时的最优 N"))


def test_other_constants(t):
    check(t, 1e21, ("the optimal N for E=2.0, A=100, B=1000, alpha=0.5, beta=0.25", "E=2.0、A=100、B=1000、alpha=0.5、beta=0.25 时的最优 N"), E=2.0, A=100.0, B=1000.0, alpha=0.5, beta=0.25)
    check(t, 1e23, ("the optimal N for alpha=0.2, beta=0.4", "alpha=0.2、beta=0.4 时的最优 N"), alpha=0.2, beta=0.4)


def test_bad_budget_raises(t):
    t.raises("ValueError", ("a budget of 0 FLOPs", "预算为 0 FLOPs"), "compute_optimal", 0.0)
    t.raises("ValueError", ("a negative budget", "预算为负"), "compute_optimal", -1e20)
