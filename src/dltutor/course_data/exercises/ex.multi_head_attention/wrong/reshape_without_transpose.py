# expect-fail: random_heads, causal_mask
# Joins the heads with a plain reshape of (B, h, T, dh), scrambling heads and positions.
import numpy as np


def multi_head_attention(x, Wq, Wk, Wv, Wo, num_heads, mask=None):
    B, T, D = x.shape
    if D % num_heads:
        raise ValueError("D not divisible by num_heads")
    dh = D // num_heads
    split = lambda M: M.reshape(B, T, num_heads, dh).transpose(0, 2, 1, 3)
    q, k, v = split(x @ Wq), split(x @ Wk), split(x @ Wv)
    s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh)
    if mask is not None:
        s = np.where(mask, s, -np.inf)
    w = np.exp(s - s.max(axis=-1, keepdims=True))
    w = w / w.sum(axis=-1, keepdims=True)
    return (w @ v).reshape(B, T, D) @ Wo
