import numpy as np


def conv2d(x, w, b, stride=1, padding=0):
    """Cross-correlation of x (N, C, H, W) with kernels w (F, C, KH, KW), plus bias b (F,).

    Zero padding on all four sides; output (N, F, OH, OW).
    """
    # TODO: your code here
    raise NotImplementedError
