# expect-fail: new_key_goes_last, decoding_matches_full_attention
# Puts the new key and value at the front of the cache: the output is the same, the cache order is not.
import numpy as np


def kv_cache_step(x_t, K_cache, V_cache, Wq, Wk, Wv):
    x_t = np.asarray(x_t, dtype=float)
    q, k, v = x_t @ Wq, x_t @ Wk, x_t @ Wv
    K_new = np.concatenate([k[:, None, :], K_cache], axis=1)
    V_new = np.concatenate([v[:, None, :], V_cache], axis=1)
    scores = np.einsum("bd,btd->bt", q, K_new) / np.sqrt(K_new.shape[-1])
    scores = scores - scores.max(axis=-1, keepdims=True)
    w = np.exp(scores)
    w = w / w.sum(axis=-1, keepdims=True)
    out = np.einsum("bt,btd->bd", w, V_new)
    return out, K_new, V_new
