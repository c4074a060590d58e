"""Hidden tests for ex.quantize_int8."""

import numpy as np

Q = ("round(w / scale) clipped to [-127, 127]", "round(w / scale) 并裁剪到 [-127, 127]")
SCALE = ("scale = max|w| / 127", "scale = max|w| / 127")


def quantize(t, w):
    got = t.call("quantize_int8", w)
    q, scale = t.unpack(got, 2, "(q, scale)")
    t.array(q, "i", ("an int8 array", "int8 类型的数组"))
    t.expect(str(q.dtype) == "int8", ("dtype int8", "dtype 为 int8"), q.dtype.name)
    return q, scale


def test_known_values(t):
    w = np.array([1.27, -0.635, 0.3, 0.0])
    q, scale = quantize(t, w)
    t.close(scale, 0.01, SCALE)
    t.equal(q, [127, -64, 30, 0], ("[127, -64, 30, 0]", "[127, -64, 30, 0]"))


def test_halves_to_even(t):
    w = np.array([127.0, 2.5, -3.5, 0.5, -0.5, 1.5])  # scale 1: exact halves
    q, _ = quantize(t, w)
    t.equal(q, [127, 2, -4, 0, 0, 2], ("[127, 2, -4, 0, 0, 2]: numpy.round sends halves to even", "[127, 2, -4, 0, 0, 2]：numpy.round 把 .5 舍入到偶数"))


def test_all_zero(t):
    q, scale = quantize(t, np.zeros((2, 3)))
    t.close(scale, 1.0, ("scale 1.0 for an all-zero tensor", "全零张量的 scale 为 1.0"))
    t.equal(q, np.zeros((2, 3), dtype=int), ("all zeros", "全为 0"))


def test_dequantize_values(t):
    q = np.array([-127, -1, 0, 3, 127], dtype=np.int8)
    got = t.call("dequantize", q, 0.5)
    t.close(got, np.array([-63.5, -0.5, 0.0, 1.5, 63.5]), ("q * scale as floats", "q * scale（浮点数）"))


def test_round_trip(t):
    w = np.random.default_rng(62).normal(size=(4, 5))
    q, scale = quantize(t, w)
    back = t.call("dequantize", q, scale)
    s = float(np.max(np.abs(w)) / 127)
    t.close(back, t.ref.dequantize(*t.ref.quantize_int8(w)), ("dequantize(quantize(w)), within scale / 2 of w", "dequantize(quantize(w))，与 w 相差不超过 scale / 2"))
    t.expect(bool(np.all(np.abs(t.array(back) - w) <= s / 2 + 1e-12)), ("every entry within scale / 2 of w", "每个元素与 w 相差不超过 scale / 2"), back)


def test_random(t):
    rng = np.random.default_rng(63)
    for shape, spread in [((10,), 1.0), ((3, 4, 5), 100.0), ((1,), 1e-3)]:
        w = rng.normal(scale=spread, size=shape)
        q, scale = quantize(t, w)
        want_q, want_scale = t.ref.quantize_int8(w)
        t.close(scale, want_scale, SCALE)
        t.equal(q, want_q, Q)
