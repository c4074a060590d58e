import numpy as np


def dropout_forward(x, p, training, rng):
    """Inverted dropout with drop probability p.

    Training: mask = rng.random(x.shape) >= p, out = x * mask / (1 - p).
    Inference: out = x, mask all True. Return (out, mask).
    """
    # TODO: your code here
    raise NotImplementedError
