import numpy as np


def numerical_gradient(f, x, eps=1e-5):
    x = np.array(x, dtype=float)  # our own copy: the caller's x is never touched
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        fp = float(f(x))
        x[idx] = old - eps
        fm = float(f(x))
        x[idx] = old
        grad[idx] = (fp - fm) / (2.0 * eps)
    return grad
