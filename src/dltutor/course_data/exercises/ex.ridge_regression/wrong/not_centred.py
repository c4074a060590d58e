# expect-fail: off_centre_features, gradient_is_zero_at_the_solution
# Solves for w on the raw X (as if there were no intercept), then sets b from the means.
import numpy as np


def ridge_fit(X, y, lam):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    n, d = X.shape
    w = np.linalg.solve(X.T @ X + n * lam * np.eye(d), X.T @ y)
    return w, float(y.mean() - X.mean(axis=0) @ w)
