# expect-fail: mask_skips_padding, token_weighted_not_per_sequence
# Sums only the counted log-probs but divides by every position, padding included.
import numpy as np


def perplexity(log_probs, mask=None):
    lp = np.asarray(log_probs, dtype=float)
    keep = np.ones(lp.shape, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    if not keep.any():
        raise ValueError("no tokens")
    return float(np.exp(-lp[keep].sum() / lp.size))
