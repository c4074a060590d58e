# expect-fail: inner_sizes_differ
# Loops over A's columns without checking B has as many rows: IndexError, not ValueError.
import numpy as np


def matmul(A, B):
    n, k = A.shape
    m = B.shape[1]
    C = np.zeros((n, m))
    for i in range(n):
        for j in range(m):
            for t in range(k):
                C[i, j] += A[i, t] * B[t, j]
    return C
