# expect-fail: large_values
# No max subtraction: exp(10000) overflows to inf and inf / inf gives nan.
import numpy as np


def softmax(x, axis=-1):
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)
