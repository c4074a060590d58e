import numpy as np


def mse(pred, target):
    d = np.asarray(pred, dtype=float) - np.asarray(target, dtype=float)
    return float(np.mean(d * d))
