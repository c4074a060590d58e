# expect-fail: one_step, defaults
# Updates the caller's arrays in place (velocity *= ..., w += ...).
import numpy as np


def sgd_momentum_step(w, grad, velocity, lr=0.01, momentum=0.9):
    velocity *= momentum
    velocity -= lr * grad
    w += velocity
    return w, velocity
