import numpy as np


def dropout_forward(x, p, training, rng):
    x = np.asarray(x, dtype=float)
    if not training:
        return x.copy(), np.ones(x.shape, dtype=bool)
    mask = rng.random(x.shape) >= p
    return x * mask / (1.0 - p), mask
