import numpy as np


def cross_entropy(logits, labels):
    logits = np.asarray(logits, dtype=float)
    labels = np.asarray(labels, dtype=int)
    m = logits.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))  # log-sum-exp per row
    return float(np.mean(lse - logits[np.arange(len(labels)), labels]))
