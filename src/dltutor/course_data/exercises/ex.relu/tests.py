"""Hidden tests for ex.relu."""

import numpy as np

RELU = ("max(0, x) elementwise", "逐元素 max(0, x)")
GRAD = ("1 where x > 0, else 0", "x > 0 处为 1，其余为 0")


def test_relu_values(t):
    x = np.array([-3.0, -0.5, 0.0, 0.5, 3.0])
    t.close(t.call("relu", x), np.array([0.0, 0.0, 0.0, 0.5, 3.0]), RELU)


def test_relu_keeps_shape(t):
    x = np.array([[-1.0, 2.0, -3.0], [4.0, -5.0, 6.0]])
    t.close(t.call("relu", x), np.array([[0.0, 2.0, 0.0], [4.0, 0.0, 6.0]]), RELU)


def test_grad_values(t):
    x = np.array([-2.0, -1e-9, 1e-9, 2.0])
    t.close(t.call("relu_grad", x), np.array([0.0, 0.0, 1.0, 1.0]), GRAD)


def test_grad_at_zero(t):
    t.close(
        t.call("relu_grad", np.array([0.0, 0.0])),
        np.zeros(2),
        ("0 at x == 0 (the contract's convention)", "x == 0 处为 0（本题约定）"),
    )


def test_relu_random(t):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(6, 7))
    t.close(t.call("relu", x), t.ref.relu(x), RELU)


def test_grad_random(t):
    rng = np.random.default_rng(4)
    x = rng.normal(size=(3, 4, 5))
    t.close(t.call("relu_grad", x), t.ref.relu_grad(x), GRAD)
