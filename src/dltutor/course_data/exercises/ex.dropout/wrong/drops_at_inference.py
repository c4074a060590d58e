# expect-fail: inference_is_identity
# Applies the mask at inference time too.
import numpy as np


def dropout_forward(x, p, training, rng):
    mask = rng.random(x.shape) >= p
    return x * mask / (1.0 - p), mask
