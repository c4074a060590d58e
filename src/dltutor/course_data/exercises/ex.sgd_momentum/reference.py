import numpy as np


def sgd_momentum_step(w, grad, velocity, lr=0.01, momentum=0.9):
    v_new = momentum * np.asarray(velocity, dtype=float) - lr * np.asarray(grad, dtype=float)
    w_new = np.asarray(w, dtype=float) + v_new
    return w_new, v_new
