import numpy as np


def svm_loss_grad(w, b, X, y, lam):
    X, y, w = np.asarray(X, dtype=float), np.asarray(y, dtype=float), np.asarray(w, dtype=float)
    if not np.all((y == 1) | (y == -1)):
        raise ValueError("SVM labels must be -1 or +1")
    n = len(y)
    margins = y * (X @ w + b)
    active = margins < 1  # at exactly 1 the hinge is flat on the right: subgradient 0
    loss = 0.5 * lam * float(w @ w) + float(np.maximum(0.0, 1.0 - margins).sum()) / n
    grad_w = lam * w - (y[active, None] * X[active]).sum(axis=0) / n
    grad_b = -float(y[active].sum()) / n
    return loss, grad_w, grad_b
