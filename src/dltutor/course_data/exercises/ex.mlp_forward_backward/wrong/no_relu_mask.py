# expect-fail: gradients_random
# Backpropagates through the ReLU as if it were the identity (forgets the mask a > 0).
import numpy as np


def mlp_forward(X, params):
    a = X @ params["W1"] + params["b1"]
    h = np.maximum(a, 0.0)
    return h @ params["W2"] + params["b2"], (X, a, h, params["W2"])


def mlp_backward(dout, cache):
    X, a, h, W2 = cache
    dh = dout @ W2.T
    return {"W1": X.T @ dh, "b1": dh.sum(axis=0), "W2": h.T @ dout, "b2": dout.sum(axis=0)}
