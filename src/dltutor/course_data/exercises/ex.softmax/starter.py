import numpy as np


def softmax(x, axis=-1):
    """Return the softmax of x along `axis`; stable for large values."""
    # TODO: your code here
    raise NotImplementedError
