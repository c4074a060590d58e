# expect-fail: floor_of_count
# Rounds sparsity * size instead of taking its floor.
import numpy as np


def prune_by_magnitude(w, sparsity):
    n = int(round(sparsity * w.size))
    order = np.argsort(np.abs(w.ravel()), kind="stable")
    keep = np.ones(w.size, dtype=bool)
    keep[order[:n]] = False
    mask = keep.reshape(w.shape)
    return w * mask, mask
