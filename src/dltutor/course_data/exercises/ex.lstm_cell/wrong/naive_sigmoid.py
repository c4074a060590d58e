# expect-fail: large_inputs_no_overflow
# The textbook sigmoid 1 / (1 + exp(-z)): right values, but np.exp(1000) overflows (inf, with a
# RuntimeWarning) for a pre-activation of -1000.
import numpy as np


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def lstm_step(x, h, c, W, U, b):
    z = np.asarray(x, dtype=float) @ W + np.asarray(h, dtype=float) @ U + b
    H = np.shape(h)[1]
    i = _sigmoid(z[:, :H])
    f = _sigmoid(z[:, H : 2 * H])
    g = np.tanh(z[:, 2 * H : 3 * H])
    o = _sigmoid(z[:, 3 * H :])
    c_new = f * c + i * g
    return o * np.tanh(c_new), c_new
