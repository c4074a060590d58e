# expect-fail: odd_d
# Assumes d is even: for odd d the shapes of the cosine part do not match.
import numpy as np


def sinusoidal_positional_encoding(T, d):
    angle = np.arange(T)[:, None] / 10000.0 ** (np.arange(0, d, 2) / d)
    pe = np.zeros((T, d))
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle)
    return pe
