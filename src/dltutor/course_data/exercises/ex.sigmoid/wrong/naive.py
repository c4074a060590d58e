# expect-fail: extremes_no_warning
# The textbook formula: np.exp(1000) overflows (inf, with a RuntimeWarning) for x = -1000.
import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))
