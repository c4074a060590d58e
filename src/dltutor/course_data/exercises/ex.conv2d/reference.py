import numpy as np


def conv2d(x, w, b, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    p, s = padding, stride
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    oh = (h + 2 * p - kh) // s + 1
    ow = (wd + 2 * p - kw) // s + 1
    out = np.zeros((n, f, oh, ow))
    for i in range(oh):
        for j in range(ow):
            win = xp[:, :, i * s : i * s + kh, j * s : j * s + kw]  # (N, C, KH, KW)
            out[:, :, i, j] = np.tensordot(win, w, axes=([1, 2, 3], [1, 2, 3])) + b
    return out
