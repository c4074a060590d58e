# expect-fail: four
# The upper triangle: lets every position see the future instead of the past.
import numpy as np


def causal_mask(T):
    return np.triu(np.ones((T, T), dtype=bool))
