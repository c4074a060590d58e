import numpy as np


def attention(Q, K, V, mask=None):
    """Scaled dot-product attention. Q (..., Tq, d), K (..., Tk, d), V (..., Tk, dv).

    mask: boolean, broadcastable to (..., Tq, Tk); False positions are excluded.
    Return (out, weights).
    """
    # TODO: your code here
    raise NotImplementedError
