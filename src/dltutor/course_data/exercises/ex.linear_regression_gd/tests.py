"""Hidden tests for ex.linear_regression_gd."""

import numpy as np

LS = ("the least-squares fit, within 1e-2", "最小二乘解（误差在 1e-2 以内）")


def least_squares(X, y):
    A = np.hstack([X, np.ones((len(X), 1))])
    sol = np.linalg.lstsq(A, y, rcond=None)[0]
    return sol[:-1], sol[-1]


def data(seed, n, d, noise=0.1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    w = rng.uniform(-2.0, 2.0, size=d)
    y = X @ w + rng.uniform(-3.0, 3.0) + noise * rng.normal(size=n)
    return X, y


def check_fit(t, X, y, **kw):
    got = t.call("fit_linear_regression", X, y, **kw)
    w, b = t.unpack(got, 2, "(w, b)")
    w_ls, b_ls = least_squares(X, y)
    t.close(w, w_ls, ("w of the least-squares fit, within 1e-2", "最小二乘解的 w（误差在 1e-2 以内）"), rtol=0, atol=1e-2)
    t.close(b, b_ls, ("b of the least-squares fit, within 1e-2", "最小二乘解的 b（误差在 1e-2 以内）"), rtol=0, atol=1e-2)


def test_one_feature(t):
    X = np.linspace(-2.0, 2.0, 40).reshape(-1, 1)
    y = 3.0 * X[:, 0] + 0.5
    check_fit(t, X, y)


def test_with_intercept(t):
    X, y = data(11, 200, 3)
    check_fit(t, X, y)


def test_given_lr_and_epochs(t):
    X, y = data(12, 100, 2)
    check_fit(t, X, y, lr=0.1, epochs=300)


def test_shapes(t):
    X, y = data(13, 60, 4)
    w, b = t.unpack(t.call("fit_linear_regression", X, y), 2, "(w, b)")
    t.close(w, t.ref.fit_linear_regression(X, y)[0], LS, rtol=0, atol=1e-2)
    t.close(b, t.ref.fit_linear_regression(X, y)[1], LS, rtol=0, atol=1e-2)


def test_noisy_data(t):
    X, y = data(14, 300, 5, noise=1.0)
    check_fit(t, X, y)
