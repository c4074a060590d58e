"""Hidden tests for ex.mse."""

import numpy as np

MSE = ("the mean of (pred - target)**2 over all entries", "所有元素上 (pred - target)**2 的平均值")


def test_known_value(t):
    pred = np.array([1.0, 2.0, 4.0])
    target = np.array([1.0, 0.0, 1.0])
    t.close(t.call("mse", pred, target), (0 + 4 + 9) / 3, MSE)


def test_perfect_prediction(t):
    x = np.array([0.5, -1.5, 3.0])
    t.close(t.call("mse", x, x.copy()), 0.0, ("0.0 when pred equals target", "pred 与 target 相同时为 0.0"))


def test_matrix(t):
    pred = np.array([[1.0, 2.0], [3.0, 4.0]])
    target = np.zeros((2, 2))
    t.close(t.call("mse", pred, target), 7.5, MSE)


def test_symmetric(t):
    a, b = np.array([1.0, -2.0, 0.5]), np.array([0.0, 1.0, 2.0])
    t.close(t.call("mse", a, b), t.ref.mse(b, a), ("the same value with the arguments swapped", "交换两个参数结果相同"))


def test_random(t):
    rng = np.random.default_rng(8)
    for shape in [(1,), (100,), (4, 5, 3)]:
        p, y = rng.normal(size=shape), rng.normal(size=shape)
        t.close(t.call("mse", p, y), t.ref.mse(p, y), MSE)
