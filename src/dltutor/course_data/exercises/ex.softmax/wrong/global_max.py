# expect-fail: rows_on_different_scales
# Subtracts the maximum of the whole array: a row far below it underflows to 0 / 0.
import numpy as np


def softmax(x, axis=-1):
    e = np.exp(x - np.max(x))
    return e / e.sum(axis=axis, keepdims=True)
