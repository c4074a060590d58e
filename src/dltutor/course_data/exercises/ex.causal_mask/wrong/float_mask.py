# expect-fail: is_boolean
# Right pattern, but a float array of 0s and 1s instead of booleans.
import numpy as np


def causal_mask(T):
    return np.tril(np.ones((T, T)))
