import numpy as np


def sgd_momentum_step(w, grad, velocity, lr=0.01, momentum=0.9):
    """One momentum step: v_new = momentum*velocity - lr*grad; w_new = w + v_new.

    Return (w_new, v_new) as new arrays; leave the inputs unchanged.
    """
    # TODO: your code here
    raise NotImplementedError
