import numpy as np


def gru_step(x, h, W, U, b):
    """One GRU step. The 3H columns of W, U and b are the blocks r, z, n (in that order).

    Return h_new of shape (N, H).
    """
    # TODO: your code here
    raise NotImplementedError
