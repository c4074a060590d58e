import numpy as np


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    """Training-mode batch norm over axis 0 of x (N, D), biased variance; gamma, beta (D,)."""
    # TODO: your code here
    raise NotImplementedError
