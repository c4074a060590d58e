# expect-fail: one_feature_by_hand, gradient_is_zero_at_the_solution
# Adds lam * I to the normal equations: right for a penalty on the summed squared error, but J
# uses the mean, so the penalty there is N * lam.
import numpy as np


def ridge_fit(X, y, lam):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    xm, ym = X.mean(axis=0), y.mean()
    Xc, yc = X - xm, y - ym
    w = np.linalg.solve(Xc.T @ Xc + lam * np.eye(X.shape[1]), Xc.T @ yc)
    return w, float(ym - xm @ w)
