# expect-fail: well_separated_accuracy, follows_definition
# Adds the gradient instead of subtracting it.
import numpy as np


def predict_proba(X, w, b):
    return 1.0 / (1.0 + np.exp(-(X @ w + b)))


def fit_logistic_regression(X, y, lr=0.1, epochs=1000):
    n, d = X.shape
    w = np.zeros(d)
    b = 0.0
    for _ in range(epochs):
        g = predict_proba(X, w, b) - y
        w = w + lr * (X.T @ g) / n
        b = b + lr * g.mean()
    return w, float(b)
