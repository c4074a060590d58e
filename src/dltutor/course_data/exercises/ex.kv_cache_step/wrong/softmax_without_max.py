# expect-fail: large_scores_stable
# Exponentiates the raw scores: exp of scores around 1e4 overflows to inf.
import numpy as np


def kv_cache_step(x_t, K_cache, V_cache, Wq, Wk, Wv):
    x_t = np.asarray(x_t, dtype=float)
    q, k, v = x_t @ Wq, x_t @ Wk, x_t @ Wv
    K_new = np.concatenate([K_cache, k[:, None, :]], axis=1)
    V_new = np.concatenate([V_cache, v[:, None, :]], axis=1)
    scores = np.einsum("bd,btd->bt", q, K_new) / np.sqrt(K_new.shape[-1])
    w = np.exp(scores)
    w = w / w.sum(axis=-1, keepdims=True)
    out = np.einsum("bt,btd->bd", w, V_new)
    return out, K_new, V_new
