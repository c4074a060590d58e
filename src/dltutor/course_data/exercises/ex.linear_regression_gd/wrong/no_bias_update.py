# expect-fail: with_intercept
# Never updates b, so the fit can only pass through the origin.
import numpy as np


def fit_linear_regression(X, y, lr=0.01, epochs=1000):
    n, d = X.shape
    w = np.zeros(d)
    b = 0.0
    for _ in range(epochs):
        r = X @ w + b - y
        w = w - lr * (2.0 / n) * (X.T @ r)
    return w, b
