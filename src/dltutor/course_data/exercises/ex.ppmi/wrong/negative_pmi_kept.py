# expect-fail: by_hand, zero_counts, random
# Returns the PMI itself: the negative values are not clipped to 0.
import numpy as np


def ppmi(C):
    C = np.asarray(C, dtype=float)
    total = C.sum()
    rows, cols = C.sum(axis=1, keepdims=True), C.sum(axis=0, keepdims=True)
    out = np.zeros_like(C)
    seen = C > 0
    out[seen] = np.log(C[seen] * total / (rows * cols)[seen])
    return out
