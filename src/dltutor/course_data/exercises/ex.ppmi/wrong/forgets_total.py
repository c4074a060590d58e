# expect-fail: by_hand, scale_invariant, random
# Divides the count by row * column but forgets to multiply by the total: p(w, c) / (p(w) p(c))
# mixes probabilities and counts.
import numpy as np


def ppmi(C):
    C = np.asarray(C, dtype=float)
    rows, cols = C.sum(axis=1, keepdims=True), C.sum(axis=0, keepdims=True)
    out = np.zeros_like(C)
    seen = C > 0
    out[seen] = np.maximum(np.log(C[seen] / (rows * cols)[seen]), 0.0)
    return out
