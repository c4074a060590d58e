# expect-fail: sequences_are_independent, new_key_goes_last
# Normalises the (B, t+1) scores over axis 0, across sequences, instead of over each sequence's keys.
import numpy as np


def kv_cache_step(x_t, K_cache, V_cache, Wq, Wk, Wv):
    x_t = np.asarray(x_t, dtype=float)
    q, k, v = x_t @ Wq, x_t @ Wk, x_t @ Wv
    K_new = np.concatenate([K_cache, k[:, None, :]], axis=1)
    V_new = np.concatenate([V_cache, v[:, None, :]], axis=1)
    scores = np.einsum("bd,btd->bt", q, K_new) / np.sqrt(K_new.shape[-1])
    scores = scores - scores.max(axis=0, keepdims=True)
    w = np.exp(scores)
    w = w / w.sum(axis=0, keepdims=True)
    out = np.einsum("bt,btd->bd", w, V_new)
    return out, K_new, V_new
