import numpy as np


def fit_linear_regression(X, y, lr=0.01, epochs=1000):
    """Fit y ~ X @ w + b by full-batch gradient descent on the mean squared error.

    Start from w = 0, b = 0. Return (w, b): w of shape (D,), b a float.
    """
    # TODO: your code here
    raise NotImplementedError
