# expect-fail: reset_gate_hides_the_state, reset_before_the_product, random
# Computes the reset gate but never uses it: the candidate always sees the whole old state.
import numpy as np


def _sig(v):
    return 0.5 * (1.0 + np.tanh(0.5 * v))


def gru_step(x, h, W, U, b):
    H = h.shape[1]
    a = x @ W + b
    z = _sig(a[:, H:2 * H] + h @ U[:, H:2 * H])
    n = np.tanh(a[:, 2 * H:] + h @ U[:, 2 * H:])
    return z * h + (1 - z) * n
