# expect-fail: known_values, random
# Multiplies by Wh transposed (Wh @ h written as h @ Wh.T).
import numpy as np


def rnn_step(x, h, Wx, Wh, b):
    return np.tanh(x @ Wx + h @ Wh.T + b)
