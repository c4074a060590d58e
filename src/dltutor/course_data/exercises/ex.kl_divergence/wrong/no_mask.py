# expect-fail: zeros_in_p
# Sums over every entry: 0 * log(0 / q) is nan in numpy.
import numpy as np


def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if np.any((p > 0) & (q == 0)):
        raise ValueError("infinite")
    return float(np.sum(p * np.log(p / q)))
