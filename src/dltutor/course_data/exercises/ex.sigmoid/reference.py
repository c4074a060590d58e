import numpy as np


def sigmoid(x):
    x = np.asarray(x, dtype=float)
    z = np.exp(-np.abs(x))  # always in (0, 1]: no overflow
    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))
