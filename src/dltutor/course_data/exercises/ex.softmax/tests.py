"""Hidden tests for ex.softmax."""

import numpy as np

SM = ("the softmax along the axis (entries summing to 1)", "沿该轴的 softmax（和为 1）")


def test_one_d(t):
    x = np.array([1.0, 2.0, 3.0])
    e = np.exp(x)
    t.close(t.call("softmax", x), e / e.sum(), SM)


def test_uniform(t):
    t.close(t.call("softmax", np.zeros(4)), np.full(4, 0.25), ("equal probabilities 0.25", "四个相等的概率 0.25"))


def test_rows_default_axis(t):
    x = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
    t.close(t.call("softmax", x), t.ref.softmax(x), SM)


def test_axis_0(t):
    x = np.array([[1.0, 2.0, 3.0], [4.0, 0.0, -1.0]])
    t.close(t.call("softmax", x, axis=0), t.ref.softmax(x, axis=0), ("the softmax down each column (axis=0)", "沿每一列（axis=0）的 softmax"))


def test_three_d_middle_axis(t):
    x = np.random.default_rng(5).normal(size=(2, 3, 4))
    t.close(t.call("softmax", x, axis=1), t.ref.softmax(x, axis=1), SM)
    t.close(t.call("softmax", x, axis=-2), t.ref.softmax(x, axis=1), SM)


def test_large_values(t):
    x = np.array([10000.0, 10001.0, 10002.0])
    got = t.call("softmax", x)
    t.finite(got, ("finite probabilities for inputs around 1e4", "输入在 1e4 左右时概率仍为有限值"))
    t.close(got, t.ref.softmax(x), SM)
    x = np.array([-10000.0, -10001.0])
    t.close(t.call("softmax", x), t.ref.softmax(x), SM)


def test_rows_on_different_scales(t):
    x = np.array([[10000.0, 10000.0], [0.0, 1.0]])
    got = t.call("softmax", x)
    t.finite(got, ("finite probabilities in every row", "每一行的概率都是有限值"))
    t.close(got, t.ref.softmax(x), ("each row normalised on its own", "每一行各自归一化"))


def test_random(t):
    rng = np.random.default_rng(6)
    for shape in [(1,), (7,), (5, 9), (3, 4, 5)]:
        x = rng.normal(scale=5.0, size=shape)
        t.close(t.call("softmax", x), t.ref.softmax(x), SM)
