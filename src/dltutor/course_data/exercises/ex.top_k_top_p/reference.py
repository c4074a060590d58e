import numpy as np


def top_k_top_p_probs(logits, k=None, p=None, temperature=1.0):
    z = np.asarray(logits, dtype=float) / temperature
    probs = np.exp(z - z.max())
    probs = probs / probs.sum()
    n = len(probs)
    order = np.lexsort((np.arange(n), -probs))  # most probable first, ties by lower index
    kk = n if k is None else min(int(k), n)
    keep = np.zeros(n, dtype=bool)
    keep[order[:kk]] = True
    probs = np.where(keep, probs, 0.0)
    probs = probs / probs.sum()
    if p is not None:
        cum = np.cumsum(probs[order[:kk]])
        reached = cum >= p - 1e-12  # tolerate rounding in the running sum
        m = int(np.argmax(reached)) + 1 if reached.any() else kk
        keep = np.zeros(n, dtype=bool)
        keep[order[:m]] = True
        probs = np.where(keep, probs, 0.0)
        probs = probs / probs.sum()
    return probs
