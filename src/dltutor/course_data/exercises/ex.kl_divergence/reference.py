import numpy as np


def kl_divergence(p, q):
    p = np.asarray(p, dtype=float)
    q = np.asarray(q, dtype=float)
    m = p > 0
    if np.any(q[m] == 0):
        raise ValueError("q is 0 where p > 0: the divergence is infinite")
    return float(np.sum(p[m] * np.log(p[m] / q[m])))
