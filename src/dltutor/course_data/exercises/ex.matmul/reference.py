import numpy as np


def matmul(A, B):
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0]:
        raise ValueError(f"cannot multiply shapes {A.shape} and {B.shape}")
    n, k = A.shape
    m = B.shape[1]
    C = np.zeros((n, m))
    for t in range(k):
        C += np.outer(A[:, t], B[t, :])
    return C
