# expect-fail: halves_to_even
# Rounds halves away from zero (floor(x + 0.5) style) instead of numpy's halves-to-even.
import numpy as np


def quantize_int8(w):
    m = np.max(np.abs(w))
    scale = m / 127 if m > 0 else 1.0
    x = w / scale
    q = np.sign(x) * np.floor(np.abs(x) + 0.5)
    return np.clip(q, -127, 127).astype(np.int8), float(scale)


def dequantize(q, scale):
    return q.astype(np.float64) * scale
