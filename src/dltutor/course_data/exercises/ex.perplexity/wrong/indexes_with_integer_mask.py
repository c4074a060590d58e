# expect-fail: integer_mask
# Indexes with the mask as given: a 0/1 integer array selects elements 0 and 1, not positions.
import numpy as np


def perplexity(log_probs, mask=None):
    lp = np.asarray(log_probs, dtype=float)
    counted = lp.ravel() if mask is None else lp[np.asarray(mask)]
    if counted.size == 0:
        raise ValueError("no tokens")
    return float(np.exp(-counted.mean()))
