# expect-fail: large_logits
# Softmax first, log afterwards: exp(1000) overflows and the loss comes out nan or inf.
import numpy as np


def cross_entropy(logits, labels):
    e = np.exp(logits)
    p = e / e.sum(axis=1, keepdims=True)
    return float(-np.mean(np.log(p[np.arange(len(labels)), labels])))
