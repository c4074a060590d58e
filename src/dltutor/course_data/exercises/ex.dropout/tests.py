"""Hidden tests for ex.dropout."""

import numpy as np


def run(t, x, p, training, seed):
    got = t.call("dropout_forward", x, p, training, t.rng(seed))
    return t.unpack(got, 2, "(out, mask)")


def test_training_mask(t):
    x = np.arange(1.0, 13.0).reshape(3, 4)
    _, mask = run(t, x, 0.5, True, 7)
    want = np.random.default_rng(7).random(x.shape) >= 0.5
    t.array(mask, "b", ("a boolean keep-mask", "布尔类型的保留掩码"))
    t.equal(mask, want, ("the mask rng.random(x.shape) >= p", "掩码 rng.random(x.shape) >= p"))


def test_training_values(t):
    x = np.arange(1.0, 13.0).reshape(3, 4)
    out, _ = run(t, x, 0.25, True, 8)
    want = x * (np.random.default_rng(8).random(x.shape) >= 0.25) / 0.75
    t.close(out, want, ("x * mask / (1 - p)", "x * mask / (1 - p)"))


def test_inference_is_identity(t):
    x = np.array([[1.0, -2.0], [3.5, 0.0]])
    out, mask = run(t, x, 0.5, False, 9)
    t.close(out, x, ("x itself at inference (training=False)", "推理时（training=False）输出 x 本身"))
    t.array(mask, "b", ("a boolean mask", "布尔类型的掩码"))
    t.equal(mask, np.ones((2, 2), dtype=bool), ("a mask of all True at inference", "推理时掩码全为 True"))


def test_p_zero_keeps_everything(t):
    x = np.random.default_rng(10).normal(size=(5, 3))
    out, mask = run(t, x, 0.0, True, 11)
    t.close(out, x, ("x unchanged when p = 0", "p = 0 时输出等于 x"))
    t.equal(mask, np.ones(x.shape, dtype=bool), ("all True when p = 0", "p = 0 时掩码全为 True"))


def test_random_shapes(t):
    rng = np.random.default_rng(12)
    for seed, shape, p in [(13, (10,), 0.1), (14, (4, 5, 6), 0.6), (15, (2, 3), 0.9)]:
        x = rng.normal(size=shape)
        out, mask = run(t, x, p, True, seed)
        want_out, want_mask = t.ref.dropout_forward(x, p, True, np.random.default_rng(seed))
        t.equal(mask, want_mask, ("the mask rng.random(x.shape) >= p", "掩码 rng.random(x.shape) >= p"))
        t.close(out, want_out, ("x * mask / (1 - p)", "x * mask / (1 - p)"))
