import numpy as np


def kl_divergence(p, q):
    """KL(p || q) = sum over p > 0 of p * log(p / q), natural log.

    Raise ValueError if q is 0 where p > 0.
    """
    # TODO: your code here
    raise NotImplementedError
