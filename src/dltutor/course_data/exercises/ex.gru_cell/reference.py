import numpy as np


def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def gru_step(x, h, W, U, b):
    x, h = np.asarray(x, dtype=float), np.asarray(h, dtype=float)
    W, U, b = np.asarray(W, dtype=float), np.asarray(U, dtype=float), np.asarray(b, dtype=float)
    H = h.shape[1]
    a = x @ W + b  # (N, 3H): input parts of r, z and the candidate
    r = _sigmoid(a[:, :H] + h @ U[:, :H])
    z = _sigmoid(a[:, H : 2 * H] + h @ U[:, H : 2 * H])
    n = np.tanh(a[:, 2 * H :] + (r * h) @ U[:, 2 * H :])  # reset applied before the product
    return z * h + (1.0 - z) * n
