# expect-fail: known_value, random
# Indexes with log_probs[:, labels], an (N, N) matrix, instead of one entry per row.
import numpy as np


def cross_entropy(logits, labels):
    m = logits.max(axis=1, keepdims=True)
    log_probs = logits - m - np.log(np.exp(logits - m).sum(axis=1, keepdims=True))
    return float(-np.mean(log_probs[:, labels]))
