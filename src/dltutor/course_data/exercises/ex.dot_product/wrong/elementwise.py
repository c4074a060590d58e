# expect-fail: small_lists, random_arrays
# Returns the elementwise product (a vector) instead of its sum.
import numpy as np


def dot(a, b):
    if len(a) != len(b):
        raise ValueError("lengths differ")
    return np.asarray(a, dtype=float) * np.asarray(b, dtype=float)
