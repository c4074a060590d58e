# expect-fail: intercept_not_penalised, gradient_is_zero_at_the_solution
# Appends a column of ones and penalises every coefficient, the intercept included.
import numpy as np


def ridge_fit(X, y, lam):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    n = len(y)
    A = np.hstack([X, np.ones((n, 1))])
    theta = np.linalg.solve(A.T @ A + n * lam * np.eye(A.shape[1]), A.T @ y)
    return theta[:-1], float(theta[-1])
