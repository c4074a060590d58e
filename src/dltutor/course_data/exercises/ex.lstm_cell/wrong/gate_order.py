# expect-fail: random, gates_in_order
# Splits the blocks in the order i, f, o, g (another common layout), not i, f, g, o.
import numpy as np


def lstm_step(x, h, c, W, U, b):
    z = x @ W + h @ U + b
    H = h.shape[1]
    sig = lambda a: 1.0 / (1.0 + np.exp(-a))
    i, f, o, g = sig(z[:, :H]), sig(z[:, H:2 * H]), sig(z[:, 2 * H:3 * H]), np.tanh(z[:, 3 * H:])
    c_new = f * c + i * g
    return o * np.tanh(c_new), c_new
