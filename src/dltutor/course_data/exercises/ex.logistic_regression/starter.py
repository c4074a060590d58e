import numpy as np


def predict_proba(X, w, b):
    """Return sigmoid(X @ w + b), the probability of class 1 for each row of X."""
    # TODO: your code here
    raise NotImplementedError


def fit_logistic_regression(X, y, lr=0.1, epochs=1000):
    """Gradient descent on the mean binary cross-entropy, from w = 0, b = 0. Return (w, b)."""
    # TODO: your code here
    raise NotImplementedError
