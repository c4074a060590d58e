# expect-fail: q_zero_where_p_positive
# Returns inf instead of raising ValueError when q is 0 where p > 0.
import numpy as np


def kl_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    m = p > 0
    with np.errstate(divide="ignore"):
        return float(np.sum(p[m] * np.log(p[m] / q[m])))
