"""Hidden tests for ex.dot_product."""

import numpy as np

SUM = ("the sum of the products a[i]*b[i]", "各分量乘积之和")


def test_small_lists(t):
    t.close(t.call("dot", [1.0, 2.0, 3.0], [4.0, 5.0, 6.0]), 32.0, SUM)
    t.close(t.call("dot", [2.0], [-3.5]), -7.0, SUM)


def test_integers(t):
    t.close(t.call("dot", [1, 2, 3], [1, 0, -1]), -2.0, SUM)


def test_empty(t):
    t.close(t.call("dot", [], []), 0.0, ("0.0 for two empty inputs", "两个空输入得 0.0"))


def test_unequal_lengths(t):
    why = ("the lengths differ", "两个输入长度不同")
    t.raises("ValueError", why, "dot", [1.0, 2.0, 3.0], [1.0, 2.0])
    t.raises("ValueError", why, "dot", np.ones(2), np.ones(5))


def test_random_arrays(t):
    rng = np.random.default_rng(0)
    for n in (1, 5, 50, 1000):
        a, b = rng.normal(size=n), rng.normal(size=n)
        t.close(t.call("dot", a, b), t.ref.dot(a, b), SUM)


def test_returns_number_not_array(t):
    got = t.call("dot", np.array([1.0, 1.0]), np.array([2.0, 3.0]))
    t.close(got, 5.0, SUM)
    t.expect(not hasattr(got, "shape") or got.ndim == 0, ("a single float", "单个浮点数"), got)
