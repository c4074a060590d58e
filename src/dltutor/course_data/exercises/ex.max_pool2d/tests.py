"""Hidden tests for ex.max_pool2d."""

import numpy as np

POOL = ("the maximum of each window, per channel", "每个通道中每个窗口的最大值")


def check(t, x, why=POOL, **kw):
    t.close(t.call("max_pool2d", x, **kw), t.ref.max_pool2d(x, **kw), why)


def test_known_values(t):
    x = np.array([[[[1.0, 2.0, 5.0, 6.0], [3.0, 4.0, 7.0, 8.0], [-1.0, -2.0, 0.0, 0.5], [-3.0, -4.0, 0.25, 0.0]]]])
    t.close(t.call("max_pool2d", x), np.array([[[[4.0, 8.0], [-1.0, 0.5]]]]), POOL)


def test_channels_separate(t):
    x = np.stack([np.arange(16.0).reshape(4, 4), -np.arange(16.0).reshape(4, 4)])[None]
    check(t, x)


def test_odd_size_drops_edge(t):
    x = np.random.default_rng(38).normal(size=(1, 2, 5, 5))
    check(t, x, ("shape (1, 2, 2, 2): the last row and column do not fit a window", "形状 (1, 2, 2, 2)：最后一行和一列放不下完整窗口"))


def test_overlapping_windows(t):
    x = np.random.default_rng(39).normal(size=(2, 1, 5, 6))
    check(t, x, ("3x3 windows moving by 1", "3x3 窗口、步长 1"), kernel_size=3, stride=1)


def test_negative_values(t):
    check(t, -np.ones((1, 1, 4, 4)) - np.arange(16.0).reshape(1, 1, 4, 4))


def test_random(t):
    rng = np.random.default_rng(40)
    for shape, k, s in [((2, 3, 8, 8), 2, 2), ((1, 4, 7, 9), 3, 2), ((3, 2, 6, 6), 2, 1)]:
        check(t, rng.normal(size=shape), kernel_size=k, stride=s)
