# expect-fail: token_weighted_not_per_sequence
# Computes each sequence's perplexity and averages those, instead of one mean over all tokens.
import numpy as np


def perplexity(log_probs, mask=None):
    lp = np.atleast_2d(np.asarray(log_probs, dtype=float))
    keep = np.ones(lp.shape, dtype=bool) if mask is None else np.atleast_2d(np.asarray(mask, dtype=bool))
    lp = lp.reshape(-1, lp.shape[-1])
    keep = keep.reshape(-1, keep.shape[-1])
    if not keep.any():
        raise ValueError("no tokens")
    ppls = [np.exp(-row[k].mean()) for row, k in zip(lp, keep) if k.any()]
    return float(np.mean(ppls))
