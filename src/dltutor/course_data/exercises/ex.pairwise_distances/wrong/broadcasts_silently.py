# expect-fail: mismatched_columns
# Trusts broadcasting to complain: a single column of A is stretched against B's three columns.
import numpy as np


def pairwise_sq_dists(A, B):
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    return ((A[:, None, :] - B[None, :, :]) ** 2).sum(axis=-1)


def nearest(A, B):
    return np.argmin(pairwise_sq_dists(A, B), axis=1)
