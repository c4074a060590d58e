# expect-fail: small_table, random_sizes
# Puts all sines first and all cosines after, instead of interleaving them.
import numpy as np


def sinusoidal_positional_encoding(T, d):
    angle = np.arange(T)[:, None] / 10000.0 ** (np.arange(0, d, 2) / d)
    return np.concatenate([np.sin(angle), np.cos(angle[:, : d // 2])], axis=1)
