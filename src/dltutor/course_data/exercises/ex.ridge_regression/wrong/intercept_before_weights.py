# expect-fail: gradient_is_zero_at_the_solution
# Takes b = mean(y) first and fits w to y - b without centring X: the intercept is not
# re-estimated for the fitted w.
import numpy as np


def ridge_fit(X, y, lam):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    n, d = X.shape
    b = y.mean()
    w = np.linalg.solve(X.T @ X + n * lam * np.eye(d), X.T @ (y - b))
    return w, float(b)
