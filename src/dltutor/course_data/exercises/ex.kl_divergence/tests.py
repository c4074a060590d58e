"""Hidden tests for ex.kl_divergence."""

import math

import numpy as np

KL = ("sum over p > 0 of p * ln(p / q)", "对 p > 0 的项求和 p * ln(p / q)")


def test_identical_is_zero(t):
    p = np.array([0.2, 0.3, 0.5])
    t.close(t.call("kl_divergence", p, p.copy()), 0.0, ("0.0 for identical distributions", "两个分布相同时为 0.0"))


def test_known_value(t):
    want = 0.5 * math.log(0.5 / 0.25) + 0.5 * math.log(0.5 / 0.75)
    t.close(t.call("kl_divergence", [0.5, 0.5], [0.25, 0.75]), want, KL)


def test_zeros_in_p(t):
    p, q = np.array([0.0, 0.4, 0.6]), np.array([0.2, 0.4, 0.4])
    got = t.call("kl_divergence", p, q)
    t.finite(got, ("a finite value: terms with p = 0 contribute 0", "有限值：p = 0 的项贡献 0"))
    t.close(got, t.ref.kl_divergence(p, q), KL)


def test_q_zero_where_p_zero_is_fine(t):
    p, q = np.array([0.0, 1.0]), np.array([0.0, 1.0])
    t.close(t.call("kl_divergence", p, q), 0.0, ("0.0: q = 0 only where p = 0 too", "0.0：q 只在 p 也为 0 的地方为 0"))


def test_q_zero_where_p_positive(t):
    t.raises("ValueError", ("q is 0 where p > 0: the divergence is infinite", "在 p > 0 处 q 为 0：散度为无穷大"), "kl_divergence", np.array([0.5, 0.5]), np.array([1.0, 0.0]))


def test_not_symmetric(t):
    p, q = np.array([0.9, 0.1]), np.array([0.5, 0.5])
    t.close(t.call("kl_divergence", p, q), t.ref.kl_divergence(p, q), ("KL(p || q), which differs from KL(q || p)", "KL(p || q)，它与 KL(q || p) 不同"))


def test_random(t):
    rng = np.random.default_rng(58)
    for n in (2, 10, 100):
        p, q = rng.random(n), rng.random(n) + 0.01
        p, q = p / p.sum(), q / q.sum()
        t.close(t.call("kl_divergence", p, q), t.ref.kl_divergence(p, q), KL)
