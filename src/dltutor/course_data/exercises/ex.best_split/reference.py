import numpy as np


def _impurity(labels, criterion):
    _, counts = np.unique(labels, return_counts=True)
    p = counts / counts.sum()
    if criterion == "entropy":
        return float(-(p * np.log2(p)).sum())  # only classes present: no log(0)
    return float(1.0 - (p**2).sum())


def best_split(x, y, criterion="entropy"):
    if criterion not in ("entropy", "gini"):
        raise ValueError(f"criterion must be 'entropy' or 'gini', not {criterion!r}")
    x, y = np.asarray(x), np.asarray(y)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError("x and y must be 1-D and of the same length")
    n = len(y)
    parent = _impurity(y, criterion) if n else 0.0
    best_t, best_gain = None, 0.0
    for t in np.unique(x)[:-1]:  # increasing; the largest value would leave the right side empty
        left = x <= t
        n_left = int(left.sum())
        children = (n_left * _impurity(y[left], criterion) + (n - n_left) * _impurity(y[~left], criterion)) / n
        gain = parent - children
        if best_t is None or gain > best_gain:  # strict: ties keep the smaller threshold
            best_t, best_gain = float(t), gain
    return best_t, float(best_gain)
