# expect-fail: extremes_no_warning
# The other form, e^x / (1 + e^x), overflows on the other side: inf / inf = nan at x = 1000.
import numpy as np


def sigmoid(x):
    e = np.exp(x)
    return e / (1.0 + e)
