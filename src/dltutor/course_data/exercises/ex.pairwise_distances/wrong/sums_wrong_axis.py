# expect-fail: known_values, shape_n_by_m
# Sums the squared differences over axis 1 (the rows of B) instead of the last axis.
import numpy as np


def pairwise_sq_dists(A, B):
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    if A.shape[1] != B.shape[1]:
        raise ValueError("columns differ")
    return ((A[:, None, :] - B[None, :, :]) ** 2).sum(axis=1)


def nearest(A, B):
    return np.argmin(pairwise_sq_dists(A, B), axis=1)
