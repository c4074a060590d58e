# expect-fail: long_text_is_stable
# Uses the product form prod(p)^(-1/N): the product of thousands of probabilities underflows to 0.
import numpy as np


def perplexity(log_probs, mask=None):
    lp = np.asarray(log_probs, dtype=float)
    keep = np.ones(lp.shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    if not keep.any():
        raise ValueError("no tokens")
    p = np.exp(lp[keep])
    return float(np.prod(p) ** (-1.0 / p.size))
