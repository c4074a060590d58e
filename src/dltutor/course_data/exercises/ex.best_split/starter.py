import numpy as np


def best_split(x, y, criterion="entropy"):
    """The threshold t of one feature x whose split x <= t / x > t has the largest gain.

    criterion: "entropy" (in bits) or "gini". Return (t, gain); (None, 0.0) when x has fewer
    than two distinct values.
    """
    # TODO: your code here
    raise NotImplementedError
