import numpy as np


def quantize_int8(w):
    """Symmetric per-tensor int8 quantisation: return (q as int8, scale as float)."""
    # TODO: your code here
    raise NotImplementedError


def dequantize(q, scale):
    """Return q * scale as a float array."""
    # TODO: your code here
    raise NotImplementedError
