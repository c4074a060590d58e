# expect-fail: large_scores_no_overflow
# The textbook sigmoid 1 / (1 + exp(-z)): right values, but np.exp(800) overflows (inf, with a
# RuntimeWarning) for a score of -800.
import numpy as np


def predict_proba(X, w, b):
    z = np.asarray(X, dtype=float) @ np.asarray(w, dtype=float) + float(b)
    return 1.0 / (1.0 + np.exp(-z))


def fit_logistic_regression(X, y, lr=0.1, epochs=1000):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, d = X.shape
    w = np.zeros(d)
    b = 0.0
    for _ in range(epochs):
        g = predict_proba(X, w, b) - y
        w = w - lr * (X.T @ g) / n
        b = b - lr * g.mean()
    return w, float(b)
