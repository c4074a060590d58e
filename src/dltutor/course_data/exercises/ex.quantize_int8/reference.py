import numpy as np


def quantize_int8(w):
    w = np.asarray(w, dtype=float)
    m = float(np.max(np.abs(w))) if w.size else 0.0
    scale = m / 127.0 if m > 0 else 1.0
    q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
    return q, scale


def dequantize(q, scale):
    return np.asarray(q).astype(np.float64) * scale
