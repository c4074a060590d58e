# expect-fail: known_value, random
# Uses the 1/2 convention of some textbooks: half the mean squared error.
import numpy as np


def mse(pred, target):
    return float(0.5 * np.mean((pred - target) ** 2))
