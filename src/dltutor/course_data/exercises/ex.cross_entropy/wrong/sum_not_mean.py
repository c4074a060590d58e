# expect-fail: known_value, random
# Sums over the batch instead of averaging.
import numpy as np


def cross_entropy(logits, labels):
    m = logits.max(axis=1, keepdims=True)
    log_probs = logits - m - np.log(np.exp(logits - m).sum(axis=1, keepdims=True))
    return float(-np.sum(log_probs[np.arange(len(labels)), labels]))
