"""Hidden tests for ex.pre_ln_block."""

import math

import numpy as np

BLOCK = ("h = x + Attn(LN1(x)); y = h + FFN(LN2(h))", "h = x + Attn(LN1(x))；y = h + FFN(LN2(h))")


def make_params(rng, d, d_ff, gain=1.0):
    return {
        "ln1_g": gain * rng.uniform(0.5, 1.5, size=d),
        "ln1_b": rng.normal(scale=0.1, size=d),
        "Wq": rng.normal(size=(d, d)) / math.sqrt(d),
        "Wk": rng.normal(size=(d, d)) / math.sqrt(d),
        "Wv": rng.normal(size=(d, d)) / math.sqrt(d),
        "Wo": rng.normal(size=(d, d)) / math.sqrt(d),
        "ln2_g": rng.uniform(0.5, 1.5, size=d),
        "ln2_b": rng.normal(scale=0.1, size=d),
        "W1": rng.normal(size=(d, d_ff)) / math.sqrt(d),
        "b1": rng.normal(scale=0.1, size=d_ff),
        "W2": rng.normal(size=(d_ff, d)) / math.sqrt(d_ff),
        "b2": rng.normal(scale=0.1, size=d),
    }


def independent(x, p, causal=False):
    """Token by token, query by query, for one sequence (T, d) or each sequence of a batch."""
    x = np.asarray(x, dtype=float)
    if x.ndim == 3:
        return np.stack([independent(seq, p, causal) for seq in x])
    T, d = x.shape

    def ln(row, g, b):
        mu = sum(row) / d
        var = sum((r - mu) ** 2 for r in row) / d
        return np.array([g[i] * (row[i] - mu) / math.sqrt(var + 1e-5) + b[i] for i in range(d)])

    z = np.array([ln(x[i], p["ln1_g"], p["ln1_b"]) for i in range(T)])
    q, k, v = z @ p["Wq"], z @ p["Wk"], z @ p["Wv"]
    attn = np.zeros((T, d))
    for i in range(T):
        seen = range(i + 1) if causal else range(T)
        s = [float(q[i] @ k[j]) / math.sqrt(d) for j in seen]
        top = max(s)
        e = [math.exp(v_ - top) for v_ in s]
        total = sum(e)
        attn[i] = sum((e_ / total) * v[j] for e_, j in zip(e, seen)) @ p["Wo"]
    h = x + attn
    z2 = np.array([ln(h[i], p["ln2_g"], p["ln2_b"]) for i in range(T)])
    return h + np.maximum(0.0, z2 @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]


def test_residual_path_when_sublayers_are_zero(t):
    rng = np.random.default_rng(191)
    p = make_params(rng, 4, 8)
    p["Wo"] = np.zeros((4, 4))
    p["W2"] = np.zeros((8, 4))
    p["b2"] = np.zeros(4)
    x = rng.normal(size=(3, 4))
    t.close(t.call("pre_ln_block", x, p), x, ("x itself: both sublayers output 0, and pre-LN adds them to the unnormalised x", "x 本身：两个子层输出都是 0，pre-LN 把它们加到未规范化的 x 上"))


def test_feed_forward_part(t):
    rng = np.random.default_rng(192)
    p = make_params(rng, 4, 6)
    p["Wo"] = np.zeros((4, 4))  # attention adds nothing: y = x + FFN(LN2(x))
    x = 3.0 * rng.normal(size=(5, 4)) + 2.0
    t.close(t.call("pre_ln_block", x, p), independent(x, p), ("x + FFN(LN2(x)) with ln2's gain and bias", "x + FFN(LN2(x))，使用 ln2 的增益和偏置"))


def test_one_sequence(t):
    rng = np.random.default_rng(193)
    p = make_params(rng, 8, 16)
    x = rng.normal(size=(6, 8))
    t.close(t.call("pre_ln_block", x, p), independent(x, p), BLOCK)


def test_causal(t):
    rng = np.random.default_rng(194)
    p = make_params(rng, 8, 16)
    x = rng.normal(size=(5, 8))
    got = t.call("pre_ln_block", x, p, causal=True)
    t.close(got, independent(x, p, causal=True), ("the block with causal attention (position i sees j <= i)", "使用因果注意力的块（位置 i 只看 j <= i）"))
    later = x.copy()
    later[3:] += 10.0
    got2 = t.call("pre_ln_block", later, p, causal=True)
    t.close(np.asarray(got2)[:3], np.asarray(got)[:3], ("rows 0-2 unchanged when only tokens 3 and 4 change", "只改变词元 3、4 时，第 0-2 行不变"))


def test_batch(t):
    rng = np.random.default_rng(195)
    p = make_params(rng, 4, 8)
    x = rng.normal(size=(3, 5, 4))
    t.close(t.call("pre_ln_block", x, p), independent(x, p), ("each of the 3 sequences through the block on its own", "3 条序列各自通过这个块"))
    t.close(t.call("pre_ln_block", x, p, causal=True), independent(x, p, causal=True), ("each sequence on its own, causal", "每条序列各自计算，带因果掩码"))


def test_large_gain_is_stable(t):
    rng = np.random.default_rng(196)
    p = make_params(rng, 4, 8, gain=1000.0)
    x = rng.normal(size=(4, 4))
    got = t.call("pre_ln_block", x, p, causal=True)
    t.finite(got, ("finite outputs when attention scores reach 1e6", "注意力分数达到 1e6 时输出仍为有限值"))
    t.close(got, independent(x, p, causal=True), BLOCK)


def test_random(t):
    rng = np.random.default_rng(197)
    for shape, d_ff, causal in [((1, 4), 4, False), ((7, 6), 24, True), ((2, 3, 8), 32, False), ((1, 9, 4), 16, True)]:
        p = make_params(rng, shape[-1], d_ff)
        x = rng.normal(scale=2.0, size=shape)
        t.close(t.call("pre_ln_block", x, p, causal=causal), independent(x, p, causal), BLOCK)
