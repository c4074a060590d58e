import numpy as np


def clip_grad_norm(grads, max_norm):
    arrays = [np.asarray(g, dtype=float) for g in grads]
    total = float(np.sqrt(sum(float(np.sum(g * g)) for g in arrays)))
    scale = max_norm / (total + 1e-6) if total > max_norm else 1.0
    return [g * scale for g in arrays], total
