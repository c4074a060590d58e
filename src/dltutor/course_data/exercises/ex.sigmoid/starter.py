import numpy as np


def sigmoid(x):
    """Return 1 / (1 + exp(-x)) elementwise, without overflow for x in [-1000, 1000]."""
    # TODO: your code here
    raise NotImplementedError
