# expect-fail: matrix_input, three_d_input
# Loops with range(len(x)), which for a 2-D x nudges whole rows at once.
import numpy as np


def numerical_gradient(f, x, eps=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(len(x)):
        old = x[i].copy()
        x[i] = old + eps
        fp = f(x)
        x[i] = old - eps
        fm = f(x)
        x[i] = old
        grad[i] = (fp - fm) / (2 * eps)
    return grad
