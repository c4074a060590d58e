# expect-fail: one_step, defaults
# The other sign convention (v = momentum*v + lr*g; w = w - v): same w, but v has the wrong sign.
import numpy as np


def sgd_momentum_step(w, grad, velocity, lr=0.01, momentum=0.9):
    v_new = momentum * velocity + lr * grad
    return w - v_new, v_new
