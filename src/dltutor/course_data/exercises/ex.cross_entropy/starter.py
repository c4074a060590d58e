import numpy as np


def cross_entropy(logits, labels):
    """Mean negative log-softmax of the true class.

    logits: (N, C) array; labels: (N,) integer array. Stable for large logits.
    """
    # TODO: your code here
    raise NotImplementedError
