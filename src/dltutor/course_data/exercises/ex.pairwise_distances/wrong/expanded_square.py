# expect-fail: large_offsets
# Uses |a|^2 + |b|^2 - 2 a.b: fast, but near 1e6 the three terms are around 1e13 and their
# difference loses all the digits of a distance of about 10.
import numpy as np


def pairwise_sq_dists(A, B):
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    if A.shape[1] != B.shape[1]:
        raise ValueError("columns differ")
    return (A**2).sum(axis=1)[:, None] + (B**2).sum(axis=1)[None, :] - 2 * A @ B.T


def nearest(A, B):
    return np.argmin(pairwise_sq_dists(A, B), axis=1)
