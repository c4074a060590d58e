import numpy as np


def rnn_step(x, h, Wx, Wh, b):
    return np.tanh(np.asarray(x, dtype=float) @ Wx + np.asarray(h, dtype=float) @ Wh + b)
