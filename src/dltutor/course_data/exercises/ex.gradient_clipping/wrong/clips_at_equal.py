# expect-fail: exactly_at_the_limit
# Clips when total_norm >= max_norm, so a norm exactly at the limit is scaled by max/(max+1e-6).
import numpy as np


def clip_grad_norm(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g**2) for g in grads)))
    scale = max_norm / (total + 1e-6) if total >= max_norm else 1.0
    return [g * scale for g in grads], total
