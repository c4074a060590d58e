import numpy as np


def layer_norm(x, gamma, beta, eps=1e-5):
    """Normalise x over its last axis (biased variance), then scale by gamma and shift by beta."""
    # TODO: your code here
    raise NotImplementedError
