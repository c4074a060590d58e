# expect-fail: known_value, random
# Mean absolute error instead of mean squared error.
import numpy as np


def mse(pred, target):
    return float(np.mean(np.abs(pred - target)))
