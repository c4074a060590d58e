"""Hidden tests for ex.causal_mask."""

import numpy as np

MASK = ("True exactly where column j <= row i", "当且仅当列 j <= 行 i 时为 True")


def test_one(t):
    got = t.call("causal_mask", 1)
    t.equal(got, [[True]], ("[[True]] for T = 1", "T = 1 时为 [[True]]"))


def test_four(t):
    want = np.array([[1, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0], [1, 1, 1, 1]], dtype=bool)
    t.equal(t.call("causal_mask", 4), want, MASK)


def test_is_boolean(t):
    got = t.call("causal_mask", 3)
    t.array(got, "b", ("a boolean array", "布尔数组"))
    t.expect(got.shape == (3, 3), ("shape (3, 3)", "形状 (3, 3)"), got)


def test_larger(t):
    for T in (7, 50):
        got = t.call("causal_mask", T)
        t.array(got, "b", ("a boolean array", "布尔数组"))
        t.equal(got, t.ref.causal_mask(T), MASK)
