import numpy as np


def sinusoidal_positional_encoding(T, d):
    """(T, d) array: PE[pos, 2i] = sin(pos / 10000**(2i/d)), PE[pos, 2i+1] = cos(same)."""
    # TODO: your code here
    raise NotImplementedError
