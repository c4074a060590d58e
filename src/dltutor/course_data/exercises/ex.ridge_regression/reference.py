import numpy as np


def ridge_fit(X, y, lam):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    n, d = X.shape
    x_mean, y_mean = X.mean(axis=0), y.mean()
    Xc, yc = X - x_mean, y - y_mean  # dJ/db = 0 gives b = mean(y) - mean(X) @ w
    # (1/n)|Xc w - yc|^2 + lam |w|^2 is minimal where (Xc^T Xc + n lam I) w = Xc^T yc
    w = np.linalg.solve(Xc.T @ Xc + n * lam * np.eye(d), Xc.T @ yc)
    return w, float(y_mean - x_mean @ w)
