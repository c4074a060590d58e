def _out_size(n, k, s, p):
    size = (n + 2 * p - k) // s + 1
    if size < 1:
        raise ValueError(f"a kernel of {k} with padding {p} does not fit an input of {n}")
    return size


def cnn_summary(input_shape, layers):
    shape = tuple(int(v) for v in input_shape)  # (C, H, W), later (features,) after an fc layer
    shapes, params = [], 0
    r, jump = 1, 1  # receptive field of one unit, and its step in input pixels
    for layer in layers:
        kind = layer[0]
        if kind in ("conv", "pool") and len(shape) != 3:
            raise ValueError(f"a {kind} layer needs a (C, H, W) input, not {shape}")
        if kind == "conv":
            _, out, k, s, p = layer
            c, h, w = shape
            shape = (out, _out_size(h, k, s, p), _out_size(w, k, s, p))
            params += out * c * k * k + out
        elif kind == "pool":
            _, k, s = layer
            c, h, w = shape
            shape = (c, _out_size(h, k, s, 0), _out_size(w, k, s, 0))
        elif kind == "fc":
            n_in = 1
            for v in shape:
                n_in *= v
            shape = (layer[1],)
            params += n_in * layer[1] + layer[1]
        else:
            raise ValueError(f"unknown layer kind {kind!r}")
        if kind in ("conv", "pool"):
            r += (k - 1) * jump  # with the jump of the layers before this one
            jump *= s
        shapes.append(shape)
    return shapes, params, r
