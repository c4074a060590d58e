# expect-fail: pure_node_gives_zero_gain
# Keeps a threshold only when its gain is above 0 (as a tree learner that refuses useless
# splits would), so a pure node returns None instead of the smallest threshold.
import numpy as np


def _impurity(labels, criterion):
    _, counts = np.unique(labels, return_counts=True)
    p = counts / counts.sum()
    if criterion == "entropy":
        return float(-(p * np.log2(p)).sum())
    return float(1.0 - (p**2).sum())


def best_split(x, y, criterion="entropy"):
    if criterion not in ("entropy", "gini"):
        raise ValueError(criterion)
    x, y = np.asarray(x), np.asarray(y)
    best_t, best_gain = None, 0.0
    for t in np.unique(x)[:-1]:
        left = x <= t
        gain = _impurity(y, criterion) - (left.sum() * _impurity(y[left], criterion) + (~left).sum() * _impurity(y[~left], criterion)) / len(y)
        if gain > best_gain:
            best_t, best_gain = float(t), gain
    return best_t, float(best_gain)
