# expect-fail: shifted_classes, follows_definition
# Never learns the bias: a boundary that must be away from the origin cannot be found.
import numpy as np


def predict_proba(X, w, b):
    z = X @ w + b
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def fit_logistic_regression(X, y, lr=0.1, epochs=1000):
    n, d = X.shape
    w = np.zeros(d)
    for _ in range(epochs):
        p = predict_proba(X, w, 0.0)
        w = w - lr * (X.T @ (p - y)) / n
    return w, 0.0
