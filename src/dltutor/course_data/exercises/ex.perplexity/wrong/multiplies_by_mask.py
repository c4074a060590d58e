# expect-fail: padding_may_hold_inf_and_nan
# Zeroes padding by multiplying with the mask: -inf * 0 and nan * 0 are nan.
import numpy as np


def perplexity(log_probs, mask=None):
    lp = np.asarray(log_probs, dtype=float)
    m = np.ones(lp.shape) if mask is None else np.asarray(mask, dtype=float)
    n = m.sum()
    if n == 0:
        raise ValueError("no tokens")
    return float(np.exp(-(lp * m).sum() / n))
