# expect-fail: training_values
# Standard (not inverted) dropout: forgets to divide by 1 - p.
import numpy as np


def dropout_forward(x, p, training, rng):
    if not training:
        return x.copy(), np.ones(x.shape, dtype=bool)
    mask = rng.random(x.shape) >= p
    return x * mask, mask
