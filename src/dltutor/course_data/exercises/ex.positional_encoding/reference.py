import numpy as np


def sinusoidal_positional_encoding(T, d):
    angle = np.arange(T)[:, None] / 10000.0 ** (np.arange(0, d, 2) / d)  # (T, ceil(d/2))
    pe = np.zeros((T, d))
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle[:, : d // 2])
    return pe
