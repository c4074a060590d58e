# expect-fail: zero_counts, zero_row_and_column, all_zero
# Takes the log of every entry and relies on max(-inf, 0) = 0: log(0) warns, and an all-zero
# row or column gives 0/0 = nan.
import numpy as np


def ppmi(C):
    C = np.asarray(C, dtype=float)
    total = C.sum()
    rows, cols = C.sum(axis=1, keepdims=True), C.sum(axis=0, keepdims=True)
    return np.maximum(np.log(C * total / (rows * cols)), 0.0)
