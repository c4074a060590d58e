# expect-fail: memory_matters, random
# Forgets the recurrent term h @ Wh: no memory of earlier steps.
import numpy as np


def rnn_step(x, h, Wx, Wh, b):
    return np.tanh(x @ Wx + b)
