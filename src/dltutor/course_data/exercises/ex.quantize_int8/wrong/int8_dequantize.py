# expect-fail: dequantize_values, round_trip
# dequantize multiplies and casts back to int8, losing the fractional part.
import numpy as np


def quantize_int8(w):
    m = np.max(np.abs(w))
    scale = m / 127 if m > 0 else 1.0
    return np.clip(np.round(w / scale), -127, 127).astype(np.int8), float(scale)


def dequantize(q, scale):
    return (q * scale).astype(np.int8)
