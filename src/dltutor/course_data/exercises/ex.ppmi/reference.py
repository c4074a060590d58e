import numpy as np


def ppmi(C):
    C = np.asarray(C, dtype=float)
    total = C.sum()
    rows = C.sum(axis=1, keepdims=True)  # (V, 1): count of each word
    cols = C.sum(axis=0, keepdims=True)  # (1, K): count of each context
    out = np.zeros_like(C)
    seen = C > 0  # where C > 0, its row, its column and the total are > 0 as well
    expected = (rows * cols)[seen] / total  # the count if word and context were independent
    out[seen] = np.maximum(np.log(C[seen] / expected), 0.0)
    return out
