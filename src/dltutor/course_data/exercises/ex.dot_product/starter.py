import numpy as np


def dot(a, b):
    """Return the dot product of the 1-D sequences a and b as a float.

    Raise ValueError when their lengths differ; empty inputs give 0.0.
    """
    # TODO: your code here
    raise NotImplementedError
