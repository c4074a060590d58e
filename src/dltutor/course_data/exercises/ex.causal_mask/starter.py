import numpy as np


def causal_mask(T):
    """Boolean (T, T) array, True where column j <= row i."""
    # TODO: your code here
    raise NotImplementedError
