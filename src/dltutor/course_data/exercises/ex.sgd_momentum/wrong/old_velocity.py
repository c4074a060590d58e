# expect-fail: one_step, several_steps
# Moves w with the old velocity instead of the new one.
import numpy as np


def sgd_momentum_step(w, grad, velocity, lr=0.01, momentum=0.9):
    v_new = momentum * velocity - lr * grad
    return w + velocity, v_new
