import numpy as np


def recall_at_k(ranked, relevant, k):
    """Mean over questions of |relevant in the first k results| / |relevant|."""
    # TODO: your code here
    raise NotImplementedError


def mean_reciprocal_rank(ranked, relevant):
    """Mean over questions of 1 / (1-based rank of the first relevant result), 0 without a hit."""
    # TODO: your code here
    raise NotImplementedError
