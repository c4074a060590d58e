"""Hidden tests for ex.additive_attention."""

import math

import numpy as np

W_WHY = ("softmax over the real positions of w . tanh(Wq q + Wk k_j)", "对真实位置做 softmax 的 w . tanh(Wq q + Wk k_j)")
C_WHY = ("the weighted sum of the values", "值的加权和")


def independent(query, keys, values, Wq, Wk, w, src_lens=None):
    """Sentence by sentence, position by position, in the lesson's column-vector form."""
    B, T, _ = keys.shape
    ctx, wts = np.zeros((B, values.shape[2])), np.zeros((B, T))
    for b in range(B):
        n = T if src_lens is None else int(src_lens[b])
        s = [float(w @ np.tanh(Wq @ query[b] + Wk @ keys[b, j])) for j in range(n)]
        top = max(s)
        e = [math.exp(v - top) for v in s]
        for j in range(n):
            wts[b, j] = e[j] / sum(e)
            ctx[b] += wts[b, j] * values[b, j]
    return ctx, wts


def make(rng, B, T, dq, dk, dv, h, w_scale=1.0):
    return (rng.normal(size=(B, dq)), rng.normal(size=(B, T, dk)), rng.normal(size=(B, T, dv)), rng.normal(size=(h, dq)), rng.normal(size=(h, dk)), w_scale * rng.normal(size=h))


def run(t, args, src_lens=None, w_why=W_WHY):
    got = t.call("additive_attention", *args) if src_lens is None else t.call("additive_attention", *args, src_lens=src_lens)
    context, weights = t.unpack(got, 2, "(context, weights)")
    want_c, want_w = independent(*args, src_lens)
    t.close(weights, want_w, w_why)
    t.close(context, want_c, C_WHY)


def test_equal_scores_average(t):
    # w = 0 makes every score 0: uniform weights, the context is the mean of the values
    rng = np.random.default_rng(251)
    q, K, V, Wq, Wk, _ = make(rng, 1, 4, 3, 3, 2, 5)
    got = t.call("additive_attention", q, K, V, Wq, Wk, np.zeros(5))
    context, weights = t.unpack(got, 2, "(context, weights)")
    t.close(weights, np.full((1, 4), 0.25), ("equal weights 0.25: every score is 0 when w = 0", "w = 0 时分数都为 0，权重均为 0.25"))
    t.close(context, V.mean(axis=1), ("the mean of the 4 values", "4 个值的平均"))


def test_one_sentence(t):
    rng = np.random.default_rng(252)
    run(t, make(rng, 1, 5, 4, 4, 3, 4))


def test_matrices_act_from_the_left(t):
    rng = np.random.default_rng(253)
    run(t, make(rng, 2, 3, 4, 4, 2, 4), w_why=("scores with Wq q (query @ Wq.T), not query @ Wq", "分数用 Wq q（即 query @ Wq.T），而不是 query @ Wq"))
    run(t, make(rng, 2, 3, 3, 5, 2, 6))


def test_tanh_of_the_sum(t):
    query = np.array([[1.0, 0.0]])
    keys = np.array([[[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]]])
    values = np.array([[[1.0], [2.0], [3.0]]])
    Wq = np.array([[2.0, 0.0], [0.0, 1.0]])
    Wk = np.array([[2.0, 0.0], [0.0, 3.0]])
    w = np.array([1.5, -1.0])
    run(t, (query, keys, values, Wq, Wk, w), w_why=("w . tanh(Wq q + Wk k_j): tanh of the sum of both projections", "w . tanh(Wq q + Wk k_j)：对两个投影之和取 tanh"))


def test_padding_gets_no_weight(t):
    rng = np.random.default_rng(254)
    args = make(rng, 3, 5, 4, 4, 3, 6)
    run(t, args, src_lens=np.array([5, 2, 3]), w_why=("weights 0 beyond src_lens[b]; the real positions sum to 1", "超过 src_lens[b] 的位置权重为 0；真实位置的权重和为 1"))


def test_sentences_are_independent(t):
    rng = np.random.default_rng(255)
    args = make(rng, 4, 6, 3, 5, 2, 4)
    got = t.call("additive_attention", *args)
    _, weights = t.unpack(got, 2, "(context, weights)")
    t.close(np.asarray(weights, dtype=float).sum(axis=1), np.ones(4), ("each sentence's weights summing to 1 over its positions", "每个句子的权重沿自己的位置求和为 1"))
    run(t, args)


def test_large_scores_stable(t):
    rng = np.random.default_rng(256)
    args = make(rng, 2, 4, 3, 3, 2, 8, w_scale=3000.0)
    got = t.call("additive_attention", *args, src_lens=np.array([4, 3]))
    context, weights = t.unpack(got, 2, "(context, weights)")
    t.finite(weights, ("finite weights for scores around 1e4", "分数在 1e4 左右时权重仍为有限值"))
    run(t, args, src_lens=np.array([4, 3]))


def test_random(t):
    rng = np.random.default_rng(257)
    for B, T, dq, dk, dv, h in [(1, 1, 2, 2, 1, 3), (3, 7, 6, 4, 5, 8), (5, 10, 8, 8, 3, 16)]:
        args = make(rng, B, T, dq, dk, dv, h)
        run(t, args)
        run(t, args, src_lens=rng.integers(1, T + 1, size=B))
