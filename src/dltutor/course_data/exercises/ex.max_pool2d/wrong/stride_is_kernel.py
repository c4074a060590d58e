# expect-fail: overlapping_windows
# Ignores `stride` and always moves by the kernel size.
import numpy as np


def max_pool2d(x, kernel_size=2, stride=2):
    n, c, h, w = x.shape
    k = kernel_size
    oh, ow = (h - k) // stride + 1, (w - k) // stride + 1
    out = np.empty((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            win = x[:, :, i * k : i * k + k, j * k : j * k + k]
            out[:, :, i, j] = win.max(axis=(2, 3)) if win.size else -np.inf
    return out
