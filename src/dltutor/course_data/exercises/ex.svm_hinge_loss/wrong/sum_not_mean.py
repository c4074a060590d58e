# expect-fail: mean_over_all_examples, against_numerical_gradient
# Sums the hinge losses instead of averaging them (C = 1 in the constrained form, not 1/N).
import numpy as np


def svm_loss_grad(w, b, X, y, lam):
    X, y, w = np.asarray(X, dtype=float), np.asarray(y, dtype=float), np.asarray(w, dtype=float)
    if not np.all(np.abs(y) == 1):
        raise ValueError("labels")
    m = y * (X @ w + b)
    active = m < 1
    loss = 0.5 * lam * w @ w + np.maximum(0, 1 - m).sum()
    return loss, lam * w - (y[active, None] * X[active]).sum(axis=0), -y[active].sum()
