"""Hidden tests for ex.multi_head_attention."""

import numpy as np

MHA = ("multi-head attention: heads split in order, attended, joined in order, times Wo", "多头注意力：按顺序切分各头、分别注意力、按顺序拼接、乘以 Wo")


def weights(rng, d):
    return [rng.normal(scale=d**-0.5, size=(d, d)) for _ in range(4)]


def check(t, x, ws, h, mask=None, why=MHA):
    args = (x, *ws, h) if mask is None else (x, *ws, h, mask)
    t.close(t.call("multi_head_attention", *args), t.ref.multi_head_attention(x, *ws, h, mask), why)


def test_one_head_is_plain_attention(t):
    rng = np.random.default_rng(46)
    x = rng.normal(size=(1, 3, 4))
    check(t, x, weights(rng, 4), 1, why=("single-head attention times Wo", "单头注意力乘以 Wo"))


def test_random_heads(t):
    rng = np.random.default_rng(47)
    for b, T, d, h in [(2, 4, 8, 2), (1, 5, 12, 3), (3, 2, 8, 4)]:
        check(t, rng.normal(size=(b, T, d)), weights(rng, d), h)


def test_causal_mask(t):
    rng = np.random.default_rng(48)
    x = rng.normal(size=(2, 5, 6))
    mask = np.tril(np.ones((5, 5), dtype=bool))
    check(t, x, weights(rng, 6), 3, mask, ("multi-head attention with a (T, T) causal mask", "带 (T, T) 因果掩码的多头注意力"))


def test_per_head_mask(t):
    rng = np.random.default_rng(49)
    x = rng.normal(size=(1, 4, 4))
    mask = rng.random((1, 2, 4, 4)) > 0.4
    mask[..., 0] = True
    check(t, x, weights(rng, 4), 2, mask, ("a mask of shape (B, num_heads, T, T)", "形状为 (B, num_heads, T, T) 的掩码"))


def test_identity_projections(t):
    x = np.random.default_rng(50).normal(size=(1, 3, 4))
    eye = [np.eye(4)] * 4
    check(t, x, eye, 2)


def test_indivisible_heads(t):
    rng = np.random.default_rng(51)
    x = rng.normal(size=(1, 3, 6))
    t.raises("ValueError", ("D = 6 is not divisible by num_heads = 4", "D = 6 不能被 num_heads = 4 整除"), "multi_head_attention", x, *weights(rng, 6), 4)
