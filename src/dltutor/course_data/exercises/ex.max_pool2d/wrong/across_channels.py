# expect-fail: channels_separate, random
# Takes the maximum over the channels as well.
import numpy as np


def max_pool2d(x, kernel_size=2, stride=2):
    n, c, h, w = x.shape
    k, s = kernel_size, stride
    oh, ow = (h - k) // s + 1, (w - k) // s + 1
    out = np.empty((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            m = x[:, :, i * s : i * s + k, j * s : j * s + k].max(axis=(1, 2, 3))
            out[:, :, i, j] = m[:, None]
    return out
