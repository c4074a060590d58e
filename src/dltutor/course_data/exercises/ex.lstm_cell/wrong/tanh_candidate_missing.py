# expect-fail: random
# Applies a sigmoid to every block, the candidate g included.
import numpy as np


def lstm_step(x, h, c, W, U, b):
    z = x @ W + h @ U + b
    H = h.shape[1]
    s = 1.0 / (1.0 + np.exp(-z))
    i, f, g, o = s[:, :H], s[:, H:2 * H], s[:, 2 * H:3 * H], s[:, 3 * H:]
    c_new = f * c + i * g
    return o * np.tanh(c_new), c_new
