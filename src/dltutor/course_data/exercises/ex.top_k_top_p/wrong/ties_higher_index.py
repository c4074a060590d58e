# expect-fail: ties_lower_index_first
# Ranks with argsort(probs)[::-1], which puts the higher index first among equal probabilities.
import numpy as np


def top_k_top_p_probs(logits, k=None, p=None, temperature=1.0):
    z = np.asarray(logits, dtype=float) / temperature
    probs = np.exp(z - z.max())
    probs /= probs.sum()
    order = np.argsort(probs, kind="stable")[::-1]
    n = len(probs)
    kk = n if k is None else min(k, n)
    keep = np.zeros(n, dtype=bool)
    keep[order[:kk]] = True
    probs = np.where(keep, probs, 0.0)
    probs /= probs.sum()
    if p is not None:
        cum = np.cumsum(probs[order[:kk]])
        m = int(np.argmax(cum >= p)) + 1
        keep = np.zeros(n, dtype=bool)
        keep[order[:m]] = True
        probs = np.where(keep, probs, 0.0)
        probs /= probs.sum()
    return probs
