# expect-fail: padding_gets_no_weight
# Zeroes the padding weights after the softmax without renormalising, so rows no longer sum to 1.
import numpy as np


def additive_attention(query, keys, values, Wq, Wk, w, src_lens=None):
    query, keys, values = (np.asarray(a, dtype=float) for a in (query, keys, values))
    B, T, _ = keys.shape
    hidden = np.tanh((query @ Wq.T)[:, None, :] + keys @ Wk.T)  # (B, T, h)
    scores = hidden @ w  # (B, T)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=-1, keepdims=True)
    if src_lens is not None:
        weights = weights * (np.arange(T)[None, :] < np.asarray(src_lens)[:, None])
    context = np.einsum("bt,btd->bd", weights, values)
    return context, weights
