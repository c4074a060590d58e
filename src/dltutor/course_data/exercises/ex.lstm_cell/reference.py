import numpy as np


def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def lstm_step(x, h, c, W, U, b):
    z = np.asarray(x, dtype=float) @ W + np.asarray(h, dtype=float) @ U + b  # (N, 4H)
    H = np.shape(h)[1]
    i = _sigmoid(z[:, :H])
    f = _sigmoid(z[:, H : 2 * H])
    g = np.tanh(z[:, 2 * H : 3 * H])
    o = _sigmoid(z[:, 3 * H :])
    c_new = f * c + i * g
    return o * np.tanh(c_new), c_new
