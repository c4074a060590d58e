# expect-fail: nearest, nearest_ties, nearest_random
# Takes the argmin over axis 0: for each row of B the nearest row of A.
import numpy as np


def pairwise_sq_dists(A, B):
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[1]:
        raise ValueError("columns differ")
    return ((A[:, None, :] - B[None, :, :]) ** 2).sum(axis=-1)


def nearest(A, B):
    return np.argmin(pairwise_sq_dists(A, B), axis=0)
