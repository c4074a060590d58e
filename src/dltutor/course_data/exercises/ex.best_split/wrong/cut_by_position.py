# expect-fail: equal_values_stay_together
# Sorts the examples and cuts between neighbouring positions, so equal x values can land on
# both sides of the cut; the threshold reported is the value left of the cut.
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
    order = np.argsort(x, kind="stable")
    xs, ys = np.asarray(x)[order], np.asarray(y)[order]
    if len(np.unique(xs)) < 2:
        return None, 0.0
    n = len(ys)
    best_t, best_gain = None, 0.0
    for i in range(1, n):
        gain = _impurity(ys, criterion) - (i * _impurity(ys[:i], criterion) + (n - i) * _impurity(ys[i:], criterion)) / n
        if best_t is None or gain > best_gain:
            best_t, best_gain = float(xs[i - 1]), gain
    return best_t, float(best_gain)
