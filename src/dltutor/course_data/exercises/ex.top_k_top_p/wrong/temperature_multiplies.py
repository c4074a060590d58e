# expect-fail: temperature
# Multiplies the logits by the temperature instead of dividing.
import numpy as np


def top_k_top_p_probs(logits, k=None, p=None, temperature=1.0):
    z = np.asarray(logits, dtype=float) * temperature
    probs = np.exp(z - z.max())
    probs /= probs.sum()
    n = len(probs)
    order = np.lexsort((np.arange(n), -probs))
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
