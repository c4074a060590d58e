"""Hidden tests for ex.layernorm."""

import numpy as np

LN = ("gamma * (x - mean) / sqrt(var + eps) + beta over the last axis", "沿最后一个轴计算 gamma * (x - mean) / sqrt(var + eps) + beta")


def check(t, x, gamma, beta, **kw):
    t.close(t.call("layer_norm", x, gamma, beta, **kw), t.ref.layer_norm(x, gamma, beta, **kw), LN)


def test_one_d(t):
    check(t, np.array([1.0, 2.0, 3.0, 4.0]), np.ones(4), np.zeros(4))


def test_rows(t):
    x = np.array([[1.0, 2.0, 3.0], [10.0, 0.0, -10.0], [5.0, 5.0, 6.0], [0.0, 1.0, 0.0]])
    check(t, x, np.array([1.0, 2.0, 0.5]), np.array([0.0, -1.0, 1.0]))


def test_three_d(t):
    x = np.random.default_rng(33).normal(size=(2, 5, 4))
    check(t, x, np.full(4, 1.5), np.full(4, 0.1))


def test_square_input(t):
    x = np.array([[1.0, 3.0], [2.0, 8.0]])
    check(t, x, np.ones(2), np.zeros(2))


def test_constant_row(t):
    x = np.array([[2.0, 2.0, 2.0], [1.0, 2.0, 3.0]])
    got = t.call("layer_norm", x, np.ones(3), np.full(3, 0.5))
    t.finite(got, ("finite values even for a constant row", "即使某行为常数，结果也为有限值"))
    t.close(got, t.ref.layer_norm(x, np.ones(3), np.full(3, 0.5)), LN)


def test_random(t):
    rng = np.random.default_rng(34)
    for shape in [(7,), (3, 8), (2, 3, 16)]:
        x = rng.normal(loc=2.0, scale=4.0, size=shape)
        check(t, x, rng.normal(size=shape[-1]), rng.normal(size=shape[-1]), eps=1e-3)
