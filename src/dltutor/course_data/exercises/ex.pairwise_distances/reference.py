import numpy as np


def pairwise_sq_dists(A, B):
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[1]:
        # checked by hand: a (N, 1) against a (M, D) would broadcast silently
        raise ValueError(f"A and B need the same number of columns, got {A.shape} and {B.shape}")
    diff = A[:, None, :] - B[None, :, :]  # (N, M, D); differences first keeps large offsets exact
    return (diff**2).sum(axis=-1)


def nearest(A, B):
    return np.argmin(pairwise_sq_dists(A, B), axis=1)  # ties: argmin takes the first
