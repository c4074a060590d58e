# expect-fail: random, gates_in_order
# Computes h_new from the old cell state c instead of c_new.
import numpy as np


def lstm_step(x, h, c, W, U, b):
    z = x @ W + h @ U + b
    H = h.shape[1]
    sig = lambda a: 1.0 / (1.0 + np.exp(-a))
    i, f, g, o = sig(z[:, :H]), sig(z[:, H:2 * H]), np.tanh(z[:, 2 * H:3 * H]), sig(z[:, 3 * H:])
    c_new = f * c + i * g
    return o * np.tanh(c), c_new
