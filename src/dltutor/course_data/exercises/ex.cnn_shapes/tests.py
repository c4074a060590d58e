"""Hidden tests for ex.cnn_shapes."""

import numpy as np

SHAPES = ("the output shape after each layer", "每一层之后的输出形状")
PARAMS = ("the total number of parameters (weights and biases)", "参数总数（权重和偏置）")
RF = ("the receptive field of one unit of the last conv/pool feature map", "最后一个卷积/池化特征图上一个单元的感受野")


def rf_by_intervals(layers):
    """Independent of the recurrence: the input interval [lo, hi] that unit 0 of each layer
    depends on, followed back through every conv and pool (borders not clipped)."""
    lo = lambda j: j
    hi = lambda j: j
    for layer in layers:
        if layer[0] == "conv":
            k, s, p = layer[2], layer[3], layer[4]
        elif layer[0] == "pool":
            k, s, p = layer[1], layer[2], 0
        else:
            continue
        lo = (lambda f, s, p: lambda j: f(j * s - p))(lo, s, p)
        hi = (lambda f, k, s, p: lambda j: f(j * s - p + k - 1))(hi, k, s, p)
    return hi(0) - lo(0) + 1


def shapes_by_arrays(input_shape, layers):
    """Independent shapes: slide a window over actual index arrays."""
    c, h, w = input_shape
    out = []
    for layer in layers:
        if layer[0] in ("conv", "pool"):
            k, s, p = (layer[2], layer[3], layer[4]) if layer[0] == "conv" else (layer[1], layer[2], 0)
            def n_out(n):
                padded = np.arange(n + 2 * p)
                return len([i for i in padded[::s] if i + k <= len(padded)])
            c = layer[1] if layer[0] == "conv" else c
            h, w = n_out(h), n_out(w)
            out.append((c, h, w))
        else:
            out.append((layer[1],))
    return out


def check(t, input_shape, layers, why=(SHAPES, PARAMS, RF)):
    got = t.call("cnn_summary", input_shape, layers)
    shapes, params, r = t.unpack(got, 3, "(shapes, params, receptive_field)")
    t.equal(shapes, shapes_by_arrays(input_shape, layers), why[0])
    t.equal(params, t.ref.cnn_summary(input_shape, layers)[1], why[1])
    t.equal(r, rf_by_intervals(layers), why[2])


LESSON = [("conv", 16, 3, 1, 1), ("pool", 2, 2), ("conv", 32, 3, 1, 1), ("pool", 2, 2), ("fc", 10)]


def test_lesson_network(t):
    got = t.call("cnn_summary", (1, 28, 28), LESSON)
    shapes, params, r = t.unpack(got, 3, "(shapes, params, receptive_field)")
    t.equal(shapes, [(16, 28, 28), (16, 14, 14), (32, 14, 14), (32, 7, 7), (10,)], SHAPES)
    t.equal(params, 20490, ("20,490 = 160 + 4,640 + 15,690", "20,490 = 160 + 4,640 + 15,690"))
    t.equal(r, 10, ("10 input pixels: 1 + 2 + 1 + 2*2 + 1*4", "10 个输入像素：1 + 2 + 1 + 2*2 + 1*4"))


def test_flattened_length(t):
    layers = [("conv", 32, 3, 1, 1), ("pool", 2, 2), ("conv", 64, 3, 1, 1), ("pool", 2, 2), ("fc", 100)]
    got = t.call("cnn_summary", (3, 32, 32), layers)
    _, params, _ = t.unpack(got, 3, "(shapes, params, receptive_field)")
    want = 32 * 3 * 9 + 32 + 64 * 32 * 9 + 64 + 64 * 8 * 8 * 100 + 100
    t.equal(params, want, ("the fc layer takes all 64 * 8 * 8 = 4,096 features", "全连接层的输入是全部 64 * 8 * 8 = 4,096 个特征"))
    check(t, (3, 32, 32), layers)


def test_stride_and_padding(t):
    check(t, (3, 7, 9), [("conv", 8, 3, 2, 0), ("conv", 4, 3, 2, 1)])
    check(t, (2, 10, 10), [("conv", 6, 5, 1, 2), ("conv", 6, 4, 3, 1)])


def test_floor_on_odd_sizes(t):
    got = t.call("cnn_summary", (4, 7, 5), [("pool", 2, 2)])
    shapes, _, _ = t.unpack(got, 3, "(shapes, params, receptive_field)")
    t.equal(shapes, [(4, 3, 2)], ("(4, 3, 2): floor((7 - 2) / 2) + 1 = 3, floor((5 - 2) / 2) + 1 = 2", "(4, 3, 2)：floor((7 - 2) / 2) + 1 = 3，floor((5 - 2) / 2) + 1 = 2"))
    check(t, (1, 11, 11), [("conv", 2, 3, 2, 0), ("pool", 3, 2)])


def test_receptive_field_grows_with_the_jump(t):
    got = t.call("cnn_summary", (1, 32, 32), [("conv", 4, 3, 1, 1)] * 3)
    _, _, r = t.unpack(got, 3, "(shapes, params, receptive_field)")
    t.equal(r, 7, ("7: three stacked 3x3 convolutions see as far as one 7x7", "7：三个 3x3 卷积堆叠起来与一个 7x7 看到的范围相同"))
    got = t.call("cnn_summary", (1, 32, 32), [("conv", 4, 3, 2, 1), ("conv", 4, 3, 1, 1)])
    _, _, r = t.unpack(got, 3, "(shapes, params, receptive_field)")
    t.equal(r, 7, ("7 = 1 + 2*1 + 2*2: the second layer's kernel steps 2 input pixels", "7 = 1 + 2*1 + 2*2：第二层卷积核每步跨 2 个输入像素"))


def test_fc_layers(t):
    got = t.call("cnn_summary", (2, 4, 4), [("fc", 8), ("fc", 3)])
    shapes, params, r = t.unpack(got, 3, "(shapes, params, receptive_field)")
    t.equal(shapes, [(8,), (3,)], SHAPES)
    t.equal(params, 32 * 8 + 8 + 8 * 3 + 3, ("32*8 + 8 + 8*3 + 3 = 291", "32*8 + 8 + 8*3 + 3 = 291"))
    t.equal(r, 1, ("1: no conv or pool layer", "1：没有卷积或池化层"))


def test_kernel_too_large(t):
    t.raises("ValueError", ("a 5x5 kernel does not fit a 3x3 input without padding", "没有填充时 5x5 卷积核放不进 3x3 的输入"), "cnn_summary", (1, 3, 3), [("conv", 2, 5, 1, 0)])
    t.raises("ValueError", ("a 2x2 pool does not fit after the map shrinks to 1x1", "特征图缩小到 1x1 后放不下 2x2 的池化"), "cnn_summary", (1, 4, 4), [("pool", 2, 2), ("pool", 2, 2), ("pool", 2, 2)])


def test_conv_after_fc_and_unknown_kind(t):
    t.raises("ValueError", ("a conv layer cannot follow an fc layer", "卷积层不能接在全连接层之后"), "cnn_summary", (1, 8, 8), [("fc", 16), ("conv", 2, 3, 1, 1)])
    t.raises("ValueError", ("'dropout' is not a known layer kind", "'dropout' 不是已知的层类型"), "cnn_summary", (1, 8, 8), [("dropout", 0.5)])


def test_random(t):
    rng = np.random.default_rng(260)
    for _ in range(6):
        c, h, w = int(rng.integers(1, 4)), int(rng.integers(20, 64)), int(rng.integers(20, 64))
        layers = []
        for _ in range(int(rng.integers(2, 5))):
            if rng.random() < 0.65:
                layers.append(("conv", int(rng.integers(2, 17)), int(rng.choice([1, 3, 5])), int(rng.integers(1, 3)), int(rng.integers(0, 3))))
            else:
                layers.append(("pool", int(rng.choice([2, 3])), int(rng.choice([1, 2]))))
        layers.append(("fc", int(rng.integers(2, 11))))
        check(t, (c, h, w), layers)
