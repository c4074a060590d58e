# expect-fail: small_table, random_sizes
# Uses the column index j in the exponent (10000**(j/d)) instead of the pair's 2i.
import numpy as np


def sinusoidal_positional_encoding(T, d):
    j = np.arange(d)
    angle = np.arange(T)[:, None] / 10000.0 ** (j / d)
    return np.where(j % 2 == 0, np.sin(angle), np.cos(angle))
