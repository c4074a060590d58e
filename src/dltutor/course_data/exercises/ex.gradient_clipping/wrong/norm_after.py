# expect-fail: two_arrays_scaled_together, random
# Reports the norm after clipping instead of before.
import numpy as np


def clip_grad_norm(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    scale = max_norm / (total + 1e-6) if total > max_norm else 1.0
    clipped = [g * scale for g in grads]
    return clipped, float(np.sqrt(sum(np.sum(g**2) for g in clipped)))
