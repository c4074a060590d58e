"""Hidden tests for ex.numerical_gradient."""

import numpy as np

GRAD = ("the central-difference gradient (f(x+eps e_i) - f(x-eps e_i)) / (2 eps)", "中心差分梯度 (f(x+eps e_i) - f(x-eps e_i)) / (2 eps)")


def test_sum_of_squares(t):
    f = t.fn("lambda x: float(np.sum(x ** 2))")
    x = np.array([1.0, -2.0, 3.0])
    t.close(t.call("numerical_gradient", f, x), 2 * x, ("2x, the gradient of sum(x**2)", "2x，即 sum(x**2) 的梯度"), rtol=1e-5, atol=1e-6)


def test_curved_function(t):
    f = t.fn("lambda x: float(np.sum(np.exp(3.0 * x)))")
    x = np.array([0.5, 1.0, -0.3])
    t.close(t.call("numerical_gradient", f, x), t.ref.numerical_gradient(f, x), GRAD)


def test_matrix_input(t):
    f = t.fn("lambda x: float(np.sum(np.sin(x)) + x[0, 1] * x[1, 0])")
    x = np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])
    t.close(t.call("numerical_gradient", f, x), t.ref.numerical_gradient(f, x), GRAD)


def test_three_d_input(t):
    f = t.fn("lambda x: float(np.sum(x ** 3) - 2.0 * x.sum())")
    x = np.random.default_rng(9).normal(size=(2, 3, 2))
    t.close(t.call("numerical_gradient", f, x), t.ref.numerical_gradient(f, x), GRAD)


def test_custom_eps(t):
    f = t.fn("lambda x: float(np.sum(np.cos(x)))")
    x = np.array([0.3, 1.2])
    t.close(t.call("numerical_gradient", f, x, eps=1e-3), t.ref.numerical_gradient(f, x, eps=1e-3), ("the central difference with the given eps=1e-3", "使用给定 eps=1e-3 的中心差分"))


def test_leaves_x_unchanged(t):
    # every call checks this; here with values where sloppy restoring shows
    f = t.fn("lambda x: float(np.sum(x * x * x))")
    x = np.array([0.1, 0.7, 1.3, 2.9, -0.35, 1e3 / 7.0])
    t.close(t.call("numerical_gradient", f, x), t.ref.numerical_gradient(f, x), GRAD, rtol=1e-4)


def test_random_quadratic(t):
    rng = np.random.default_rng(10)
    A = rng.normal(size=(4, 4))
    f = t.fn(f"lambda x: float(x @ np.array({A.tolist()!r}) @ x)")
    x = rng.normal(size=4)
    t.close(t.call("numerical_gradient", f, x), (A + A.T) @ x, ("(A + A^T) x, the gradient of x^T A x", "(A + A^T) x，即 x^T A x 的梯度"), rtol=1e-4, atol=1e-5)
