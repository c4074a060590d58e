# expect-fail: cache_is_per_call
# Keeps the activations in module globals, so a second forward pass overwrites the first's.
import numpy as np

_saved = {}


def mlp_forward(X, params):
    a = X @ params["W1"] + params["b1"]
    h = np.maximum(a, 0.0)
    _saved.update(X=X, a=a, h=h, W2=params["W2"])
    return h @ params["W2"] + params["b2"], None


def mlp_backward(dout, cache):
    X, a, h, W2 = _saved["X"], _saved["a"], _saved["h"], _saved["W2"]
    da = (dout @ W2.T) * (a > 0)
    return {"W1": X.T @ da, "b1": da.sum(axis=0), "W2": h.T @ dout, "b2": dout.sum(axis=0)}
