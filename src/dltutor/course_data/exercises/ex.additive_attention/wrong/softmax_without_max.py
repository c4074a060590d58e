# expect-fail: large_scores_stable
# Exponentiates the raw scores: with a large w they reach 1e4 and exp overflows.
import numpy as np


def additive_attention(query, keys, values, Wq, Wk, w, src_lens=None):
    query, keys, values = (np.asarray(a, dtype=float) for a in (query, keys, values))
    B, T, _ = keys.shape
    hidden = np.tanh((query @ Wq.T)[:, None, :] + keys @ Wk.T)  # (B, T, h)
    scores = hidden @ w  # (B, T)
    if src_lens is not None:
        real = np.arange(T)[None, :] < np.asarray(src_lens)[:, None]
        scores = np.where(real, scores, -np.inf)
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=-1, keepdims=True)
    context = np.einsum("bt,btd->bd", weights, values)
    return context, weights
