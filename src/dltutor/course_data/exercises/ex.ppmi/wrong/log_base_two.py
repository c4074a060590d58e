# expect-fail: by_hand, random
# Measures PMI in bits (log2), not with the natural log the contract asks for.
import numpy as np


def ppmi(C):
    C = np.asarray(C, dtype=float)
    total = C.sum()
    rows, cols = C.sum(axis=1, keepdims=True), C.sum(axis=0, keepdims=True)
    out = np.zeros_like(C)
    seen = C > 0
    out[seen] = np.maximum(np.log2(C[seen] * total / (rows * cols)[seen]), 0.0)
    return out
