# expect-fail: curved_function
# One-sided difference (f(x+eps) - f(x)) / eps: its error is of order eps, not eps**2.
import numpy as np


def numerical_gradient(f, x, eps=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    fx = f(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        grad[idx] = (f(x) - fx) / eps
        x[idx] = old
    return grad
