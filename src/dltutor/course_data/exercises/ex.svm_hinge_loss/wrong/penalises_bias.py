# expect-fail: bias_not_penalised
# Puts the bias into the penalty as well: lam/2 (|w|^2 + b^2).
import numpy as np


def svm_loss_grad(w, b, X, y, lam):
    X, y, w = np.asarray(X, dtype=float), np.asarray(y, dtype=float), np.asarray(w, dtype=float)
    if not np.all(np.abs(y) == 1):
        raise ValueError("labels")
    n = len(y)
    m = y * (X @ w + b)
    active = m < 1
    loss = 0.5 * lam * (w @ w + b * b) + np.maximum(0, 1 - m).mean()
    return loss, lam * w - (y[active, None] * X[active]).sum(axis=0) / n, lam * b - y[active].sum() / n
