import numpy as np


def dot(a, b):
    if len(a) != len(b):
        raise ValueError(f"lengths differ: {len(a)} and {len(b)}")
    return float(np.dot(np.asarray(a, dtype=float), np.asarray(b, dtype=float))) if len(a) else 0.0
