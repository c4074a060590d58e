"""Hidden tests for ex.batchnorm."""

import numpy as np

BN = ("gamma * (x - mean) / sqrt(var + eps) + beta, per column", "逐列计算 gamma * (x - mean) / sqrt(var + eps) + beta")


def test_known_values(t):
    x = np.array([[1.0, 2.0], [3.0, 6.0], [5.0, 10.0]])
    gamma, beta = np.ones(2), np.zeros(2)
    t.close(t.call("batchnorm_forward", x, gamma, beta), t.ref.batchnorm_forward(x, gamma, beta), BN)


def test_gamma_beta(t):
    x = np.array([[0.0, 1.0, 2.0], [2.0, 3.0, 6.0]])
    gamma, beta = np.array([2.0, 0.5, -1.0]), np.array([1.0, 0.0, 3.0])
    t.close(t.call("batchnorm_forward", x, gamma, beta), t.ref.batchnorm_forward(x, gamma, beta), BN)


def test_small_batch(t):
    x = np.array([[1.0, -1.0, 4.0], [2.0, 5.0, 4.5]])
    gamma, beta = np.ones(3), np.zeros(3)
    t.close(t.call("batchnorm_forward", x, gamma, beta), t.ref.batchnorm_forward(x, gamma, beta), ("±0.99999 in each column (biased variance, N = 2)", "每列为 ±0.99999（有偏方差，N = 2）"))


def test_constant_feature(t):
    x = np.array([[3.0, 1.0], [3.0, 1.001], [3.0, 0.999]])
    gamma, beta = np.ones(2), np.array([0.5, 0.0])
    got = t.call("batchnorm_forward", x, gamma, beta)
    t.finite(got, ("finite values even for a constant column", "即使某列为常数，结果也为有限值"))
    t.close(got, t.ref.batchnorm_forward(x, gamma, beta), BN)


def test_custom_eps(t):
    x = np.array([[0.0], [0.1]])
    t.close(t.call("batchnorm_forward", x, np.ones(1), np.zeros(1), eps=0.01), t.ref.batchnorm_forward(x, np.ones(1), np.zeros(1), eps=0.01), ("the result with eps=0.01 inside the square root", "根号内使用 eps=0.01 的结果"))


def test_random(t):
    rng = np.random.default_rng(32)
    for n, d in [(8, 3), (64, 10)]:
        x = rng.normal(loc=5.0, scale=3.0, size=(n, d))
        gamma, beta = rng.normal(size=d), rng.normal(size=d)
        t.close(t.call("batchnorm_forward", x, gamma, beta), t.ref.batchnorm_forward(x, gamma, beta), BN)
