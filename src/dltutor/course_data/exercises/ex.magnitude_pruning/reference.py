import math

import numpy as np


def prune_by_magnitude(w, sparsity):
    w = np.asarray(w, dtype=float)
    n = int(math.floor(sparsity * w.size))
    order = np.argsort(np.abs(w.ravel()), kind="stable")  # smallest first, ties by index
    keep = np.ones(w.size, dtype=bool)
    keep[order[:n]] = False
    mask = keep.reshape(w.shape)
    return np.where(mask, w, 0.0), mask
