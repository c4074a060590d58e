import numpy as np


def mlp_forward(X, params):
    X = np.asarray(X, dtype=float)
    a = X @ params["W1"] + params["b1"]  # (N, H)
    h = np.maximum(a, 0.0)
    out = h @ params["W2"] + params["b2"]  # (N, C)
    return out, (X, a, h, np.array(params["W2"], dtype=float))


def mlp_backward(dout, cache):
    X, a, h, W2 = cache
    dout = np.asarray(dout, dtype=float)
    dW2 = h.T @ dout
    db2 = dout.sum(axis=0)
    da = (dout @ W2.T) * (a > 0)
    dW1 = X.T @ da
    db1 = da.sum(axis=0)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
