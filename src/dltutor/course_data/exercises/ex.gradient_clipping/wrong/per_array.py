# expect-fail: two_arrays_scaled_together, random
# Clips each array by its own norm instead of the global one.
import numpy as np


def clip_grad_norm(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    out = []
    for g in grads:
        n = np.sqrt(np.sum(g**2))
        out.append(g * (max_norm / (n + 1e-6)) if n > max_norm else g.copy())
    return out, total
