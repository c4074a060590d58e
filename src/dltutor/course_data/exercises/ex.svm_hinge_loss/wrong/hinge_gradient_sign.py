# expect-fail: by_hand, against_numerical_gradient
# Gets the sign of the hinge part wrong: d/dw max(0, 1 - y f) is -y x, not +y x.
import numpy as np


def svm_loss_grad(w, b, X, y, lam):
    X, y, w = np.asarray(X, dtype=float), np.asarray(y, dtype=float), np.asarray(w, dtype=float)
    if not np.all(np.abs(y) == 1):
        raise ValueError("labels")
    n = len(y)
    m = y * (X @ w + b)
    active = m < 1
    loss = 0.5 * lam * w @ w + np.maximum(0, 1 - m).mean()
    return loss, lam * w + (y[active, None] * X[active]).sum(axis=0) / n, y[active].sum() / n
