# expect-fail: rows, three_d
# Forgets keepdims: (N, D) - (N,) broadcasts wrongly or fails unless N == D.
import numpy as np


def layer_norm(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=-1)
    var = x.var(axis=-1)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta
