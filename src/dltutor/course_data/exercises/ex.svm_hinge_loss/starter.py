import numpy as np


def svm_loss_grad(w, b, X, y, lam):
    """Soft-margin linear SVM: lam/2 |w|^2 + mean hinge loss, and its subgradient.

    y holds -1/+1 labels. Return (loss, grad_w, grad_b).
    """
    # TODO: your code here
    raise NotImplementedError
