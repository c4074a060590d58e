# expect-fail: with_intercept
# Forgets to divide the gradient by N: with N = 200 the steps overshoot and it diverges.
import numpy as np


def fit_linear_regression(X, y, lr=0.01, epochs=1000):
    n, d = X.shape
    w = np.zeros(d)
    b = 0.0
    for _ in range(epochs):
        r = X @ w + b - y
        w = w - lr * 2.0 * (X.T @ r)
        b = b - lr * 2.0 * r.sum()
    return w, float(b)
