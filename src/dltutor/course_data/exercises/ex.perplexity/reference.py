import numpy as np


def perplexity(log_probs, mask=None):
    lp = np.asarray(log_probs, dtype=float)
    keep = np.ones(lp.shape, dtype=bool) if mask is None else np.asarray(mask).astype(bool)
    counted = lp[keep]
    if counted.size == 0:
        raise ValueError("no token counts: the input is empty or the mask is all False")
    return float(np.exp(-counted.mean()))
