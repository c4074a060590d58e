def cnn_summary(input_shape, layers):
    """Follow a CNN layer by layer: output shapes, total parameters, receptive field.

    layers: ("conv", out_channels, kernel, stride, padding), ("pool", kernel, stride) or
    ("fc", out_features). Return (shapes, params, receptive_field).
    """
    # TODO: your code here
    raise NotImplementedError
