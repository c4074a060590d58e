# expect-fail: two_arrays_scaled_together
# Scales the caller's arrays in place.
import numpy as np


def clip_grad_norm(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    if total > max_norm:
        for g in grads:
            g *= max_norm / (total + 1e-6)
    return grads, total
