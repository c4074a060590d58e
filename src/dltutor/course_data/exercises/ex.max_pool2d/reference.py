import numpy as np


def max_pool2d(x, kernel_size=2, stride=2):
    x = np.asarray(x, dtype=float)
    n, c, h, w = x.shape
    k, s = kernel_size, stride
    oh, ow = (h - k) // s + 1, (w - k) // s + 1
    out = np.empty((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[:, :, i, j] = x[:, :, i * s : i * s + k, j * s : j * s + k].max(axis=(2, 3))
    return out
