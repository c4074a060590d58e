# expect-fail: reset_before_the_product, random
# Applies the reset after the matrix product, r * (h @ U_n): PyTorch's variant, not this contract's.
import numpy as np


def _sig(v):
    return 0.5 * (1.0 + np.tanh(0.5 * v))


def gru_step(x, h, W, U, b):
    H = h.shape[1]
    a = x @ W + b
    r = _sig(a[:, :H] + h @ U[:, :H])
    z = _sig(a[:, H:2 * H] + h @ U[:, H:2 * H])
    n = np.tanh(a[:, 2 * H:] + r * (h @ U[:, 2 * H:]))
    return z * h + (1 - z) * n
