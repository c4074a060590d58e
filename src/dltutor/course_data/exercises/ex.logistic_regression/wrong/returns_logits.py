# expect-fail: probabilities_in_open_interval, predict_matches_sigmoid
# predict_proba forgets the sigmoid and returns the scores X @ w + b.
import numpy as np


def predict_proba(X, w, b):
    return X @ w + b


def fit_logistic_regression(X, y, lr=0.1, epochs=1000):
    n, d = X.shape
    w = np.zeros(d)
    b = 0.0
    for _ in range(epochs):
        p = 1.0 / (1.0 + np.exp(-(X @ w + b)))
        w = w - lr * (X.T @ (p - y)) / n
        b = b - lr * np.mean(p - y)
    return w, float(b)
