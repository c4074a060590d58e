# expect-fail: known_value, random
# Uses log base 2 (bits) instead of the natural log (nats).
import numpy as np


def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    m = p > 0
    if np.any(q[m] == 0):
        raise ValueError("infinite")
    return float(np.sum(p[m] * np.log2(p[m] / q[m])))
