# expect-fail: known_value, matrix, random
# Sums the squared errors instead of averaging them.
import numpy as np


def mse(pred, target):
    return float(np.sum((pred - target) ** 2))
