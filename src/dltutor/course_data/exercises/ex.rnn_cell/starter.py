import numpy as np


def rnn_step(x, h, Wx, Wh, b):
    """Return tanh(x @ Wx + h @ Wh + b): x (N, D), h (N, H)."""
    # TODO: your code here
    raise NotImplementedError
