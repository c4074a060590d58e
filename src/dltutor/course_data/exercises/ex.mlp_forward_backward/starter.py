import numpy as np


def mlp_forward(X, params):
    """out = relu(X @ W1 + b1) @ W2 + b2. Return (out, cache); cache holds what backward needs."""
    # TODO: your code here
    raise NotImplementedError


def mlp_backward(dout, cache):
    """Gradients of sum(out * dout) with respect to W1, b1, W2, b2, as a dict."""
    # TODO: your code here
    raise NotImplementedError
