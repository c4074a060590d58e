# expect-fail: grad_at_zero
# Uses x >= 0, so the gradient at exactly 0 comes out as 1.
import numpy as np


def relu(x):
    return np.maximum(x, 0.0)


def relu_grad(x):
    return (x >= 0).astype(float)
