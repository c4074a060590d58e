# expect-fail: rectangular, random_shapes
# Multiplies by the transpose of B by mistake (B[j, t] instead of B[t, j]); right only when B is symmetric.
import numpy as np


def matmul(A, B):
    if A.shape[1] != B.shape[0]:
        raise ValueError("inner sizes differ")
    n, k = A.shape
    m = B.shape[1]
    C = np.zeros((n, m))
    for i in range(n):
        for j in range(min(m, k)):
            for t in range(min(k, m)):
                C[i, j] += A[i, t] * B[j, t]
    return C
