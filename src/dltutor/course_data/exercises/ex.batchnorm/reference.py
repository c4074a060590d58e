import numpy as np


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    mu = x.mean(axis=0)
    var = x.var(axis=0)  # biased: divides by N
    return gamma * (x - mu) / np.sqrt(var + eps) + beta
