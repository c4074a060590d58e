# expect-fail: known_values, random
# Uses a sigmoid instead of tanh.
import numpy as np


def rnn_step(x, h, Wx, Wh, b):
    return 1.0 / (1.0 + np.exp(-(x @ Wx + h @ Wh + b)))
