# expect-fail: rectangular, random_shapes
# Allocates an (n, n) result, as if every matrix were square.
import numpy as np


def matmul(A, B):
    if A.shape[1] != B.shape[0]:
        raise ValueError("inner sizes differ")
    n = A.shape[0]
    C = np.zeros((n, n))
    for i in range(n):
        for j in range(min(n, B.shape[1])):
            C[i, j] = np.dot(A[i, :], B[:, j])
    return C
