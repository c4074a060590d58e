# expect-fail: margin_exactly_one_is_not_active
# Counts examples with margin <= 1 as active, so a point exactly on the margin still pushes w.
import numpy as np


def svm_loss_grad(w, b, X, y, lam):
    X, y, w = np.asarray(X, dtype=float), np.asarray(y, dtype=float), np.asarray(w, dtype=float)
    if not np.all(np.abs(y) == 1):
        raise ValueError("labels")
    m = y * (X @ w + b)
    active = m <= 1
    loss = 0.5 * lam * w @ w + np.maximum(0, 1 - m).mean()
    return loss, lam * w - (y[active, None] * X[active]).sum(axis=0) / len(y), -y[active].sum() / len(y)
