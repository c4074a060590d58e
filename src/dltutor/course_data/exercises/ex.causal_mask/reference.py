import numpy as np


def causal_mask(T):
    i = np.arange(T)
    return i[None, :] <= i[:, None]  # (T, T): row i = query, column j = key
