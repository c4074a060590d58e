import numpy as np


def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def predict_proba(X, w, b):
    return _sigmoid(np.asarray(X, dtype=float) @ np.asarray(w, dtype=float) + float(b))


def fit_logistic_regression(X, y, lr=0.1, epochs=1000):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, d = X.shape
    w = np.zeros(d)
    b = 0.0
    for _ in range(epochs):
        g = predict_proba(X, w, b) - y  # d(mean BCE)/dz, times N
        w = w - lr * (X.T @ g) / n
        b = b - lr * g.mean()
    return w, float(b)
