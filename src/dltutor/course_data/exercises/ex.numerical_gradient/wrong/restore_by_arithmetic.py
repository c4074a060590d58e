# expect-fail: leaves_x_unchanged
# Works on the caller's x and "restores" it with += / -=, which leaves rounding errors behind.
import numpy as np


def numerical_gradient(f, x, eps=1e-5):
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        x[idx] += eps
        fp = f(x)
        x[idx] -= 2 * eps
        fm = f(x)
        x[idx] += eps
        grad[idx] = (fp - fm) / (2 * eps)
    return grad
