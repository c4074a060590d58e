# expect-fail: ties_lower_index_first
# Prunes everything at or below a threshold: equal magnitudes are all pruned together.
import math

import numpy as np


def prune_by_magnitude(w, sparsity):
    n = int(math.floor(sparsity * w.size))
    if n == 0:
        return w.copy(), np.ones(w.shape, dtype=bool)
    threshold = np.sort(np.abs(w.ravel()))[n - 1]
    mask = np.abs(w) > threshold
    return w * mask, mask
