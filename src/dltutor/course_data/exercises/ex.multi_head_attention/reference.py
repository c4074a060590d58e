import numpy as np


def multi_head_attention(x, Wq, Wk, Wv, Wo, num_heads, mask=None):
    x = np.asarray(x, dtype=float)
    B, T, D = x.shape
    if D % num_heads != 0:
        raise ValueError(f"D={D} is not divisible by num_heads={num_heads}")
    dh = D // num_heads

    def split(M):  # (B, T, D) -> (B, h, T, dh)
        return M.reshape(B, T, num_heads, dh).transpose(0, 2, 1, 3)

    q, k, v = split(x @ Wq), split(x @ Wk), split(x @ Wv)
    scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh)  # (B, h, T, T)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    w = np.exp(scores)
    w = w / w.sum(axis=-1, keepdims=True)
    out = (w @ v).transpose(0, 2, 1, 3).reshape(B, T, D)
    return out @ Wo
