# expect-fail: update_gate_copies_the_state, update_gate_closed_takes_candidate, random
# Takes the blocks in the order z, r, n instead of r, z, n.
import numpy as np


def _sig(v):
    return 0.5 * (1.0 + np.tanh(0.5 * v))


def gru_step(x, h, W, U, b):
    H = h.shape[1]
    a = x @ W + b
    z = _sig(a[:, :H] + h @ U[:, :H])
    r = _sig(a[:, H:2 * H] + h @ U[:, H:2 * H])
    n = np.tanh(a[:, 2 * H:] + (r * h) @ U[:, 2 * H:])
    return z * h + (1 - z) * n
