"""Hidden tests for ex.conv2d."""

import numpy as np

CONV = ("the cross-correlation (kernel not flipped) plus the bias", "互相关（卷积核不翻转）加偏置")


def test_single_channel_known(t):
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    w = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])  # x[i, j] - x[i+1, j+1] = -5 everywhere
    t.close(t.call("conv2d", x, w, np.array([0.5])), np.full((1, 1, 3, 3), -4.5), CONV)


def test_output_shape(t):
    x = np.ones((2, 3, 5, 7))
    w = np.ones((4, 3, 3, 2))
    got = t.call("conv2d", x, w, np.zeros(4))
    t.close(got, t.ref.conv2d(x, w, np.zeros(4)), ("shape (2, 4, 3, 6) = (N, F, H-KH+1, W-KW+1)", "形状 (2, 4, 3, 6) = (N, F, H-KH+1, W-KW+1)"))


def test_padding_one(t):
    x = np.arange(9.0).reshape(1, 1, 3, 3)
    w = np.ones((1, 1, 3, 3))
    t.close(t.call("conv2d", x, w, np.zeros(1), padding=1), t.ref.conv2d(x, w, np.zeros(1), padding=1), ("3x3 box sums with a border of zeros (padding=1)", "四周补一圈 0 后的 3x3 窗口和（padding=1）"))


def test_stride_two(t):
    x = np.arange(50.0).reshape(1, 2, 5, 5)
    w = np.random.default_rng(35).normal(size=(3, 2, 3, 3))
    b = np.array([0.0, 1.0, -1.0])
    t.close(t.call("conv2d", x, w, b, stride=2), t.ref.conv2d(x, w, b, stride=2), ("the result with stride 2: shape (1, 3, 2, 2)", "步长为 2 的结果：形状 (1, 3, 2, 2)"))


def test_floor_division_of_size(t):
    x = np.random.default_rng(36).normal(size=(1, 1, 6, 6))
    w = np.ones((1, 1, 3, 3))
    t.close(t.call("conv2d", x, w, np.zeros(1), stride=2, padding=1), t.ref.conv2d(x, w, np.zeros(1), stride=2, padding=1), ("output size floor((6 + 2 - 3) / 2) + 1 = 3", "输出尺寸 floor((6 + 2 - 3) / 2) + 1 = 3"))


def test_random(t):
    rng = np.random.default_rng(37)
    for (n, c, h, wd), (f, kh, kw), s, p in [((2, 3, 7, 6), (4, 3, 2), 1, 1), ((1, 2, 8, 8), (2, 3, 3), 2, 2), ((3, 1, 5, 4), (2, 1, 4), 3, 0)]:
        x = rng.normal(size=(n, c, h, wd))
        w = rng.normal(size=(f, c, kh, kw))
        b = rng.normal(size=f)
        t.close(t.call("conv2d", x, w, b, stride=s, padding=p), t.ref.conv2d(x, w, b, stride=s, padding=p), CONV)
