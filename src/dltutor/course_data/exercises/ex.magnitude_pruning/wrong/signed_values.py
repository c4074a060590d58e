# expect-fail: known_values, random
# Sorts by the signed value, so large negative weights are pruned first.
import math

import numpy as np


def prune_by_magnitude(w, sparsity):
    n = int(math.floor(sparsity * w.size))
    order = np.argsort(w.ravel(), kind="stable")
    keep = np.ones(w.size, dtype=bool)
    keep[order[:n]] = False
    mask = keep.reshape(w.shape)
    return w * mask, mask
