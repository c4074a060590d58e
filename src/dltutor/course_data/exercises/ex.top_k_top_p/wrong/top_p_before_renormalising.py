# expect-fail: k_then_p
# Applies top-p to the original softmax instead of the distribution renormalised after top-k.
import numpy as np


def top_k_top_p_probs(logits, k=None, p=None, temperature=1.0):
    z = np.asarray(logits, dtype=float) / temperature
    probs = np.exp(z - z.max())
    probs /= probs.sum()
    n = len(probs)
    order = np.lexsort((np.arange(n), -probs))
    kk = n if k is None else min(k, n)
    m = kk
    if p is not None:
        cum = np.cumsum(probs[order[:kk]])
        hit = cum >= p
        m = int(np.argmax(hit)) + 1 if hit.any() else kk
    keep = np.zeros(n, dtype=bool)
    keep[order[:m]] = True
    out = np.where(keep, probs, 0.0)
    return out / out.sum()
