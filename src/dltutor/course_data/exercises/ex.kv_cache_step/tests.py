"""Hidden tests for ex.kv_cache_step."""

import math

import numpy as np

OUT = ("softmax(q K_new^T / sqrt(dk)) V_new for each sequence", "每条序列的 softmax(q K_new^T / sqrt(dk)) V_new")


def weights(rng, d, dk, dv, scale=1.0):
    return (scale * rng.normal(size=(d, dk)) / math.sqrt(d), scale * rng.normal(size=(d, dk)) / math.sqrt(d), rng.normal(size=(d, dv)) / math.sqrt(d))


def full_causal_attention(X, Wq, Wk, Wv):
    """Row by row over one whole sequence X (T, d): the output a decoder computes without a cache."""
    Q, K, V = X @ Wq, X @ Wk, X @ Wv
    out = []
    for i in range(len(X)):
        s = [float(Q[i] @ K[j]) / math.sqrt(K.shape[1]) for j in range(i + 1)]
        top = max(s)
        e = [math.exp(v - top) for v in s]
        out.append(sum(e_ / sum(e) * V[j] for j, e_ in enumerate(e)))
    return np.array(out)


def step(t, x, K, V, W):
    got = t.call("kv_cache_step", x, K, V, *W)
    return t.unpack(got, 3, "(out, K_new, V_new)")


def test_empty_cache(t):
    rng = np.random.default_rng(221)
    W = weights(rng, 4, 3, 2)
    x = rng.normal(size=(2, 4))
    out, K_new, V_new = step(t, x, np.zeros((2, 0, 3)), np.zeros((2, 0, 2)), W)
    t.close(out, x @ W[2], ("v = x_t Wv: with one key, its weight is 1", "v = x_t Wv：只有一个键时它的权重为 1"))
    t.close(K_new, (x @ W[1])[:, None, :], ("K_new = the new key alone, shape (2, 1, 3)", "K_new 只有新的键，形状 (2, 1, 3)"))
    t.close(V_new, (x @ W[2])[:, None, :], ("V_new = the new value alone, shape (2, 1, 2)", "V_new 只有新的值，形状 (2, 1, 2)"))


def test_new_key_goes_last(t):
    rng = np.random.default_rng(222)
    W = weights(rng, 4, 4, 3)
    K, V = rng.normal(size=(1, 3, 4)), rng.normal(size=(1, 3, 3))
    x = rng.normal(size=(1, 4))
    out, K_new, V_new = step(t, x, K, V, W)
    t.close(K_new, np.concatenate([K, (x @ W[1])[:, None]], axis=1), ("the 3 cached keys, then the new one", "先是缓存中的 3 个键，最后是新的键"))
    t.close(V_new, np.concatenate([V, (x @ W[2])[:, None]], axis=1), ("the 3 cached values, then the new one", "先是缓存中的 3 个值，最后是新的值"))
    t.close(out, t.ref.kv_cache_step(x, K, V, *W)[0], ("attention over all 4 keys, the new token's own included", "对全部 4 个键做注意力，包括新词元自己的"))


def test_decoding_matches_full_attention(t):
    rng = np.random.default_rng(223)
    T, d, dk, dv = 6, 8, 4, 5
    W = weights(rng, d, dk, dv)
    X = rng.normal(size=(T, d))
    want = full_causal_attention(X, *W)
    K, V = np.zeros((1, 0, dk)), np.zeros((1, 0, dv))
    for i in range(T):
        out, K, V = step(t, X[i : i + 1], K, V, W)
        t.close(out, want[i : i + 1], (f"row {i} of full causal attention over the sequence", f"对整条序列做完整因果注意力时的第 {i} 行"))
        K, V = np.asarray(K, dtype=float), np.asarray(V, dtype=float)
    t.close(K, (X @ W[1])[None], ("after 6 steps the cache holds X Wk", "6 步之后缓存里是 X Wk"))


def test_scale_by_key_size(t):
    rng = np.random.default_rng(224)
    W = weights(rng, 9, 4, 2, scale=3.0)
    K, V = rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 5, 2))
    x = rng.normal(size=(2, 9))
    out, _, _ = step(t, x, K, V, W)
    t.close(out, t.ref.kv_cache_step(x, K, V, *W)[0], ("scores divided by sqrt(dk) = 2, not sqrt(d) = 3", "分数除以 sqrt(dk) = 2，而不是 sqrt(d) = 3"))


def test_sequences_are_independent(t):
    rng = np.random.default_rng(225)
    W = weights(rng, 6, 3, 4)
    K, V = rng.normal(size=(3, 4, 3)), rng.normal(size=(3, 4, 4))
    x = rng.normal(size=(3, 6))
    out, _, _ = step(t, x, K, V, W)
    for b in range(3):
        alone = t.ref.kv_cache_step(x[b : b + 1], K[b : b + 1], V[b : b + 1], *W)[0]
        t.close(np.asarray(out)[b : b + 1], alone, (f"sequence {b} attends only to its own cache", f"第 {b} 条序列只看自己的缓存"))


def test_large_scores_stable(t):
    rng = np.random.default_rng(226)
    W = weights(rng, 4, 4, 3, scale=60.0)
    K = 60.0 * rng.normal(size=(2, 5, 4))
    V = rng.normal(size=(2, 5, 3))
    x = 2.0 * rng.normal(size=(2, 4))
    out, _, _ = step(t, x, K, V, W)
    t.finite(out, ("finite outputs for scores around 1e4", "分数在 1e4 左右时输出仍为有限值"))
    t.close(out, t.ref.kv_cache_step(x, K, V, *W)[0], OUT)


def test_random(t):
    rng = np.random.default_rng(227)
    for B, T, d, dk, dv in [(1, 1, 3, 2, 2), (4, 7, 8, 8, 8), (2, 12, 16, 4, 6)]:
        W = weights(rng, d, dk, dv)
        K, V = rng.normal(size=(B, T, dk)), rng.normal(size=(B, T, dv))
        x = rng.normal(size=(B, d))
        out, K_new, V_new = step(t, x, K, V, W)
        ref = t.ref.kv_cache_step(x, K, V, *W)
        t.close(out, ref[0], OUT)
        t.close(K_new, ref[1], ("the cache with the new key appended", "末尾接上新键的缓存"))
