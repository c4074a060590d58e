# expect-fail: by_hand, against_numerical_gradient
# Divides the hinge gradient by the number of active examples instead of by N.
import numpy as np


def svm_loss_grad(w, b, X, y, lam):
    X, y, w = np.asarray(X, dtype=float), np.asarray(y, dtype=float), np.asarray(w, dtype=float)
    if not np.all(np.abs(y) == 1):
        raise ValueError("labels")
    m = y * (X @ w + b)
    active = m < 1
    k = max(1, int(active.sum()))
    loss = 0.5 * lam * w @ w + np.maximum(0, 1 - m).mean()
    return loss, lam * w - (y[active, None] * X[active]).sum(axis=0) / k, -y[active].sum() / k
