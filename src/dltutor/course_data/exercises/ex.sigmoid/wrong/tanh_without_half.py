# expect-fail: known_values, random
# Uses sigma(x) = (1 + tanh(x)) / 2, forgetting that the identity needs tanh(x / 2).
import numpy as np


def sigmoid(x):
    return 0.5 * (1.0 + np.tanh(x))
