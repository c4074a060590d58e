# expect-fail: indivisible_heads
# Uses D // num_heads without checking: the reshape fails with a confusing error, or not at all.
import numpy as np


def multi_head_attention(x, Wq, Wk, Wv, Wo, num_heads, mask=None):
    B, T, D = x.shape
    dh = D // num_heads
    q = (x @ Wq)[..., : num_heads * dh].reshape(B, T, num_heads, dh).transpose(0, 2, 1, 3)
    k = (x @ Wk)[..., : num_heads * dh].reshape(B, T, num_heads, dh).transpose(0, 2, 1, 3)
    v = (x @ Wv)[..., : num_heads * dh].reshape(B, T, num_heads, dh).transpose(0, 2, 1, 3)
    s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh)
    if mask is not None:
        s = np.where(mask, s, -np.inf)
    w = np.exp(s - s.max(axis=-1, keepdims=True))
    w = w / w.sum(axis=-1, keepdims=True)
    o = (w @ v).transpose(0, 2, 1, 3).reshape(B, T, num_heads * dh)
    out = np.zeros((B, T, D))
    out[..., : num_heads * dh] = o
    return out @ Wo
