"""Hidden tests for ex.scaled_dot_product_attention."""

import numpy as np

W_WHY = ("softmax(Q K^T / sqrt(d)) over the keys", "沿键方向的 softmax(Q K^T / sqrt(d))")
O_WHY = ("weights @ V", "weights @ V")


def run(t, Q, K, V, mask=None, why=W_WHY):
    args = (Q, K, V) if mask is None else (Q, K, V, mask)
    got = t.call("attention", *args)
    out, weights = t.unpack(got, 2, "(out, weights)")
    out_ref, w_ref = t.ref.attention(Q, K, V, mask)
    t.close(weights, w_ref, why)
    t.close(out, out_ref, O_WHY)
    return weights


def test_known_weights(t):
    Q = np.array([[1.0, 0.0], [0.0, 2.0]])
    K = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    V = np.array([[1.0], [2.0], [3.0]])
    run(t, Q, K, V)


def test_identical_keys_average(t):
    Q = np.array([[0.3, -1.2]])
    K = np.ones((4, 2))
    V = np.arange(8.0).reshape(4, 2)
    got = t.call("attention", Q, K, V)
    out, weights = t.unpack(got, 2, "(out, weights)")
    t.close(weights, np.full((1, 4), 0.25), ("equal weights 0.25 for identical keys", "键全相同时权重均为 0.25"))
    t.close(out, V.mean(axis=0, keepdims=True), ("the mean of V's rows", "V 各行的平均"))


def test_causal_mask_excludes_future(t):
    rng = np.random.default_rng(43)
    Q, K, V = rng.normal(size=(4, 3)), rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    mask = np.tril(np.ones((4, 4), dtype=bool))
    run(t, Q, K, V, mask, ("causal weights: 0 above the diagonal, each row a softmax", "因果权重：对角线以上为 0，每行是 softmax"))


def test_broadcast_mask_batched(t):
    rng = np.random.default_rng(44)
    Q, K, V = rng.normal(size=(2, 3, 5, 4)), rng.normal(size=(2, 3, 6, 4)), rng.normal(size=(2, 3, 6, 2))
    mask = rng.random((5, 6)) > 0.3
    mask[:, 0] = True  # every query keeps at least one key
    run(t, Q, K, V, mask)


def test_random_batched(t):
    rng = np.random.default_rng(45)
    for batch, tq, tk, d, dv in [((), 3, 4, 8, 5), ((2,), 5, 5, 4, 4), ((2, 2), 1, 7, 16, 3)]:
        Q = rng.normal(size=(*batch, tq, d))
        K = rng.normal(size=(*batch, tk, d))
        V = rng.normal(size=(*batch, tk, dv))
        run(t, Q, K, V)


def test_large_scores_stable(t):
    Q = np.array([[100.0, 100.0]])
    K = np.array([[100.0, 100.0], [-100.0, 50.0]])
    V = np.array([[1.0, 0.0], [0.0, 1.0]])
    got = t.call("attention", Q, K, V)
    out, weights = t.unpack(got, 2, "(out, weights)")
    t.finite(weights, ("finite weights for large scores", "分数很大时权重仍为有限值"))
    t.close(weights, t.ref.attention(Q, K, V)[1], W_WHY)
