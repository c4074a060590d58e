# expect-fail: large_gain_is_stable
# Exponentiates the raw scores: with a large ln1 gain they reach 1e6 and exp overflows to inf.
import numpy as np


def layer_norm(z, g, b, eps=1e-5):
    mu = z.mean(axis=-1, keepdims=True)
    var = z.var(axis=-1, keepdims=True)
    return g * (z - mu) / np.sqrt(var + eps) + b


def attention(z, p, causal):
    q, k, v = z @ p["Wq"], z @ p["Wk"], z @ p["Wv"]
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(z.shape[-1])
    if causal:
        T = z.shape[-2]
        scores = np.where(np.tril(np.ones((T, T), dtype=bool)), scores, -np.inf)
    w = np.exp(scores)
    w = w / w.sum(axis=-1, keepdims=True)
    return (w @ v) @ p["Wo"]


def ffn(z, p):
    return np.maximum(0.0, z @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]


def pre_ln_block(x, params, causal=False):
    x = np.asarray(x, dtype=float)
    h = x + attention(layer_norm(x, params["ln1_g"], params["ln1_b"]), params, causal)
    return h + ffn(layer_norm(h, params["ln2_g"], params["ln2_b"]), params)
