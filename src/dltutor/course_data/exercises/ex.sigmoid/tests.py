"""Hidden tests for ex.sigmoid."""

import numpy as np

SIG = ("1 / (1 + e^-x) elementwise", "逐元素 1 / (1 + e^-x)")


def test_zero_is_half(t):
    t.close(t.call("sigmoid", np.array([0.0])), np.array([0.5]), ("σ(0) = 0.5", "σ(0) = 0.5"))


def test_known_values(t):
    x = np.array([-2.0, -1.0, 0.5, 1.0, 3.0])
    t.close(t.call("sigmoid", x), 1.0 / (1.0 + np.exp(-x)), SIG)


def test_keeps_shape(t):
    x = np.linspace(-4.0, 4.0, 12).reshape(3, 4)
    t.close(t.call("sigmoid", x), t.ref.sigmoid(x), SIG)


def test_extremes_no_warning(t):
    x = np.array([-1000.0, -745.0, -100.0, 0.0, 100.0, 745.0, 1000.0])
    got = t.call("sigmoid", x)
    t.no_warnings(("no overflow warning for x in [-1000, 1000]", "x 在 [-1000, 1000] 内不产生溢出警告"))
    t.finite(got, ("finite values for x in [-1000, 1000]", "x 在 [-1000, 1000] 内结果为有限值"))
    t.close(got, t.ref.sigmoid(x), SIG)


def test_symmetry(t):
    x = np.array([0.3, 2.0, 7.5, 20.0])
    a = t.call("sigmoid", x)
    b = t.call("sigmoid", -x)
    t.close(t.array(a) + t.array(b), np.ones(4), ("σ(x) + σ(-x) = 1", "σ(x) + σ(-x) = 1"))


def test_random(t):
    rng = np.random.default_rng(2)
    for shape in [(1,), (50,), (4, 5, 6)]:
        x = rng.normal(scale=10.0, size=shape)
        t.close(t.call("sigmoid", x), t.ref.sigmoid(x), SIG)
