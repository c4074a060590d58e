# expect-fail: training_values, training_mask
# Treats p as the keep probability: mask = rng.random(...) < p, divided by p.
import numpy as np


def dropout_forward(x, p, training, rng):
    if not training:
        return x.copy(), np.ones(x.shape, dtype=bool)
    mask = rng.random(x.shape) < p
    return x * mask / p, mask
