# expect-fail: constant_feature
# Adds eps outside the square root: a constant feature divides 0 by 1e-5 (fine), but the
# scale is wrong whenever the variance is small.
import numpy as np


def batchnorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=0)
    return gamma * (x - mu) / (np.sqrt(x.var(axis=0)) + eps) + beta
