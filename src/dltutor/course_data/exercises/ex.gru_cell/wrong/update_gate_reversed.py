# expect-fail: update_gate_copies_the_state, update_gate_closed_takes_candidate, random
# Mixes the other way round, h_new = (1 - z) * h + z * n (the convention of some other texts).
import numpy as np


def _sig(v):
    return 0.5 * (1.0 + np.tanh(0.5 * v))


def gru_step(x, h, W, U, b):
    H = h.shape[1]
    a = x @ W + b
    r = _sig(a[:, :H] + h @ U[:, :H])
    z = _sig(a[:, H:2 * H] + h @ U[:, H:2 * H])
    n = np.tanh(a[:, 2 * H:] + (r * h) @ U[:, 2 * H:])
    return (1 - z) * h + z * n
