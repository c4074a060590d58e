# expect-fail: gradients_random, gradients_known
# Averages the bias gradients over the batch instead of summing them.
import numpy as np


def mlp_forward(X, params):
    a = X @ params["W1"] + params["b1"]
    h = np.maximum(a, 0.0)
    return h @ params["W2"] + params["b2"], (X, a, h, params["W2"])


def mlp_backward(dout, cache):
    X, a, h, W2 = cache
    da = (dout @ W2.T) * (a > 0)
    return {"W1": X.T @ da, "b1": da.mean(axis=0), "W2": h.T @ dout, "b2": dout.mean(axis=0)}
