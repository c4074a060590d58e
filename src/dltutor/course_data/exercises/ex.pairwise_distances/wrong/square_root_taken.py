# expect-fail: known_values, shape_n_by_m
# Returns the Euclidean distances themselves, not their squares.
import numpy as np


def pairwise_sq_dists(A, B):
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    if A.shape[1] != B.shape[1]:
        raise ValueError("columns differ")
    return np.sqrt(((A[:, None, :] - B[None, :, :]) ** 2).sum(axis=-1))


def nearest(A, B):
    return np.argmin(pairwise_sq_dists(A, B), axis=1)
