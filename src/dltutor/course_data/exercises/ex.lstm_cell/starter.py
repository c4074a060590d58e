import numpy as np


def lstm_step(x, h, c, W, U, b):
    """One LSTM step. z = x @ W + h @ U + b is split into i, f, g, o (in that order).

    Return (h_new, c_new).
    """
    # TODO: your code here
    raise NotImplementedError
